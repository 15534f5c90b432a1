""" "Your applications" with the cases' lines: each sent application shows each of its cases (one
per person) with its status, the day a decision is expected or was made, a request to answer and
the link to the case page; a parent also sees the cases of their child that the other parent
sent; the page's cost does not grow with the number of cases."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onegate.cases.constants import CaseStatus
from onegate.cases.models import Case
from onegate.cases.tests.factories import (  # noqa: F401
    case_in,
    citizen_account,
    demo_services,
    run_tasks,
)
from onegate.core.languages import format_date
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import (
    Household,
    citizen,
    family_link,
    link_account,
    make_household,
    strong_session,
    years_ago,
)
from onegate.runner.models import Application
from onegate.runner.tests.journey_support import answer_child_pages, send, start_children

pytestmark = pytest.mark.usefixtures("demo_services")

APPLICATIONS = "/account/applications/"


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def case_url(case: Case) -> str:
    return reverse("cases:case", kwargs={"reference": case.reference})


def children_sent(client: Client) -> tuple[Application, dict[str, Case], Household]:
    household = make_household()
    parent = strong_session(client, household.parent_user)
    application = start_children(parent, household)
    answer_child_pages(parent, application)
    send(parent, application, declaration="yes")
    run_tasks()  # the cases are opened and decided as the worker does
    cases = {one.subject_person_id: one for one in Case.objects.filter(application=application)}
    return application, cases, household


def test_each_person_of_a_sent_application_has_a_line_with_a_link(client):
    _application, cases, _household = children_sent(client)

    page = client.get(APPLICATIONS).content.decode()

    assert len(cases) == 2
    for case in cases.values():
        assert f'href="{case_url(case)}"' in page and case.reference in page
        assert str(CaseStatus(case.status).label) in text_of(page)
    assert "Niran Jaidee" in page and "Malee Jaidee" in page
    assert "Sent by someone else" not in page


def test_the_other_parent_sees_the_childs_case_sent_by_someone_else(client):
    _application, cases, household = children_sent(client)
    mother = citizen("Malai", "Jaidee", years_ago(38))
    mother_user = link_account(make_account("malai@example.test"), mother)
    family_link(mother, household.child)
    other = strong_session(Client(), mother_user)

    page = other.get(APPLICATIONS).content.decode()

    section = page.split("Sent by someone else for people you act for")[1]
    child_case = cases[str(household.child.pk)]
    assert "Get a health card for your child" in section
    assert f'href="{case_url(child_case)}"' in section and "Niran Jaidee" in section
    assert "Malee Jaidee" not in page  # not her child


def test_a_request_to_answer_and_the_expected_day_are_on_the_line(client):
    user, _who = citizen_account()
    case = case_in(CaseStatus.INFORMATION_REQUESTED, user=user)
    asked = case.information_requests.get()
    strong_session(client, user)

    text = text_of(client.get(APPLICATIONS).content.decode())

    assert "Information needed — answer by " + format_date(asked.respond_by, "en") in text
    assert "Decision expected by " + format_date(case.sla_due_on, "en") in text


def test_a_review_line_says_what_it_reviews(client):
    user, _who = citizen_account()
    closed = case_in(CaseStatus.CLOSED, user=user)
    review = closed.reviews.get()
    strong_session(client, user)

    text = text_of(client.get(APPLICATIONS).content.decode())

    assert f"This is a review of {closed.reference}" in text and review.reference in text


def test_more_cases_cost_no_more_queries(client):
    user, _who = citizen_account()
    case_in(CaseStatus.INFORMATION_REQUESTED, user=user)
    strong_session(client, user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(APPLICATIONS).status_code == 200
        return len(captured)

    queries()
    before = queries()
    case_in(CaseStatus.REFUSED, user=user)
    case_in(CaseStatus.APPROVED, user=user)
    queries()

    assert queries() <= before
