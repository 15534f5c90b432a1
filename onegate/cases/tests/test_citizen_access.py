"""Who sees a case: the person, whoever applied, a parent for their child (even when the other
parent applied), a delegate for the services delegated; everyone else gets a 404 on every case
URL (and nothing changes), on the audit log; signing in is needed first."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditEvent
from onegate.cases.constants import CaseStatus
from onegate.cases.models import Case
from onegate.cases.selectors_citizen import case_for_citizen, cases_of
from onegate.cases.tests.factories import (  # noqa: F401
    ETA,
    case_in,
    citizen_account,
    demo_services,
    run_tasks,
)
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import (
    active_delegation,
    citizen,
    family_link,
    link_account,
    make_household,
    strong_session,
    years_ago,
)
from onegate.runner.tests.journey_support import answer_child_pages, send, start_children

pytestmark = pytest.mark.usefixtures("demo_services")


def url(name: str, case: Case, **kwargs: object) -> str:
    return reverse(f"cases:{name}", kwargs={"reference": case.reference, **kwargs})


def every_url(received: Case, refused: Case) -> list[tuple[str, str]]:
    """Every citizen URL of a case (GET and POST), on cases where each has something to show."""
    asked = received.information_requests.get()
    file_id = asked.files.get().pk
    gets = [
        url("case", received),
        url("answer", received, request_id=asked.pk),
        url("withdraw", received),
        url("file", received, file_id=file_id),
        url("review", refused),
        url("notice", refused),
        url("notice_pdf", refused),
    ]
    posts = [
        url("withdraw", received),
        url("answer", received, request_id=asked.pk),
        url("review", refused),
    ]
    return [("get", one) for one in gets] + [("post", one) for one in posts]


def try_all(client: Client, received: Case, refused: Case) -> dict[str, int]:
    data = {"lock_version": received.lock_version, "reason": "x", "answer": "x"}
    answers = {}
    for method, path in every_url(received, refused):
        answer = client.get(path) if method == "get" else client.post(path, data)
        answers[f"{method} {path}"] = answer.status_code
    return answers


@pytest.fixture
def two_cases() -> tuple[Case, Case]:
    user, _person = citizen_account()
    refused = case_in(CaseStatus.REFUSED, user=user)  # first: "take next" would find the other
    return case_in(CaseStatus.INFORMATION_RECEIVED, user=user), refused


def test_another_citizen_gets_404_on_every_case_url_and_nothing_changes(client, two_cases):
    received, refused = two_cases
    stranger, _who = citizen_account()
    strong_session(client, stranger)

    answers = try_all(client, received, refused)

    assert set(answers.values()) == {404}, answers
    received.refresh_from_db()
    refused.refresh_from_db()
    assert received.status == CaseStatus.INFORMATION_RECEIVED
    assert refused.status == CaseStatus.REFUSED and not refused.reviews.exists()
    refusals = AuditEvent.objects.filter(
        action=CaseAction.CASE_ACCESS_REFUSED, actor_id=stranger.pk
    )
    assert refusals.filter(subject_id=received.reference).exists()
    assert cases_of(user=stranger) == []


def test_signing_in_is_needed_first(client, two_cases):
    received, refused = two_cases
    for method, path in every_url(received, refused):
        answer = client.get(path) if method == "get" else client.post(path)
        assert answer.status_code in (302, 403), path
        if answer.status_code == 302:
            assert "/accounts/login/" in answer["Location"] or "sign-in" in answer["Location"]


def test_the_person_reaches_every_url(client, two_cases):
    received, refused = two_cases
    strong_session(client, received.user)
    for method, path in every_url(received, refused):
        if method == "get":
            assert client.get(path).status_code == 200, path


def test_a_delegate_sees_only_the_services_delegated():
    grantor_user, grantor = citizen_account()
    delegate_user, delegate = citizen_account()
    case = case_in(CaseStatus.REFERRED, user=grantor_user)

    active_delegation(grantor, grantor_user, delegate_user, delegate, services=[ETA])
    with pytest.raises(Http404):
        case_for_citizen(user=delegate_user, reference=case.reference)
    assert cases_of(user=delegate_user) == []


def test_a_delegate_out_of_scope_gets_404_pages(client):
    grantor_user, grantor = citizen_account()
    delegate_user, delegate = citizen_account()
    refused = case_in(CaseStatus.REFUSED, user=grantor_user)
    received = case_in(CaseStatus.INFORMATION_RECEIVED, user=grantor_user)
    active_delegation(grantor, grantor_user, delegate_user, delegate, services=[ETA])
    strong_session(client, delegate_user)

    assert set(try_all(client, received, refused).values()) == {404}


def test_a_delegate_for_the_service_sees_the_case(client):
    grantor_user, grantor = citizen_account()
    delegate_user, delegate = citizen_account()
    case = case_in(CaseStatus.REFERRED, user=grantor_user)
    active_delegation(grantor, grantor_user, delegate_user, delegate, services=[case.service_slug])
    strong_session(client, delegate_user)

    assert client.get(url("case", case)).status_code == 200
    assert [one.pk for one in cases_of(user=delegate_user)] == [case.pk]
    viewed = AuditEvent.objects.filter(action=CaseAction.CASE_VIEWED, actor_id=delegate_user.pk)
    assert viewed.filter(subject_id=case.reference).exists()  # a read for someone else


def test_parents_see_their_childs_case_whoever_applied(client):
    household = make_household()
    parent = strong_session(client, household.parent_user)
    application = start_children(parent, household)
    answer_child_pages(parent, application)
    send(parent, application, declaration="yes")
    run_tasks()
    cases = {one.subject_person_id: one for one in Case.objects.filter(application=application)}
    child_case = cases[str(household.child.pk)]
    other_case = cases[str(household.nearly_adult.pk)]
    # the other parent, with an account, linked to the younger child only
    mother = citizen("Malai", "Jaidee", years_ago(38), given_th="มาลัย", family_th="ใจดี")
    mother_user = link_account(make_account("malai@example.test"), mother)
    family_link(mother, household.child)

    assert parent.get(url("case", child_case)).status_code == 200
    assert parent.get(url("case", other_case)).status_code == 200
    other = strong_session(Client(), mother_user)
    assert other.get(url("case", child_case)).status_code == 200
    assert other.get(url("case", other_case)).status_code == 404
    assert [one.pk for one in cases_of(user=mother_user)] == [child_case.pk]
