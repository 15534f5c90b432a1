"""Every kind of cases page in a real browser, in English and Thai, at 1280 px and 320 px: axe
finds nothing (the rule tags of the other browser tests) and a full-page screenshot of each goes
to test-artifacts/screenshots/cases-<page>-<lang>-<width>.png. No page may scroll sideways at
320 px either (wide tables scroll in their own box); what stuck out is written to
test-artifacts/cases-pages-overflow.json.

The back office: the queues, a queue, a case in review with a refusal proposed (as the team
lead who may confirm it sees it), the decide page with an error, asking for information,
assigning. The person: the case with a question to answer, a refused case (with the way to a
review), a case whose review was asked for, the answer page with an error, withdrawing, asking
for a review, the decision notice.

Then, with JavaScript off: an officer takes the next case and decides it, and a person answers a
request with words and a file.

The cases are made through the cases services (``onegate.cases.tests.factories``); the browser
only looks, except where an error has to be made or the no-JavaScript journeys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from onegate.cases.constants import CaseStatus
from onegate.cases.models import Case
from onegate.cases.services import case_decide
from onegate.cases.tests.factories import case_in, staff
from onegate.identity.constants import StaffRole
from onegate.identity.models import User
from tests.browser.cases_support import (  # noqa: F401 (fixtures)
    Person,
    accessibility_problems,
    artifact_update,
    cases_site_fixture,
    error_summary,
    main_text,
    person_at_fixture,
    runner_site_fixture,
    session_cookie,
    shoot,
    sideways,
    sideways_culprits,
)
from tests.browser.conftest import LANGUAGE_PREFIX, WIDTHS
from tests.browser.test_runner_nojs import choose, pdf_file

SUBMIT = "main form[method=post] .govuk-button-group button.govuk-button"
TAKE_NEXT = "main form[action$='/casework/take-next/'] button"


@dataclass
class Visit:
    """A page to look at: who looks, where, what they do there first, and whether it is one of
    the person's pages (which must fit 320 px) or the back office's."""

    user: User
    path: str
    then: Callable[[Person], None] | None = None
    citizen: bool = True
    expect_error: bool = False


def staff_path(case: Case, rest: str = "") -> str:
    return f"/casework/cases/{case.reference}/{rest}"


def case_path(case: Case, rest: str = "") -> str:
    return f"/account/applications/case/{case.reference}/{rest}"


def person_of(case: Case) -> User:
    """The account that applied (the person the case pages are for)."""
    assert case.user is not None
    return case.user


def press_submit(person: Person) -> None:
    person.press(SUBMIT)


def press_send_answer(person: Person) -> None:
    person.press("main form button.govuk-button")


# --- the cases each page is looked at with -------------------------------------------------------


def refusal_proposed() -> tuple[Case, User, User]:
    """A case in review whose officer proposed a refusal; that officer and a team lead."""
    officer, lead = staff(StaffRole.CASE_WORKER), staff(StaffRole.TEAM_LEAD)
    case = case_in(CaseStatus.IN_REVIEW, officer=officer)
    case = case_decide(
        actor=officer,
        reference=case.reference,
        lock_version=case.lock_version,
        outcome="refuse",
        template="generic:evidence_not_accepted",
        explanation="The certificate is not signed.\nPlease send a signed one.",
    )
    return case, officer, lead


def queues_page() -> Visit:
    officer = staff(StaffRole.CASE_WORKER)
    case_in(CaseStatus.INFORMATION_RECEIVED)  # taken and answered: made before one waiting
    case_in(CaseStatus.REFERRED)
    return Visit(officer, "/casework/", citizen=False)


def queue_page() -> Visit:
    _proposed, _officer, lead = refusal_proposed()
    case_in(CaseStatus.INFORMATION_RECEIVED)
    case_in(CaseStatus.REFERRED)
    return Visit(lead, "/casework/queue/?status=", citizen=False)


def staff_case_page() -> Visit:
    case, _officer, lead = refusal_proposed()
    return Visit(lead, staff_path(case), citizen=False)


def decide_page_with_an_error() -> Visit:
    officer = staff(StaffRole.CASE_WORKER)
    case = case_in(CaseStatus.IN_REVIEW, officer=officer)
    return Visit(
        officer, staff_path(case, "decide/"), then=press_submit, citizen=False, expect_error=True
    )


def request_information_page() -> Visit:
    officer = staff(StaffRole.CASE_WORKER)
    case = case_in(CaseStatus.IN_REVIEW, officer=officer)
    return Visit(officer, staff_path(case, "request-information/"), citizen=False)


def assign_page() -> Visit:
    lead = staff(StaffRole.TEAM_LEAD)
    staff(StaffRole.CASE_WORKER)  # someone to give it to
    case = case_in(CaseStatus.REFERRED)
    return Visit(lead, staff_path(case, "assign/"), citizen=False)


def person_case_information_requested() -> Visit:
    case = case_in(CaseStatus.INFORMATION_REQUESTED)
    return Visit(person_of(case), case_path(case))


def person_case_refused() -> Visit:
    case = case_in(CaseStatus.REFUSED)
    return Visit(person_of(case), case_path(case))


def person_case_closed_with_its_review() -> Visit:
    case = case_in(CaseStatus.CLOSED)
    return Visit(person_of(case), case_path(case))


def answer_page_with_an_error() -> Visit:
    case = case_in(CaseStatus.INFORMATION_REQUESTED)
    asked = case.information_requests.get()
    return Visit(
        person_of(case),
        case_path(case, f"answer/{asked.pk}/"),
        then=press_send_answer,
        expect_error=True,
    )


def withdraw_page() -> Visit:
    case = case_in(CaseStatus.REFERRED)
    return Visit(person_of(case), case_path(case, "withdraw/"))


def review_page() -> Visit:
    case = case_in(CaseStatus.REFUSED)
    return Visit(person_of(case), case_path(case, "review/"))


def notice_page() -> Visit:
    case = case_in(CaseStatus.REFUSED)
    return Visit(person_of(case), case_path(case, "notice/"))


PAGES: dict[str, Callable[[], Visit]] = {
    "queues": queues_page,
    "queue": queue_page,
    "staff-case": staff_case_page,
    "decide-error": decide_page_with_an_error,
    "request-information": request_information_page,
    "assign": assign_page,
    "case-information-requested": person_case_information_requested,
    "case-refused": person_case_refused,
    "case-closed": person_case_closed_with_its_review,
    "answer-error": answer_page_with_an_error,
    "withdraw": withdraw_page,
    "review": review_page,
    "notice": notice_page,
}


# --- looking ---------------------------------------------------------------------------------


def overflow_record(name: str, language: str, width: int, page: Any) -> int:
    """How far the page scrolls sideways, and what sticks out, into cases-pages-overflow.json."""
    pixels = sideways(page)
    culprits = sideways_culprits(page) if pixels > 0 else []
    artifact_update(
        "cases-pages-overflow.json",
        {f"{name}-{language}-{width}": {"pixels": pixels, "culprits": culprits}},
    )
    return pixels


def look(person: Person, visit: Visit, name: str, language: str, width: int) -> list[str]:
    """Screenshot, axe, and (on the person's pages) sideways scrolling: what is wrong."""
    page = person.page
    assert page.locator("html").get_attribute("lang") == language
    if visit.expect_error:
        assert error_summary(person), f"{name}: no error summary at {person.path()}"
        assert page.title().startswith(("Error:", "ข้อผิดพลาด")), page.title()
    shoot(page, name, language, width)
    problems = accessibility_problems(page, f"{name} ({language}, {width}px)")
    overflow = overflow_record(name, language, width, page)
    if overflow > 0:
        problems.append(f"{name} ({language}, {width}px) scrolls sideways by {overflow}px")
    return problems


@pytest.mark.parametrize("name", PAGES)
def test_every_cases_page_passes_axe_in_both_languages_at_both_widths(person_at, cases_site, name):
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


# --- without JavaScript ------------------------------------------------------------------------


def test_without_javascript_an_officer_takes_the_next_case_and_decides_it(person_at, cases_site):
    case = case_in(CaseStatus.REFERRED)
    officer = person_at(session_cookie(staff(StaffRole.CASE_WORKER)), javascript=False)
    officer.go("/casework/")
    officer.press(TAKE_NEXT)
    assert officer.path() == staff_path(case), error_summary(officer)
    officer.press("main a[href$='/decide/']")
    choose(officer, "outcome", "approve")
    # without JavaScript both outcomes' reasons are on the page; the chosen outcome's counts
    assert officer.page.locator("input[name=refuse_template]").first.is_visible()
    choose(officer, "approve_template", "generic:evidence_accepted")
    officer.press(SUBMIT)
    assert officer.path() == staff_path(case), error_summary(officer)
    decided = Case.objects.get(pk=case.pk)
    assert decided.status == CaseStatus.APPROVED
    assert decided.decision_template == "generic:evidence_accepted"
    assert "The case is approved." in officer.page.content()


def test_without_javascript_a_person_answers_with_words_and_a_file(person_at, cases_site, tmp_path):
    case = case_in(CaseStatus.INFORMATION_REQUESTED)
    person = person_at(session_cookie(person_of(case)), javascript=False)
    person.go(case_path(case))
    person.press("#open-request a.govuk-button")
    person.type("textarea[name=answer]", "My specialist's letter is attached.")
    person.page.locator("input[name=attachments]").set_input_files(
        str(pdf_file(tmp_path, "letter.pdf"))
    )
    press_send_answer(person)
    assert person.path() == case_path(case), error_summary(person)
    assert "letter.pdf" in main_text(person)
    answered = Case.objects.get(pk=case.pk)
    assert answered.status == CaseStatus.INFORMATION_RECEIVED
    given = answered.information_requests.get()
    assert given.answer == "My specialist's letter is attached."
    assert [one.name for one in given.files.all()] == ["letter.pdf"]
