"""``manage.py audit_verify`` prints OK with counts, or the broken row / overdue rows and fails."""

from __future__ import annotations

import datetime
import io
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from onegate.audit.models import AuditEvent
from onegate.audit.services import audit_chain_pending
from onegate.audit.tests.factories import AuditEventFactory
from onegate.audit.tests.plugin import append_only_guard_suspended

pytestmark = pytest.mark.django_db


def run_verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def run_failing_verify() -> str:
    out = io.StringIO()
    with pytest.raises(CommandError, match="verification failed"):
        call_command("audit_verify", stdout=out)
    return out.getvalue()


def test_a_sound_log_prints_ok_with_counts(record_events):
    record_events(3)
    audit_chain_pending()
    record_events(1)

    assert run_verify() == (
        "OK: 3 events chained and verified; 1 waiting to be chained, none overdue\n"
    )


def test_a_broken_chain_names_the_first_broken_row(record_events):
    record_events(4)
    audit_chain_pending()
    broken = AuditEvent.objects.get(sequence=2)
    with append_only_guard_suspended():
        AuditEvent.objects.filter(id=broken.id).update(subject_id="someone-else")

    output = run_failing_verify()

    assert f"BROKEN: chain breaks at sequence 2 (event {broken.id}): row_hash_mismatch" in output
    assert "1 events verified before it" in output


@override_settings(AUDIT_UNCHAINED_ALERT_SECONDS=60)
def test_rows_left_unchained_too_long_are_a_failure(monkeypatch):
    now = timezone.now()
    AuditEventFactory.create(created_at=now - datetime.timedelta(seconds=125))
    AuditEventFactory.create(created_at=now - datetime.timedelta(seconds=90))
    monkeypatch.setattr(timezone, "now", lambda: now)

    output = run_failing_verify()

    assert output == ("OVERDUE: 2 events unchained for longer than 60 s; the oldest for 125 s\n")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_command_exits_non_zero_on_failure():
    # given a committed, overdue row that a separate process can read
    AuditEventFactory.create(created_at=timezone.now() - datetime.timedelta(days=1))
    db = connection.settings_dict
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "audit_verify"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert result.returncode == 1, result.stderr
    assert "OVERDUE: 1 events" in result.stdout
    assert "audit log verification failed" in result.stderr
