"""The agency administrator's staff pages in a real browser: axe finds nothing and nothing scrolls
sideways at 320 px, in English and Thai; an administrator gives a role and ends one with
JavaScript off; screenshots are saved under test-artifacts/ for people to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from onegate.identity.constants import StaffRole
from onegate.identity.models import StaffMembership
from onegate.identity.tests.account_fixtures import reauthenticate
from onegate.identity.tests.organisation_fixtures import staff_account, staff_member
from tests.browser.conftest import LANGUAGE_PREFIX, WIDTHS, Visit, format_violations, screenshot

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
STAFF = "/account/agency-staff/immigration/"


@pytest.fixture
def admin_page(open_page: Any):
    """``admin_page(path, width, javascript=True)``: a page opened by an immigration administrator
    who has just confirmed their password."""
    admin = staff_member("admin@immigration.test", StaffRole.AGENCY_ADMIN, "immigration")
    admin.display_name = "Pranee Wongsa"
    admin.save(update_fields=["display_name"])
    client = Client()
    client.force_login(admin)
    reauthenticate(client, "a long test password")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    def _open(path: str, width: int, javascript: bool = True) -> Visit:
        return open_page(path, width=width, javascript=javascript, axe=True, session=session)

    return _open


@pytest.fixture
def colleagues() -> dict[str, Any]:
    worker = staff_member("anan@immigration.test", StaffRole.CASE_WORKER, "immigration")
    worker.display_name = "Anan Srisai"
    worker.save(update_fields=["display_name"])
    staff_member("kanya@immigration.test", StaffRole.TEAM_LEAD, "immigration")
    return {"worker": worker, "joiner": staff_account("joiner@example.test")}


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
def test_staff_pages_are_accessible(admin_page, colleagues, language, width):
    prefix = LANGUAGE_PREFIX[language]
    membership = StaffMembership.objects.get(user=colleagues["worker"])
    pages = {
        "agency-staff-list": f"{prefix}{STAFF}",
        "agency-staff-grant": f"{prefix}{STAFF}grant/",
        "agency-staff-end": f"{prefix}/account/agency-staff/roles/{membership.pk}/end/",
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in pages.items():
        visit = admin_page(path, width)
        _check(visit, f"{name}-{language}-{width}")
    errors = admin_page(f"{prefix}{STAFF}grant/", width)
    errors.page.locator("main form .govuk-button").click()  # sent empty
    _check(errors, f"agency-staff-grant-errors-{language}-{width}")


def _check(visit: Visit, name: str) -> None:
    screenshot(visit.page, ARTIFACTS / f"{name}.png")
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
    violations = visit.axe_violations()
    assert not violations, f"{name}:\n{format_violations(violations)}"


def test_an_administrator_gives_and_ends_a_role_without_javascript(admin_page, colleagues):
    visit = admin_page(f"{STAFF}grant/", 1280, javascript=False)
    page = visit.page
    page.get_by_label("Their email address").fill("joiner@example.test")
    page.get_by_label("Team lead").check()
    page.get_by_role("button", name="Give role").click()
    assert "joiner@example.test is now Team lead." in page.content()
    page.get_by_role("link", name="End role Anan Srisai, Case worker").click()
    page.get_by_role("button", name="End role").click()
    assert "anan@immigration.test is no longer Case worker." in page.content()
    assert page.get_by_role("heading", name="Roles that have ended").is_visible()
    assert StaffMembership.objects.get(user=colleagues["joiner"]).role == StaffRole.TEAM_LEAD
