"""Proving identity in a real browser: a person proves who they are with their ID card and sees
their level go up; the proofing and step-up pages have no axe violations and do not scroll
sideways at 320 and 1280 px, in English and Thai. Screenshots go to test-artifacts/ to look at.

People are signed in by a session cookie made with Django's test client (as in
``test_registry_staff``), with allauth's record of a password and an app code used in the session,
so the session's sign-in strength is what a real sign-in with a second factor would give.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from onegate.identity.tests.proofing_support import (
    APP_CODE,
    PASSWORD,
    account,
    centre_officer,
    signed_in,
)
from onegate.registries.tests.registry_fixtures import make_family
from tests.browser.conftest import LANGUAGE_PREFIX, WIDTHS, Visit, format_violations, screenshot

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def page_as(browser: Any, demo_site: str):
    """``page_as(user, path, width=1280)``: a page opened by ``user``, signed in with a second
    factor in this session."""
    contexts = []

    def _open(user: Any, path: str, width: int = 1280) -> Visit:
        client = signed_in(user, PASSWORD, APP_CODE)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": demo_site}]
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(demo_site + path)
        return Visit(page=page, url=demo_site + path)

    yield _open
    for context in contexts:
        context.close()


def fill_card(page: Any, family: Any, *, laser_code: str) -> None:
    person = family.parent
    page.fill("#id_national_id", person.national_id)
    page.fill("#id_given_name", person.given_name_th)
    page.fill("#id_family_name", person.family_name_th)
    page.fill("#id_date_of_birth_day", str(person.date_of_birth.day))
    page.fill("#id_date_of_birth_month", str(person.date_of_birth.month))
    page.fill("#id_date_of_birth_year", str(person.date_of_birth.year))
    page.fill("#id_laser_code", laser_code)
    page.locator("#main-content form button.govuk-button").click()


def test_a_person_proves_who_they_are_with_their_id_card_and_their_level_goes_up(page_as):
    # given Somchai, signed in with his password and app, not yet proved
    family = make_family()
    visit = page_as(account("somchai@example.test"), "/account/identity/")
    page = visit.page
    assert page.inner_text("#session-level").strip() == "Low"
    # when he chooses the ID card and mistypes the laser code
    page.get_by_role("link", name="With your Thai ID card").click()
    fill_card(page, family, laser_code="JT0123456788")
    # then he is told what to do next, not which detail was wrong
    summary = page.inner_text(".govuk-error-summary")
    assert "Check the details on your card and try again" in summary
    assert "laser" not in summary.lower()
    # when he types it right
    fill_card(page, family, laser_code="JT0-1234567-89")
    # then he is back on his identity page, proved, and this session is at level Substantial
    assert page.url.endswith("/account/identity/")
    assert "Your identity is proved." in page.inner_text(".govuk-notification-banner")
    assert page.inner_text("#session-level").strip() == "Substantial"


def _pages(language: str) -> dict[str, str]:
    prefix = LANGUAGE_PREFIX[language]
    return {
        "proofing-start": f"{prefix}/account/identity/",
        "proofing-id-card": f"{prefix}/account/identity/thai-id-card/",
        "proofing-passport": f"{prefix}/account/identity/passport/",
        "proofing-passport-mrz": f"{prefix}/account/identity/passport/?entry=mrz",
        "proofing-in-person": f"{prefix}/account/identity/at-a-service-centre/",
        "step-up-high": f"{prefix}/account/step-up/?level=high&next=/account/",
    }


def check_page(visit: Visit, name: str, language: str, width: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot(visit.page, ARTIFACTS / f"{name}-{language}-{width}.png")
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} ({language}) scrolls sideways by {overflow}px at {width}px"
    violations = visit.axe_violations()
    assert not violations, f"{name} ({language}, {width}px):\n{format_violations(violations)}"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
def test_the_proofing_pages_are_accessible(page_as, language, width):
    user = account("visitor@example.test")
    for name, path in _pages(language).items():
        check_page(page_as(user, path, width), name, language, width)
    # the ID card form with every error showing
    visit = page_as(user, _pages(language)["proofing-id-card"], width)
    visit.page.locator("#main-content form button.govuk-button").click()
    assert visit.page.locator(".govuk-error-summary").count() == 1
    check_page(visit, "proofing-id-card-errors", language, width)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
def test_the_officer_page_is_accessible(page_as, language, width):
    officer, _centre = centre_officer()
    path = f"{LANGUAGE_PREFIX[language]}/account/staff/identity-check/"
    check_page(page_as(officer, path, width), "proofing-officer", language, width)
