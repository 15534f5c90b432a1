"""Each action an officer takes on the case page: the happy path, and the refusals they meet
(a stale form after someone else acted, confirming their own refusal, deciding a withdrawn
case), each said clearly with nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from onegate.cases.constants import CaseStatus, DecidedBy, EventKind
from onegate.cases.models import Case
from onegate.cases.services import case_assign, case_decide, case_withdraw
from onegate.cases.tests.factories import case_in, demo_services, staff  # noqa: F401
from onegate.identity.constants import StaffRole

pytestmark = pytest.mark.usefixtures("demo_services")

STALE = "Someone else changed this case since you opened it"


def url(name: str, case: Case) -> str:
    return reverse(f"cases:{name}", args=[case.reference])


@pytest.fixture
def held(client) -> Case:
    """A case in review, its officer signed in."""
    case = case_in(CaseStatus.IN_REVIEW)
    client.force_login(case.assigned_to)
    return case


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def propose_refusal(case: Case) -> Case:
    return case_decide(
        actor=case.assigned_to,
        reference=case.reference,
        lock_version=case.lock_version,
        outcome="refuse",
        template="generic:evidence_not_accepted",
        explanation="The certificate is not signed.",
    )


# --- notes -------------------------------------------------------------------------------------


def test_a_note_is_added_to_the_history(client, held):
    response = client.post(url("note", held), {"text": "Called the clinic: certificate is real."})

    assert response.status_code == 302 and response["Location"].endswith("#history")
    note = held.events.get(kind=EventKind.NOTE)
    assert note.text == "Called the clinic: certificate is real."
    page = client.get(url("staff_case", held)).content.decode()
    assert "Called the clinic" in page and "Your note is added" in page


def test_an_empty_note_is_refused_with_a_message(client, held):
    response = client.post(url("note", held), {"text": "  "})

    assert response.status_code == 200
    assert "Enter the note." in response.content.decode()
    assert not held.events.filter(kind=EventKind.NOTE).exists()


# --- requests for information ------------------------------------------------------------------


def test_asking_for_information(client, held):
    assert client.get(url("request_information", held)).status_code == 200
    day = timezone.localdate() + dt.timedelta(days=20)

    response = client.post(
        url("request_information", held),
        {
            "lock_version": held.lock_version,
            "question": "Please send the specialist's letter.",
            "respond_by_day": day.day,
            "respond_by_month": day.month,
            "respond_by_year": day.year,
        },
    )

    assert response.status_code == 302
    case = fresh(held)
    assert case.status == CaseStatus.INFORMATION_REQUESTED
    asked = case.information_requests.get()
    assert (asked.question, asked.respond_by) == ("Please send the specialist's letter.", day)


def test_asking_needs_a_question_and_a_future_date(client, held):
    response = client.post(
        url("request_information", held),
        {
            "lock_version": held.lock_version,
            "question": "",
            "respond_by_day": "1",
            "respond_by_month": "1",
            "respond_by_year": "2020",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter what you need the person to tell you or send." in page
    assert "The date to answer by must be in the future." in page
    assert fresh(held).status == CaseStatus.IN_REVIEW


# --- deciding ----------------------------------------------------------------------------------


def test_approving(client, held):
    assert client.get(url("decide", held)).status_code == 200

    response = client.post(
        url("decide", held),
        {
            "lock_version": held.lock_version,
            "outcome": "approve",
            "approve_template": "generic:evidence_accepted",
            "explanation": "The specialist's letter is clear.",
        },
    )

    assert response.status_code == 302
    case = fresh(held)
    assert (case.status, case.decided_how) == (CaseStatus.APPROVED, DecidedBy.OFFICER)
    assert "The specialist's letter is clear." in case.decision_reason["en"]


def test_deciding_needs_an_outcome_and_a_reason(client, held):
    nothing = client.post(url("decide", held), {"lock_version": held.lock_version})
    no_reason = client.post(
        url("decide", held), {"lock_version": held.lock_version, "outcome": "refuse"}
    )

    assert "Choose whether to approve or refuse." in nothing.content.decode()
    assert "Choose a reason for the decision." in no_reason.content.decode()
    assert fresh(held).status == CaseStatus.IN_REVIEW and not fresh(held).refusal_proposal


def test_a_refusal_needs_a_second_officer(client, held):
    response = client.post(
        url("decide", held),
        {
            "lock_version": held.lock_version,
            "outcome": "refuse",
            "refuse_template": "generic:evidence_not_accepted",
        },
        follow=True,
    )

    page = response.content.decode()
    case = fresh(held)
    assert case.status == CaseStatus.IN_REVIEW and case.refusal_proposal
    assert "waiting for a second officer to confirm" in page
    assert "Confirm the refusal" not in page  # not to the officer who proposed it


def test_the_proposer_cannot_confirm_their_own_refusal(client, held):
    case = propose_refusal(held)

    response = client.post(url("confirm_refusal", case), {"lock_version": case.lock_version})

    assert response.status_code == 409
    assert "a different officer must confirm or reject it" in response.content.decode()
    assert fresh(case).status == CaseStatus.IN_REVIEW


def test_a_second_officer_confirms_the_refusal(client, held):
    case = propose_refusal(held)
    second = staff(StaffRole.CASE_WORKER, case.agency_slug)
    client.force_login(second)
    assert "Confirm the refusal" in client.get(url("staff_case", case)).content.decode()

    response = client.post(url("confirm_refusal", case), {"lock_version": case.lock_version})

    assert response.status_code == 302
    refused = fresh(case)
    assert (refused.status, refused.decided_how) == (CaseStatus.REFUSED, DecidedBy.FOUR_EYES)
    assert (refused.decided_by_id, refused.confirmed_by_id) == (held.assigned_to_id, second.pk)


def test_a_second_officer_rejects_the_refusal_with_why(client, held):
    case = propose_refusal(held)
    client.force_login(staff(StaffRole.CASE_WORKER, case.agency_slug))

    empty = client.post(url("reject_refusal", case), {"lock_version": case.lock_version})
    response = client.post(
        url("reject_refusal", case),
        {"lock_version": case.lock_version, "explanation": "The letter is signed on page 2."},
    )

    assert empty.status_code == 200
    assert "Say why you do not agree with the refusal." in empty.content.decode()
    assert response.status_code == 302
    after = fresh(case)
    assert after.status == CaseStatus.IN_REVIEW and not after.refusal_proposal
    assert after.events.filter(kind=EventKind.REFUSAL_REJECTED).exists()


def test_a_stale_confirmation_after_someone_else_rejected_is_refused(client, held):
    case = propose_refusal(held)
    second, third = (staff(StaffRole.CASE_WORKER, case.agency_slug) for _ in range(2))
    client.force_login(second)
    client.get(url("staff_case", case))  # the second officer's page: this version
    client.force_login(third)
    client.post(
        url("reject_refusal", case),
        {"lock_version": case.lock_version, "explanation": "Not convinced."},
    )
    client.force_login(second)

    response = client.post(url("confirm_refusal", case), {"lock_version": case.lock_version})

    assert response.status_code == 409
    assert STALE in response.content.decode()
    after = fresh(case)
    assert after.status == CaseStatus.IN_REVIEW and after.outcome == ""


def test_a_stale_decision_after_a_reassignment_is_refused(client, held):
    lead = staff(StaffRole.TEAM_LEAD, held.agency_slug)
    other = staff(StaffRole.CASE_WORKER, held.agency_slug)
    version = held.lock_version  # the decide form as the officer opened it
    moved = case_assign(
        actor=lead, reference=held.reference, lock_version=version, to_user_id=other.pk
    )
    case_assign(
        actor=lead,
        reference=held.reference,
        lock_version=moved.lock_version,
        to_user_id=held.assigned_to_id,
    )

    response = client.post(
        url("decide", held),
        {"lock_version": version, "outcome": "approve", "approve_template": "otherwise"},
    )

    assert response.status_code == 409
    assert STALE in response.content.decode()
    assert fresh(held).status == CaseStatus.IN_REVIEW


def test_deciding_a_withdrawn_case_is_refused(client, held):
    case_withdraw(actor=held.user, reference=held.reference, lock_version=held.lock_version)

    response = client.post(
        url("decide", held),
        {
            "lock_version": fresh(held).lock_version,
            "outcome": "approve",
            "approve_template": "generic:conditions_met",
        },
    )

    assert response.status_code == 409
    assert "Withdrawn" in response.content.decode()
    assert fresh(held).status == CaseStatus.WITHDRAWN


# --- who works on it ---------------------------------------------------------------------------


def test_releasing_puts_the_case_back_in_the_queue(client, held):
    response = client.post(url("release", held), {"lock_version": held.lock_version}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("cases:queues")
    assert "is back in the queue" in response.content.decode()
    case = fresh(held)
    assert (case.status, case.assigned_to_id) == (CaseStatus.REFERRED, None)


def test_release_without_the_version_is_refused_as_stale(client, held):
    response = client.post(url("release", held))

    assert response.status_code == 409 and STALE in response.content.decode()
    assert fresh(held).assigned_to_id == held.assigned_to_id


def test_a_team_lead_assigns_the_case(client):
    case = case_in(CaseStatus.REFERRED)
    lead = staff(StaffRole.TEAM_LEAD, case.agency_slug)
    officer = staff(StaffRole.CASE_WORKER, case.agency_slug)
    staff(StaffRole.CASE_WORKER, "immigration")  # not offered: another agency
    client.force_login(lead)
    form = client.get(url("assign", case)).content.decode()
    assert officer.get_full_name() in form and "immigration" not in form

    response = client.post(
        url("assign", case), {"lock_version": case.lock_version, "to": str(officer.pk)}
    )

    assert response.status_code == 302
    after = fresh(case)
    assert (after.status, after.assigned_to_id) == (CaseStatus.IN_REVIEW, officer.pk)
    back = client.post(url("assign", case), {"lock_version": after.lock_version, "to": "queue"})
    assert back.status_code == 302 and fresh(case).assigned_to_id is None


def test_a_case_worker_may_not_assign(client):
    case = case_in(CaseStatus.REFERRED)
    client.force_login(staff(StaffRole.CASE_WORKER, case.agency_slug))

    response = client.get(url("assign", case))

    assert response.status_code == 409
    assert "You are not allowed to do this on this case." in response.content.decode()


def test_actions_on_another_agencys_case_are_404(client, held):
    client.force_login(staff(StaffRole.TEAM_LEAD, "immigration"))

    for name in ("note", "release", "confirm_refusal", "reject_refusal", "decide", "assign"):
        response = client.post(url(name, held), {"lock_version": held.lock_version, "text": "x"})
        assert response.status_code == 404, name
    assert fresh(held).lock_version == held.lock_version


def test_a_queue_filter_that_makes_no_sense_is_left_out(client, held):
    response = client.get(reverse("cases:queue"), {"status": "nonsense", "assigned": "me"})

    assert response.status_code == 200
    assert held.reference in response.content.decode()  # "mine" still applies
