"""``manage.py load_catalogue``: reports counts, and a bad file is refused with a clear message."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from onegate.catalogue.models import Service

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_catalogue", *args, stdout=out)
    return out.getvalue()


def test_loads_the_demo_catalogue_and_reports_counts() -> None:
    first = run()
    second = run()
    count = Service.objects.count()
    assert f"services: {count} created, 0 updated, 0 unchanged" in first
    assert f"services: 0 created, 0 updated, {count} unchanged" in second


def test_a_bad_file_names_the_entry_and_field_and_loads_nothing(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(
        "agencies:\n"
        "  - slug: health\n"
        "    name: {en: Ministry of Public Health, th: กระทรวงสาธารณสุข}\n"
        "    description: {en: Health cards., th: บัตรสุขภาพ}\n"
        "services:\n"
        "  - slug: child-health-card\n"
        "    title: {en: Get a health card for your child}\n"
        "    summary: {en: No photocopies., th: ไม่ต้องใช้สำเนา}\n"
        "    agency: health\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as raised:
        run(str(path))
    message = str(raised.value)
    assert 'services[0] "child-health-card": title: The Thai text is missing.' in message
    assert "Nothing was loaded." in message
    assert not Service.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot be read"):
        run(str(tmp_path / "missing.yaml"))
