"""An officer's decisions: approving, refusing with four eyes, notes; and everything the issue
says must be refused with a clear message and the history left as it was."""

from __future__ import annotations

import pytest
from django.http import Http404
from django_tasks_db.models import DBTaskResult

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditEvent
from onegate.cases.constants import NOTE_MAX_CHARS, CaseStatus, DecidedBy, EventKind, Outcome
from onegate.cases.models import Case
from onegate.cases.reasons import reason_templates
from onegate.cases.services import (
    CaseRefused,
    case_decide,
    case_note_add,
    case_refusal_confirm,
    case_refusal_reject,
    case_withdraw,
)
from onegate.cases.tests.factories import (
    case_in,
    demo_services,  # noqa: F401  (fixture)
    staff,
)
from onegate.identity.constants import StaffRole
from onegate.notify.constants import Channel
from onegate.notify.models import Message

pytestmark = pytest.mark.usefixtures("demo_services")

ANNOUNCE = "onegate.cases.tasks.case_decided_announce"
REFUSE_WITH = "generic:evidence_not_accepted"


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def approve(case: Case, actor, **extra) -> Case:
    return case_decide(
        actor=actor,
        reference=case.reference,
        lock_version=extra.pop("lock_version", case.lock_version),
        outcome="approve",
        template=extra.pop("template", "generic:evidence_accepted"),
        explanation=extra.pop("explanation", ""),
    )


def propose_refusal(case: Case, actor, **extra) -> Case:
    return case_decide(
        actor=actor,
        reference=case.reference,
        lock_version=extra.pop("lock_version", case.lock_version),
        outcome="refuse",
        template=extra.pop("template", REFUSE_WITH),
        explanation=extra.pop("explanation", "The certificate is not signed."),
    )


def refused(call, *args, **kwargs) -> CaseRefused:
    with pytest.raises(CaseRefused) as caught:
        call(*args, **kwargs)
    return caught.value


def history(case: Case) -> list[tuple[str, str]]:
    return [(e.kind, e.to_status) for e in case.events.all()]


# --- approving --------------------------------------------------------------------------------


def test_the_officer_holding_a_case_approves_it_and_the_person_is_told():
    case = case_in(CaseStatus.IN_REVIEW)
    officer = case.assigned_to
    assert officer is not None

    decided = approve(case, officer, explanation="Your specialist says you are fit to drive.")

    assert decided.status == CaseStatus.APPROVED
    assert (decided.outcome, decided.decided_how) == (Outcome.APPROVE, DecidedBy.OFFICER)
    assert decided.decided_by == officer and decided.confirmed_by is None
    assert decided.decision_template == "generic:evidence_accepted"
    assert decided.decision_reason["en"] == (
        "An officer checked the evidence you gave and accepted it.\n\n"
        "Your specialist says you are fit to drive."
    )
    assert decided.decision_reason["th"].endswith("Your specialist says you are fit to drive.")
    assert history(decided)[-1] == (EventKind.STATUS, CaseStatus.APPROVED)
    [audit] = AuditEvent.objects.filter(action=CaseAction.DECISION_MADE, subject_id=str(case.pk))
    assert audit.actor_id == str(officer.pk) and audit.payload["by"] == "officer"
    assert Message.objects.filter(
        user=case.user, channel=Channel.INBOX, event="cases.approved:renew-driving-licence"
    ).exists()
    assert DBTaskResult.objects.filter(task_path=ANNOUNCE).count() == 1


def test_the_reasons_offered_are_the_services_own_then_generic_ones():
    case = case_in(CaseStatus.IN_REVIEW)

    refuse = [t.id for t in reason_templates(case, "refuse")]
    approve_ids = [t.id for t in reason_templates(case, "approve")]

    assert refuse[:2] == ["eligibility:due_for_renewal", "eligibility:not_expired_over_three_years"]
    assert REFUSE_WITH in refuse
    assert approve_ids[0] == "otherwise" and "generic:conditions_met" in approve_ids


# --- four eyes --------------------------------------------------------------------------------


def test_a_refusal_needs_a_second_officer_to_confirm_it():
    case = case_in(CaseStatus.IN_REVIEW)
    officer, second = case.assigned_to, staff()

    proposed = propose_refusal(case, officer)

    assert proposed.status == CaseStatus.IN_REVIEW and proposed.outcome == ""
    assert proposed.refusal_proposal["template"] == REFUSE_WITH
    assert proposed.refusal_proposed_by == officer
    assert not Message.objects.filter(event__startswith="cases.refused").exists()

    decided = case_refusal_confirm(
        actor=second, reference=case.reference, lock_version=proposed.lock_version
    )

    assert decided.status == CaseStatus.REFUSED
    assert (decided.outcome, decided.decided_how) == (Outcome.REFUSE, DecidedBy.FOUR_EYES)
    assert (decided.decided_by, decided.confirmed_by) == (officer, second)
    assert decided.decision_reason["en"].endswith("The certificate is not signed.")
    assert decided.refusal_proposal == {}
    kinds = [kind for kind, _to in history(decided)]
    assert kinds[-2:] == [EventKind.REFUSAL_PROPOSED, EventKind.STATUS]
    confirmed = AuditEvent.objects.get(action=CaseAction.REFUSAL_CONFIRMED)
    assert confirmed.actor_id == str(second.pk)
    message = Message.objects.get(
        user=case.user, channel=Channel.INBOX, event="cases.refused:renew-driving-licence"
    )
    assert "does not show that you meet the conditions" in message.body


def test_approving_your_own_refusal_as_the_second_officer_is_refused():
    case = case_in(CaseStatus.IN_REVIEW)
    officer = case.assigned_to
    proposed = propose_refusal(case, officer)
    before = history(proposed)

    problem = refused(
        case_refusal_confirm,
        actor=officer,
        reference=case.reference,
        lock_version=proposed.lock_version,
    )

    assert problem.code == "own_refusal"
    assert "different officer" in problem.message
    after = fresh(case)
    assert after.status == CaseStatus.IN_REVIEW and history(after) == before
    refusal = AuditEvent.objects.get(action=CaseAction.ACTION_REFUSED)
    assert refusal.payload == {"attempted": "confirm_refusal", "code": "own_refusal"}


def test_a_second_officer_rejects_a_refusal_and_the_case_stays_with_its_officer():
    case = case_in(CaseStatus.IN_REVIEW)
    officer, second = case.assigned_to, staff()
    proposed = propose_refusal(case, officer)

    rejected = case_refusal_reject(
        actor=second,
        reference=case.reference,
        lock_version=proposed.lock_version,
        explanation="The certificate is signed on page 2.",
    )

    assert rejected.status == CaseStatus.IN_REVIEW and rejected.refusal_proposal == {}
    assert rejected.assigned_to == officer
    last = rejected.events.last()
    assert last is not None and last.kind == EventKind.REFUSAL_REJECTED
    assert last.text == "The certificate is signed on page 2."
    assert approve(rejected, officer).status == CaseStatus.APPROVED


def test_rejecting_a_refusal_needs_a_reason():
    case = case_in(CaseStatus.IN_REVIEW)
    proposed = propose_refusal(case, case.assigned_to)

    problem = refused(
        case_refusal_reject,
        actor=staff(),
        reference=case.reference,
        lock_version=proposed.lock_version,
        explanation="   ",
    )

    assert problem.code == "invalid" and "why you do not confirm" in problem.message
    assert fresh(case).refusal_proposal


def test_confirming_when_no_refusal_waits_is_refused():
    case = case_in(CaseStatus.IN_REVIEW)

    problem = refused(
        case_refusal_confirm,
        actor=staff(),
        reference=case.reference,
        lock_version=case.lock_version,
    )

    assert problem.code == "state" and "No refusal is waiting" in problem.message


def test_deciding_again_while_a_refusal_waits_is_refused():
    case = case_in(CaseStatus.IN_REVIEW)
    proposed = propose_refusal(case, case.assigned_to)

    problem = refused(approve, proposed, case.assigned_to)

    assert problem.code == "state" and "second officer" in problem.message


# --- bad input: refused with a clear message, history intact --------------------------------


def test_a_double_decision_is_refused_naming_the_status():
    case = case_in(CaseStatus.IN_REVIEW)
    officer = case.assigned_to
    decided = approve(case, officer)
    before = history(decided)

    problem = refused(approve, decided, officer)  # the new version: still not decidable
    again = refused(approve, case, officer)  # the form clicked twice

    assert problem.code == again.code == "state"
    assert problem.message == "This cannot be done now: the case is “Approved”."
    assert history(fresh(case)) == before
    assert AuditEvent.objects.filter(action=CaseAction.DECISION_MADE).count() == 1


def test_deciding_a_withdrawn_case_is_refused():
    case = case_in(CaseStatus.IN_REVIEW)
    withdrawn = case_withdraw(
        actor=case.user, reference=case.reference, lock_version=case.lock_version
    )

    problem = refused(approve, withdrawn, case.assigned_to)

    assert problem.code == "state" and "“Withdrawn”" in problem.message
    assert fresh(case).status == CaseStatus.WITHDRAWN


def test_a_stale_form_is_refused_and_nothing_changes():
    case = case_in(CaseStatus.IN_REVIEW)
    officer = case.assigned_to
    before = history(case)

    problem = refused(approve, case, officer, lock_version=case.lock_version - 1)

    assert problem.code == "stale"
    assert problem.message == (
        "Someone else changed this case since you opened it. Look at it again before you act."
    )
    after = fresh(case)
    assert after.status == CaseStatus.IN_REVIEW and after.lock_version == case.lock_version
    assert history(after) == before


def test_only_the_officer_holding_the_case_decides_it():
    case = case_in(CaseStatus.IN_REVIEW)

    problem = refused(approve, case, staff())

    assert problem.code == "not_allowed"
    assert problem.message == "Only the officer the case is assigned to can do this."


def test_staff_of_another_agency_do_not_find_the_case():
    case = case_in(CaseStatus.IN_REVIEW)
    elsewhere = staff(StaffRole.CASE_WORKER, "immigration")

    with pytest.raises(Http404):
        approve(case, elsewhere)
    with pytest.raises(Http404):
        case_note_add(actor=elsewhere, reference=case.reference, text="Looks fine")

    refused_access = AuditEvent.objects.filter(action=CaseAction.CASE_ACCESS_REFUSED)
    assert [event.actor_id for event in refused_access] == [str(elsewhere.pk)] * 2


def test_a_reason_that_is_not_offered_or_too_long_is_refused():
    case = case_in(CaseStatus.IN_REVIEW)
    officer = case.assigned_to

    unknown = refused(approve, case, officer, template="generic:because")
    too_long = refused(approve, case, officer, explanation="x" * 2001)
    outcome = refused(
        case_decide,
        actor=officer,
        reference=case.reference,
        lock_version=case.lock_version,
        outcome="refer",
        template="otherwise",
    )

    assert (unknown.code, unknown.message) == ("invalid", "Choose a reason for the decision.")
    assert too_long.message == "Explain the decision in 2000 characters or fewer."
    assert outcome.message == "Choose whether to approve or refuse."
    assert fresh(case).status == CaseStatus.IN_REVIEW


# --- notes ------------------------------------------------------------------------------------


def test_any_officer_of_the_agency_adds_a_note_without_making_forms_stale():
    case = case_in(CaseStatus.IN_REVIEW)
    colleague = staff()

    note = case_note_add(actor=colleague, reference=case.reference, text="  Call the clinic.  ")

    assert (note.kind, note.text, note.actor) == (EventKind.NOTE, "Call the clinic.", colleague)
    assert fresh(case).lock_version == case.lock_version
    assert approve(case, case.assigned_to).status == CaseStatus.APPROVED  # the form still good
    assert AuditEvent.objects.filter(action=CaseAction.NOTE_ADDED).count() == 1


def test_an_empty_or_too_long_note_is_refused():
    case = case_in(CaseStatus.REFERRED)
    officer = staff()

    empty = refused(case_note_add, actor=officer, reference=case.reference, text=" ")
    long = refused(
        case_note_add, actor=officer, reference=case.reference, text="x" * (NOTE_MAX_CHARS + 1)
    )

    assert empty.message == "Enter the note."
    assert long.message == "Write the note in 4000 characters or fewer."
    assert not case.events.filter(kind=EventKind.NOTE).exists()
