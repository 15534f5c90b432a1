"""Every kind of entitlement and verification page in a real browser, in English and Thai, at
1280 px and 320 px: axe finds nothing (the rule tags of the other browser tests), no page scrolls
sideways (a long reference, a credential's text or a hash wraps or scrolls in its own box), and
the QR code fits the screen.

The holder's: "Your entitlements", one entitlement with its QR code, "Report it lost?". The back
office's: the search with a result, one entitlement with the forms to suspend and revoke it. The
gate (as a border officer): empty, answered "Valid" for a passport number, and with an error
summary. The clinic verifier: empty, and answered for a pasted credential.

Full-page screenshots of the holder's entitlement, the gate's and the verifier's answers and the
staff's entitlement page go to /tmp/shots10/<page>-<lang>-<width>.png (for a person to look at);
what stuck out sideways to test-artifacts/credentials-pages-overflow.json.

The entitlements are made through the services (``onegate.credentials.tests.factories``); the
browser only looks, and presses a button where an answer or an error has to be made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from onegate.cases.tests.factories import staff
from onegate.credentials.constants import LinkScheme
from onegate.credentials.models import Entitlement
from onegate.credentials.tests.factories import current_credential, entitlement_make
from onegate.identity.constants import StaffRole
from onegate.identity.models import User
from tests.browser.cases_support import (  # noqa: F401 (fixtures)
    Person,
    accessibility_problems,
    artifact_update,
    cases_site_fixture,
    error_summary,
    person_at_fixture,
    runner_site_fixture,
    session_cookie,
    sideways,
    sideways_culprits,
)
from tests.browser.conftest import LANGUAGE_PREFIX, WIDTHS, screenshot
from tests.browser.test_credentials_journeys import credentials_site_fixture  # noqa: F401

SHOTS = Path("/tmp/shots10")  # noqa: S108 (screenshots for a person to look at)
ANSWER = "#answer"


@dataclass
class Visit:
    """A page to look at: who looks, where, what they do there first (in the browser), whether
    an error summary is expected, and whether a screenshot is kept."""

    user: User
    path: str
    then: Callable[[Person], None] | None = None
    expect_error: bool = False
    shot: bool = False


def holder_of(entitlement: Entitlement) -> User:
    assert entitlement.case.user is not None
    return entitlement.case.user


def lead() -> User:
    return staff(StaffRole.TEAM_LEAD, "immigration")


def border_officer() -> User:
    return staff(StaffRole.BORDER_OFFICER, "immigration")


def press(person: Person, selector: str) -> None:
    person.press(selector)


def gate_number(entitlement: Entitlement) -> Callable[[Person], None]:
    link = entitlement.links.get(scheme=LinkScheme.PASSPORT)

    def _then(person: Person) -> None:
        person.type("#id_number", link.value)
        person.type("#id_issuing_state", link.issuing_state)
        press(person, "#check-number")
        person.page.locator(ANSWER).wait_for(state="visible")

    return _then


def gate_empty_number(person: Person) -> None:
    press(person, "#check-number")


def verifier_paste(payload: str) -> Callable[[Person], None]:
    def _then(person: Person) -> None:
        person.type("#id_payload", payload)
        press(person, "#check-credential")
        person.page.locator(ANSWER).wait_for(state="visible")

    return _then


def checked_at_the_gate(entitlement: Entitlement) -> Entitlement:
    """The entitlement checked twice at the gate (its passport number as printed, then typed in
    lower case), so "Who checked it" has rows to show."""
    link = entitlement.links.get(scheme=LinkScheme.PASSPORT)
    client = Client()
    client.force_login(border_officer())
    for number in (link.value, link.value.lower()):
        answer = client.post(
            "/gate/", {"way": "number", "number": number, "issuing_state": link.issuing_state}
        )
        assert 'id="answer"' in answer.content.decode()
    assert entitlement.checks.count() == 2
    return entitlement


# --- the pages -------------------------------------------------------------------------------


def holder_list() -> Visit:
    found = entitlement_make()
    return Visit(holder_of(found), "/account/entitlements/")


def holder_detail() -> Visit:
    found = checked_at_the_gate(entitlement_make())
    return Visit(holder_of(found), f"/account/entitlements/{found.pk}/", shot=True)


def holder_lost() -> Visit:
    found = entitlement_make()
    return Visit(holder_of(found), f"/account/entitlements/{found.pk}/lost/")


def staff_search() -> Visit:
    found = entitlement_make()
    return Visit(lead(), f"/casework/entitlements/?q={found.reference}")


def staff_entitlement() -> Visit:
    found = checked_at_the_gate(entitlement_make())
    return Visit(lead(), f"/casework/entitlements/{found.pk}/", shot=True)


def gate_empty() -> Visit:
    return Visit(border_officer(), "/gate/")


def gate_valid() -> Visit:
    found = entitlement_make()
    return Visit(border_officer(), "/gate/", then=gate_number(found), shot=True)


def gate_error() -> Visit:
    return Visit(border_officer(), "/gate/", then=gate_empty_number, expect_error=True)


def verifier_empty() -> Visit:
    return Visit(staff(StaffRole.CASE_WORKER, "health"), "/verify/")


def verifier_answer() -> Visit:
    found = entitlement_make()
    payload = current_credential(found).token
    return Visit(
        staff(StaffRole.CASE_WORKER, "health"), "/verify/", then=verifier_paste(payload), shot=True
    )


PAGES: dict[str, Callable[[], Visit]] = {
    "holder-list": holder_list,
    "holder-detail": holder_detail,
    "holder-lost": holder_lost,
    "staff-search": staff_search,
    "staff-entitlement": staff_entitlement,
    "gate-empty": gate_empty,
    "gate-valid": gate_valid,
    "gate-error": gate_error,
    "verifier-empty": verifier_empty,
    "verifier-answer": verifier_answer,
}


# --- looking -----------------------------------------------------------------------------------


def overflow_record(name: str, page: Any) -> int:
    pixels = sideways(page)
    culprits = sideways_culprits(page) if pixels > 0 else []
    artifact_update(
        "credentials-pages-overflow.json", {name: {"pixels": pixels, "culprits": culprits}}
    )
    return pixels


def qr_fits(page: Any, width: int) -> list[str]:
    """The QR code (where there is one) is on screen whole and big enough to scan."""
    qr = page.locator("img#qr")
    if not qr.count():
        return []
    box = qr.bounding_box()
    if box is None or box["x"] < 0 or box["x"] + box["width"] > width or box["width"] < 200:
        return [f"the QR code does not fit at {width}px: {box}"]
    return []


def look(person: Person, visit: Visit, name: str, language: str, width: int) -> list[str]:
    page = person.page
    label = f"{name}-{language}-{width}"
    assert page.locator("html").get_attribute("lang") == language
    if visit.expect_error:
        assert error_summary(person), f"{name}: no error summary at {person.path()}"
        assert page.title().startswith(("Error:", "ข้อผิดพลาด")), page.title()
    else:
        assert not error_summary(person) or page.locator(ANSWER).count(), error_summary(person)
    if visit.shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        screenshot(page, SHOTS / f"{label}.png")
    problems = accessibility_problems(page, label)
    overflow = overflow_record(label, page)
    if overflow > 0:
        problems.append(f"{label} scrolls sideways by {overflow}px: {sideways_culprits(page)}")
    return problems + [f"{label}: {one}" for one in qr_fits(page, width)]


@pytest.mark.parametrize("name", PAGES)
def test_every_credentials_page_passes_axe_in_both_languages_at_both_widths(
    person_at, credentials_site, name
):
    visit = PAGES[name]()
    session = session_cookie(visit.user)
    problems: list[str] = []
    for language, prefix in LANGUAGE_PREFIX.items():
        for width in WIDTHS.values():
            person = person_at(session, width=width)
            answer = person.page.goto(person.site + prefix + visit.path)
            assert answer is not None and answer.status == 200, (
                f"{name}: {answer and answer.status}"
            )
            if visit.then is not None:
                visit.then(person)
            problems += look(person, visit, name, language, width)
            person.context.close()
    assert not problems, "\n".join(problems)


def test_the_gate_and_the_verifier_say_not_valid_for_a_bad_credential(person_at, credentials_site):
    """A truncated credential: the gate's answer is "Not valid", and so is the verifier's, with
    nothing of the claims shown (axe on both answers)."""
    payload = current_credential(entitlement_make()).token
    broken = payload[: len(payload) // 2]
    officer = person_at(session_cookie(border_officer()))
    officer.go("/gate/")
    officer.type("form:has(#check-qr) #id_payload", broken)
    officer.press("#check-qr")
    assert officer.page.locator(ANSWER).inner_text().startswith("Not valid")
    problems = accessibility_problems(officer.page, "gate-not-valid")
    clinic = person_at(session_cookie(staff(StaffRole.CASE_WORKER, "health")))
    clinic.go("/verify/")
    clinic.type("#id_payload", broken)
    clinic.press("#check-credential")
    assert clinic.page.locator(ANSWER).inner_text().startswith("Not valid")
    assert clinic.page.locator("#claims").count() == 0
    problems += accessibility_problems(clinic.page, "verifier-not-valid")
    assert not problems, "\n".join(problems)
