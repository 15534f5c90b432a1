"""A person in a real browser books a visit for a passport and cancels it: from the service page,
through the centre finder (by postcode), the day and time, to the booking and its cancellation.
At 320 px and 1280 px, in English and Thai, axe finds nothing on any page and nothing scrolls
sideways; once more at 320 px with JavaScript off. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from onegate.appointments.constants import BookingStatus
from onegate.appointments.models import Booking
from onegate.appointments.tests.support import PASSPORT, bangkok_centre, make_slot, someone
from onegate.identity.tests.acting_fixtures import strong_session
from tests.browser.conftest import (
    LANGUAGE_PREFIX,
    WIDTHS,
    axe_violations,
    format_violations,
    screenshot,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

WORDS = {
    "book_visit": re.compile(r"Book a visit|จอง"),
    "find": re.compile(r"Find centres|ค้นหา"),
    "book": re.compile(r"Book this time|จองเวลานี้"),
    "cancel": re.compile(r"Cancel the appointment|ยกเลิกนัดหมาย"),
    "yes_cancel": re.compile(r"Yes, cancel it|ใช่ ยกเลิก"),
}


@pytest.fixture
def person_page(browser: Any, demo_site: str):
    """``open(width, javascript)``: a page signed in as a person, with a centre and two times."""
    centre = bangkok_centre()
    make_slot(centre, in_days=2, hour=10, capacity=2)
    make_slot(centre, in_days=2, hour=11, capacity=2)
    me = someone()
    client = strong_session(Client(), me.user)
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

    yield me, centre, _open
    for context in contexts:
        context.close()


def check(page: Any, name: str, language: str, width: int, *, axe: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot(page, ARTIFACTS / f"{name}-{language}-{width}.png")
    if not axe:
        return
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} ({language}) scrolls sideways by {overflow}px at {width}px"
    violations = axe_violations(page)
    assert not violations, f"{name} ({language}, {width}px):\n{format_violations(violations)}"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
def test_book_and_cancel_a_visit(person_page, demo_site, language, width):
    book_and_cancel(person_page, demo_site, language, width, javascript=True)


def test_the_same_with_javascript_off(person_page, demo_site):
    book_and_cancel(person_page, demo_site, "en", WIDTHS["mobile"], javascript=False)


def book_and_cancel(person_page, demo_site, language, width, *, javascript):
    me, centre, open_page = person_page
    prefix = LANGUAGE_PREFIX[language]
    page = open_page(width, javascript)

    # The passport's page says why a visit is needed and offers to book one.
    page.goto(f"{demo_site}{prefix}/services/{PASSPORT}/")
    check(page, "appointments-service", language, width, axe=javascript)
    page.get_by_role("button", name=WORDS["book_visit"]).click()
    page.wait_for_url(re.compile(rf"/appointments/book/{PASSPORT}/$"))

    # Find centres near a Bangkok postcode.
    page.locator("#id_postcode").fill("10210")
    page.get_by_role("button", name=WORDS["find"]).click()
    page.wait_for_url(re.compile(r"postcode=10210"))
    assert page.locator(".og-centre-list li").count() == 1
    check(page, "appointments-find", language, width, axe=javascript)
    page.get_by_role("link", name=centre.name_th if language == "th" else centre.name_en).click()

    # The first day is chosen; pick the first time and book it.
    page.wait_for_url(re.compile(rf"/appointments/book/{PASSPORT}/{centre.slug}/"))
    check(page, "appointments-slots", language, width, axe=javascript)
    page.locator("input[name=slot]").first.check()
    page.get_by_role("button", name=WORDS["book"]).click()
    page.wait_for_url(re.compile(r"/appointments/AP-[0-9A-Z-]+/$"))
    booking = Booking.objects.get(person_id=me.person_id)
    assert booking.reference in page.locator(".govuk-summary-list").inner_text()
    if language == "th":  # Buddhist Era years on Thai pages
        year = booking.slot.starts_at.year
        assert str(year + 543) in page.locator(".govuk-summary-list").inner_text()
    check(page, "appointments-booking", language, width, axe=javascript)

    # Cancel it.
    page.get_by_role("button", name=WORDS["cancel"]).click()
    page.wait_for_url(re.compile(r"/cancel/$"))
    check(page, "appointments-cancel", language, width, axe=javascript)
    page.get_by_role("button", name=WORDS["yes_cancel"]).click()
    page.wait_for_url(re.compile(r"/appointments/$"))
    check(page, "appointments-home", language, width, axe=javascript)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_an_officers_day(browser, demo_site, width):
    """The centre officer's list of the day, with check-in: axe finds nothing."""
    from onegate.appointments.services import booking_create
    from onegate.identity.constants import StaffRole
    from onegate.identity.tests.organisation_fixtures import staff_member

    centre = bangkok_centre()
    me = someone()
    slot = make_slot(centre, in_days=0, hour=23, minutes=30, capacity=1)
    earlier = slot.starts_at - dt.timedelta(hours=1)  # booked before, whenever the test runs
    booking_create(actor=me.user, person_id=me.person_id, slot_id=slot.pk, now=earlier)
    officer = staff_member(
        "officer@example.test", StaffRole.CENTRE_OFFICER, centre.agency_slug, centre=centre
    )
    session = strong_session(Client(), officer).cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": demo_site}]
    )
    page = context.new_page()
    page.goto(f"{demo_site}/appointments/staff/")
    assert "Somsri Dee" in page.locator(".govuk-summary-card").inner_text()
    check(page, "appointments-staff-day", "en", width)
    page.get_by_role("button", name=re.compile("Check in Somsri Dee")).click()
    page.wait_for_url(re.compile(r"/appointments/staff/[0-9a-f-]+/\?date="))
    assert Booking.objects.get().status == BookingStatus.CHECKED_IN
    check(page, "appointments-staff-checked-in", "en", width)
    context.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_closing_a_day_page(browser, demo_site, width):
    """An administrator's "close a centre for a day" page, empty and with its errors."""
    from onegate.identity.constants import StaffRole
    from onegate.identity.tests.organisation_fixtures import staff_member

    centre = bangkok_centre()
    admin = staff_member("admin@example.test", StaffRole.AGENCY_ADMIN, centre.agency_slug)
    session = strong_session(Client(), admin).cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": demo_site}]
    )
    page = context.new_page()
    page.goto(f"{demo_site}/appointments/staff/close-a-day/")
    check(page, "appointments-close-day", "en", width)
    page.get_by_role("button", name="Close the centre that day").click()
    assert page.locator(".govuk-error-summary").count() == 1
    check(page, "appointments-close-day-errors", "en", width)
    context.close()
