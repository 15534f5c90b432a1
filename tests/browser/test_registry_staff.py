"""The registry staff pages in a real browser: axe finds nothing and nothing scrolls sideways at
320 px, in English and Thai; screenshots are saved under test-artifacts/ for people to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from onegate.identity.constants import StaffRole
from onegate.identity.tests.organisation_fixtures import staff_member
from onegate.registries.tests.registry_fixtures import make_family
from tests.browser.conftest import (
    AXE_PATH,
    LANGUAGE_PREFIX,
    WIDTHS,
    Visit,
    format_violations,
    screenshot,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def officer_page(open_page: Any):
    """``officer_page(path, width)``: a page opened by a signed-in registry officer."""
    officer = staff_member("officer@example.test", StaffRole.REGISTRY_OFFICER, "civil-registration")
    client = Client()
    client.force_login(officer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    def _open(path: str, width: int) -> Visit:
        return open_page(path, width=width, axe=True, session=session)

    return _open


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
def test_staff_search_and_person_pages(officer_page, language, width):
    family = make_family()
    prefix = LANGUAGE_PREFIX[language]
    pages = {
        "registry-search-results": f"{prefix}/staff/registry/?purpose=application&name=jaidee",
        "registry-search-error": f"{prefix}/staff/registry/?national_id=123",
        "registry-person": f"{prefix}/staff/registry/people/{family.parent.pk}/"
        "?purpose=application",
        "registry-purpose": f"{prefix}/staff/registry/people/{family.parent.pk}/",
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in pages.items():
        visit = officer_page(path, width)
        screenshot(visit.page, ARTIFACTS / f"{name}-{language}-{width}.png")
        overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} ({language}) scrolls sideways by {overflow}px at {width}px"
        violations = visit.axe_violations()
        assert not violations, f"{name} ({language}, {width}px):\n{format_violations(violations)}"
    assert AXE_PATH.exists()
