"""The person's case page: what it says in each state (summary, timeline without staff-only
events, what happens next, the expected decision date, the request to answer, the decision with
its reasons), in English and in Thai."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from onegate.cases.constants import CaseStatus, EventKind
from onegate.cases.models import Case, CaseEvent
from onegate.cases.selectors_citizen import case_timeline
from onegate.cases.services import case_note_add
from onegate.cases.tests.factories import case_in, citizen_account, demo_services  # noqa: F401
from onegate.core.languages import format_date
from onegate.identity.tests.acting_fixtures import strong_session

pytestmark = pytest.mark.usefixtures("demo_services")


def case_url(case: Case, name: str = "case", **kwargs: object) -> str:
    return reverse(f"cases:{name}", kwargs={"reference": case.reference, **kwargs})


def page_of(client: Client, case: Case, *, language: str = "") -> str:
    prefix = "/th" if language == "th" else ""
    answer = client.get(prefix + case_url(case))
    assert answer.status_code == 200, answer.content.decode()[:2000]
    return answer.content.decode()


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_person_sees_their_case_and_its_timeline(client):
    user, _person = citizen_account()
    case = case_in(CaseStatus.IN_REVIEW, user=user)
    case_note_add(actor=case.assigned_to, reference=case.reference, text="Staff only remark")

    page = page_of(strong_session(client, user), case)
    text = text_of(page)

    assert case.reference in page and str(case.application.reference) in page
    assert "Renew a driving licence" in text or "driving licence" in text.lower()
    assert "Being reviewed by an officer" in text  # the status tag
    assert "Decision expected by" in text and format_date(case.sla_due_on, "en") in text
    timeline = page.split('id="timeline"')[1].split("</ol>")[0]
    assert "Application received" in timeline and "Passed to an officer to decide" in timeline
    assert "An officer started looking at it" in timeline
    # what only staff see is left out: the note, the assignment, the rules' workings
    assert "Staff only remark" not in page
    kinds = {event.kind for event in case_timeline(case)}
    assert EventKind.NOTE not in kinds and EventKind.ASSIGNED not in kinds
    assert CaseEvent.objects.filter(case=case, kind=EventKind.NOTE).exists()
    assert "What happens next" in text and "An officer at" in text
    assert case_url(case, "withdraw") in page  # undecided: it can be withdrawn
    assert case_url(case, "notice") not in page  # no decision yet


def test_a_request_for_information_is_shown_with_the_day_to_answer_by(client):
    user, _person = citizen_account()
    case = case_in(CaseStatus.INFORMATION_REQUESTED, user=user)
    asked = case.information_requests.get()

    text = text_of(page_of(strong_session(client, user), case))

    assert "Information needed — answer by " + format_date(asked.respond_by, "en") in text
    assert "specialist" in text  # the question
    assert case_url(case, "answer", request_id=asked.pk) in page_of(client, case)


def test_a_refusal_shows_its_reasons_the_notice_and_the_review(client):
    user, _person = citizen_account()
    case = case_in(CaseStatus.REFUSED, user=user)

    page = page_of(strong_session(client, user), case)
    text = text_of(page)

    assert "Refused" in text and "Decided on" in text
    assert "The certificate does not say you are fit to drive." in text  # the officer's words
    assert "confirmed by a second officer" in text
    assert case_url(case, "notice") in page and case_url(case, "notice_pdf") in page
    assert case_url(case, "review") in page and "you can ask for a review by" in text
    assert case_url(case, "withdraw") not in page


def test_an_automatic_approval_says_the_rules_decided(client):
    user, _person = citizen_account()
    case = case_in(CaseStatus.APPROVED, user=user)

    text = text_of(page_of(strong_session(client, user), case))

    assert "Approved" in text and "Decided automatically by the service's rules" in text
    assert "Decision expected by" not in text


def test_the_page_in_thai_uses_buddhist_era_dates(client):
    user, _person = citizen_account()
    case = case_in(CaseStatus.REFERRED, user=user)

    text = text_of(page_of(strong_session(client, user), case, language="th"))

    assert format_date(case.sla_due_on, "th") in text
    assert str(case.sla_due_on.year + 543) in text


def test_a_closed_refusal_links_to_its_review_and_back(client):
    user, _person = citizen_account()
    closed = case_in(CaseStatus.CLOSED, user=user)
    review = closed.reviews.get()
    strong_session(client, user)

    old_page = page_of(client, closed)
    new_page = page_of(client, review)

    assert case_url(review) in old_page and "Review asked for" in text_of(old_page)
    assert f"This is a review of {closed.reference}" in text_of(new_page)
    assert case_url(closed) in new_page
