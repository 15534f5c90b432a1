"""A parent in a real browser: switches to acting for their child, reads the child's "who looked at
my data", and reports the child's change of address (postcode first, then the area), ending on
the page listing the agencies told. At 320 px with JavaScript off and at 1280 px with it on, in
English and Thai: axe finds nothing, nothing scrolls sideways, and screenshots are kept under
test-artifacts/screenshots/ for people to look at."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from onegate.identity.constants import DelegationStatus
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import (
    active_delegation,
    citizen,
    link_account,
    make_household,
    strong_session,
    years_ago,
)
from onegate.registries.demo_subscriptions import load_demo_subscriptions
from onegate.registries.models import AccessRecord, Address
from onegate.registries.tests.events_support import make_divisions
from tests.browser.conftest import (
    LANGUAGE_PREFIX,
    WIDTHS,
    axe_violations,
    format_violations,
    screenshot,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# The words the flow clicks, in each language (Thai once the catalogue is compiled; the
# patterns accept either so the flow does not depend on a translation being present).
WORDS = {
    "continue": re.compile(r"Continue|ดำเนินการต่อ|ต่อไป"),
    "in_thailand": re.compile(r"In Thailand|ในประเทศไทย"),
    "find": re.compile(r"Find the area|ค้นหา"),
    "report": re.compile(r"Report the change|แจ้ง"),
    "accept": re.compile(r"Accept|ตอบรับ"),
}


@pytest.fixture
def parent_page(browser: Any, demo_site: str):
    """``parent_page(width, javascript)``: a browser page signed in as the household's parent."""
    make_divisions()
    load_demo_subscriptions()
    household = make_household()
    Address.objects.create(
        person=household.child,
        kind="thai",
        house_number="12/3",
        road="Na Phra Lan",
        sub_district_id="100101",
        postcode="10200",
        valid_from=dt.date(2020, 1, 1),
    )
    client = strong_session(Client(), household.parent_user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    contexts = []

    def _open(width: int, javascript: bool) -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            bypass_csp=True,  # axe is injected as a script
        )
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": demo_site}]
        )
        contexts.append(context)
        return context.new_page()

    yield household, _open
    for context in contexts:
        context.close()


def check(page: Any, name: str, language: str, width: int, *, axe: bool = True) -> None:
    """Screenshot, no sideways scrolling, and no axe violation on the page as it is now."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot(page, ARTIFACTS / f"{name}-{language}-{width}.png")
    if not axe:  # with JavaScript off, neither the measure nor axe can run in the page
        return
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} ({language}) scrolls sideways by {overflow}px at {width}px"
    violations = axe_violations(page)
    assert not violations, f"{name} ({language}, {width}px):\n{format_violations(violations)}"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
def test_a_parent_acts_for_their_child(parent_page, demo_site, language, width):
    acting_flow(parent_page, demo_site, language, width, javascript=True)


def test_the_same_with_javascript_off(parent_page, demo_site):
    acting_flow(parent_page, demo_site, "en", WIDTHS["mobile"], javascript=False)


def acting_flow(parent_page, demo_site, language, width, *, javascript):
    """Act for the child, read their log, report their move; checking each page on the way."""
    household, open_as_parent = parent_page
    prefix = LANGUAGE_PREFIX[language]
    page = open_as_parent(width, javascript)
    child_name = "Niran Jaidee" if language == "en" else "นิรันดร์ ใจดี"

    # Choose the child in the "acting for" list.
    page.goto(f"{demo_site}{prefix}/account/acting/")
    check(page, "acting-choose", language, width, axe=javascript)
    page.get_by_label(child_name).check()
    page.get_by_role("button", name=WORDS["continue"]).click()
    page.wait_for_url(re.compile(r"/account/acting/$"))
    header = page.locator(".og-acting-for")
    assert child_name in header.inner_text()
    check(page, "acting-chosen", language, width, axe=javascript)

    # The child's "who looked at my data" shows the parent listing their children.
    page.goto(f"{demo_site}{prefix}/account/who-looked-at-my-data/")
    assert child_name in page.locator("h1").inner_text()
    parent_name = "Somchai Jaidee" if language == "en" else "สมชาย ใจดี"
    assert page.get_by_text(parent_name, exact=False).count() > 0
    check(page, "data-access-child", language, width, axe=javascript)
    assert AccessRecord.objects.filter(person=household.child, facts=["person.access_log"]).exists()

    # Report the child's move: Thailand, postcode, area, address, date.
    page.goto(f"{demo_site}{prefix}/account/address/")
    assert "12/3" in page.content()
    check(page, "address-start", language, width, axe=javascript)
    page.get_by_label(WORDS["in_thailand"]).check()
    page.get_by_role("button", name=WORDS["continue"]).click()
    page.wait_for_url(re.compile(r"/account/address/thailand/$"))
    page.locator("#id_postcode").fill("50200")
    page.get_by_role("button", name=WORDS["find"]).click()
    page.wait_for_url(re.compile(r"postcode=50200"))
    check(page, "address-find", language, width, axe=javascript)
    page.locator("input[name=sub_district][value='500101']").check()
    page.get_by_role("button", name=WORDS["continue"]).click()
    page.wait_for_url(re.compile(r"sub_district=500101"))
    page.locator("#id_house_number").fill("99")
    page.locator("#id_road").fill("Ratchadamnoen")
    today = timezone.localdate()
    page.locator("#id_moved_on_day").fill(str(today.day))
    page.locator("#id_moved_on_month").fill(str(today.month))
    page.locator("#id_moved_on_year").fill(str(today.year))
    check(page, "address-thai", language, width, axe=javascript)
    page.get_by_role("button", name=WORDS["report"]).click()
    page.wait_for_url(re.compile(r"/account/address/changes/[0-9a-f-]+/$"))
    assert page.locator(".govuk-panel").count() == 1
    assert page.locator("table tbody tr").count() == 3
    check(page, "address-reported", language, width, axe=javascript)

    moved = Address.objects.get(person=household.child, valid_until__isnull=True)
    assert (moved.sub_district_id, moved.house_number) == ("500101", "99")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
def test_the_delegation_pages(parent_page, demo_site, language, width):
    household, open_as_parent = parent_page
    helper = citizen("Dan", "Helper", years_ago(40))
    helper_user = link_account(make_account("dan@example.test"), helper)
    given = active_delegation(household.parent, household.parent_user, helper_user, helper)
    asked = active_delegation(
        helper,
        helper_user,
        household.parent_user,
        household.parent,
        services=["tell-us-you-have-moved", "apply-for-a-passport"],
        status=DelegationStatus.OFFERED,
    )
    prefix = LANGUAGE_PREFIX[language]
    page = open_as_parent(width, True)
    page.goto(f"{demo_site}{prefix}/account/delegations/")
    assert page.locator("table").count() == 2
    check(page, "delegations", language, width)
    page.goto(f"{demo_site}{prefix}/account/delegations/{given.pk}/")
    check(page, "delegation-given", language, width)
    page.goto(f"{demo_site}{prefix}/account/delegations/{asked.pk}/")
    assert page.get_by_role("button").filter(has_text=WORDS["accept"]).count() == 1
    check(page, "delegation-asked", language, width)
    # Asking someone to act for you needs signing in again first: the form is shown, and
    # sending it goes to "confirm it's you".
    page.goto(f"{demo_site}{prefix}/account/delegations/new/")
    check(page, "delegation-new", language, width)
    page.goto(f"{demo_site}{prefix}/account/address/abroad/")
    check(page, "address-abroad", language, width)
    page.goto(f"{demo_site}{prefix}/account/address/thailand/?browse=1")
    check(page, "address-browse", language, width)
