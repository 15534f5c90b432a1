"""Opening cases and the automatic decision: one case per person, once whatever is told twice,
decided by the pinned rules with every rule's result and its reasons kept, the person told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditEvent
from onegate.cases.constants import CaseStatus, DecidedBy, EventKind, Outcome
from onegate.cases.models import Case
from onegate.cases.services import (
    case_decide_automatically,
    case_withdraw,
    cases_open_for_application,
)
from onegate.cases.tests.factories import (
    case_in,
    demo_services,  # noqa: F401  (fixture)
    driving_renewal_sent,
    eta_sent,
    open_and_decide,
)
from onegate.identity.tests.acting_fixtures import make_household
from onegate.notify.constants import Channel
from onegate.notify.models import Message
from onegate.runner.notifications import decide_by
from onegate.runner.tests.test_services import child_card_filled
from onegate.runner.tests.test_submit import submit

pytestmark = pytest.mark.usefixtures("demo_services")

DECIDE = "onegate.cases.tasks.case_decide_automatically_task"
ANNOUNCE = "onegate.cases.tasks.case_decided_announce"


def audited(action: str, case: Case) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, subject_id=str(case.pk)))


def inbox(case: Case, event: str) -> Message:
    return Message.objects.get(user=case.user, channel=Channel.INBOX, event=event)


# --- opening ----------------------------------------------------------------------------------


def test_a_sent_application_opens_a_case_with_its_reference_and_the_promised_date():
    sent = eta_sent()

    [case] = cases_open_for_application(application_id=str(sent.pk))

    assert case.status == CaseStatus.SUBMITTED and case.lock_version == 1
    assert case.reference == sent.reference
    assert case.subject_person_id == sent.subjects[0]["person_id"]
    assert (case.service_slug, case.agency_slug) == ("electronic-travel-authority", "immigration")
    assert case.user == sent.user
    # the day the person was told in the acknowledgement: 3 working days for an ETA
    assert sent.submitted_at is not None
    assert case.sla_due_on == decide_by(sent.submitted_at, 3)
    assert [e.to_status for e in case.events.all()] == [CaseStatus.SUBMITTED]
    assert len(audited(CaseAction.CASE_OPENED, case)) == 1
    task = DBTaskResult.objects.get(task_path=DECIDE)
    assert task.args_kwargs["kwargs"]["case_id"] == str(case.pk)


def test_opening_twice_opens_once():
    sent = eta_sent()

    first = cases_open_for_application(application_id=str(sent.pk))
    again = cases_open_for_application(application_id=str(sent.pk))

    assert [c.pk for c in again] == [c.pk for c in first]
    assert Case.objects.filter(application=sent).count() == 1
    assert len(audited(CaseAction.CASE_OPENED, first[0])) == 1
    assert DBTaskResult.objects.filter(task_path=DECIDE).count() == 1


def test_an_application_for_two_children_opens_a_case_for_each_with_its_own_reference():
    household = make_household()
    parent = household.parent_user
    sent = submit(parent, child_card_filled(parent, household.child, household.ward))

    cases = cases_open_for_application(application_id=str(sent.pk))

    assert [c.subject_person_id for c in cases] == [
        str(household.child.pk),
        str(household.ward.pk),
    ]
    assert [c.subject_names["en"] for c in cases] == ["Niran Jaidee", "Anong Sukjai"]
    references = {c.reference for c in cases}
    assert len(references) == 2 and sent.reference not in references
    assert {c.user_id for c in cases} == {parent.pk}


def test_an_application_not_sent_opens_nothing():
    household = make_household()
    draft = child_card_filled(household.parent_user, household.child)

    assert cases_open_for_application(application_id=str(draft.pk)) == []
    assert not Case.objects.exists()


# --- automatic decisions ----------------------------------------------------------------------


def test_a_visitor_with_nothing_to_declare_is_approved_by_the_rules():
    [case] = open_and_decide(eta_sent())

    assert case.status == CaseStatus.APPROVED
    assert (case.outcome, case.decided_how, case.decided_by) == (
        Outcome.APPROVE,
        DecidedBy.RULES,
        None,
    )
    assert case.decision_template == "otherwise"
    assert case.decision_reason["en"].startswith("You meet every condition")
    assert case.decision_reason["th"]
    assert case.lock_version == 2
    history = [(e.kind, e.from_status, e.to_status) for e in case.events.all()]
    assert history == [
        (EventKind.STATUS, "", CaseStatus.SUBMITTED),
        (EventKind.RULES, CaseStatus.SUBMITTED, CaseStatus.DECIDING),
        (EventKind.STATUS, CaseStatus.DECIDING, CaseStatus.APPROVED),
    ]
    [decided] = audited(CaseAction.DECISION_MADE, case)
    assert decided.actor_type == "system" and decided.payload["by"] == "rules"
    assert DBTaskResult.objects.filter(task_path=ANNOUNCE).count() == 1


def test_the_evaluation_is_kept_with_every_input_and_every_rule():
    [case] = open_and_decide(eta_sent())

    rules = case.rules
    assert rules["outcome"] == "approve" and rules["rule"] == "otherwise"
    assert rules["trace"] == [
        ["comes_to_work", False],
        ["declared_conviction", False],
        ["yellow_fever_unvaccinated", False],
    ]
    assert rules["computed"] == {"stay_days": 14}
    assert rules["eligibility"]["eligible"] is True
    inputs = rules["inputs"]
    assert inputs["today"] == timezone.localdate(case.submitted_at).isoformat()
    assert inputs["answers"]["purpose"] == "tourism"
    assert inputs["facts"]["nationality"] == "GBR"
    assert inputs["applicant"] == "self"
    assert rules["version"] == case.definition_version.number


def test_the_approval_message_says_until_when_in_the_services_words():
    [case] = open_and_decide(eta_sent())

    message = inbox(case, "cases.approved:electronic-travel-authority")
    assert message.subject == "Your electronic travel authority is approved"
    until = timezone.localdate(case.decided_at) + dt.timedelta(days=730)
    assert until.strftime("%Y") in message.body and case.reference in message.body


def test_coming_to_work_is_refused_with_the_way_to_a_work_visa():
    [case] = open_and_decide(eta_sent(purpose="work"))

    assert case.status == CaseStatus.REFUSED
    assert (case.outcome, case.decision_template) == (Outcome.REFUSE, "comes_to_work")
    assert "work permit" in case.decision_reason["en"]
    message = inbox(case, "cases.refused:electronic-travel-authority")
    assert "does not allow you to work" in message.body


def test_a_declared_medical_condition_goes_to_a_case_worker():
    [case] = open_and_decide(driving_renewal_sent(medical=True))

    assert case.status == CaseStatus.REFERRED
    assert case.outcome == "" and case.decided_at is None and case.assigned_to is None
    assert case.rules["rule"] == "medical_condition_declared"
    [certificate] = case.application.uploads.all()  # the officer will have it to look at
    assert case.application.answers["medical_certificate"][0]["id"] == str(certificate.pk)
    last = case.events.last()
    assert last is not None and "medical certificate" in last.payload["reason"]["en"]
    message = inbox(case, "cases.referred:renew-driving-licence")
    assert message.subject == "A case worker is looking at your renewal"
    assert not DBTaskResult.objects.filter(task_path=ANNOUNCE).exists()
    [evaluated] = audited(CaseAction.RULES_EVALUATED, case)
    assert evaluated.payload["outcome"] == "refer"
    assert not audited(CaseAction.DECISION_MADE, case)


def test_deciding_again_changes_nothing():
    [case] = open_and_decide(eta_sent())

    again = case_decide_automatically(case_id=str(case.pk))

    assert again.lock_version == case.lock_version == 2
    assert case.events.count() == 3
    assert len(audited(CaseAction.DECISION_MADE, case)) == 1


def test_a_case_withdrawn_before_its_rules_ran_is_not_decided():
    case = case_in(CaseStatus.SUBMITTED)
    case_withdraw(actor=case.user, reference=case.reference, lock_version=case.lock_version)

    decided = case_decide_automatically(case_id=str(case.pk))

    assert decided.status == CaseStatus.WITHDRAWN and decided.rules == {}


def test_no_longer_eligible_when_decided_goes_to_an_officer_with_the_rules_reason():
    sent = eta_sent()
    # the passport was found to expire next month after the application was sent
    person = sent.subjects[0]["person_id"]
    facts = sent.facts
    soon = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    facts[person]["passport"]["value"]["expires_on"] = {"$date": soon}
    type(sent).objects.filter(pk=sent.pk).update(facts=facts)

    [case] = open_and_decide(sent)

    assert case.status == CaseStatus.REFERRED
    assert case.rules["rule"] == "eligibility:passport_valid_six_months"
    assert case.rules["eligibility"]["eligible"] is False
    assert "valid for at least 6 months" in case.rules["reason"]["en"]


@pytest.mark.parametrize("status", list(CaseStatus))
def test_every_state_can_be_reached_through_the_services(status):
    case = case_in(status)

    assert Case.objects.get(pk=case.pk).status == status


def test_an_automatic_decision_takes_few_queries(django_assert_max_num_queries):
    """The worker must decide hundreds a second: the case, its application and account in one
    read; one update, one insert of both history lines, one audit row, the announcement; the
    rest is notify writing the message to its outbox."""
    [warm] = open_and_decide(eta_sent())  # the compiled version is cached from here on
    [case] = cases_open_for_application(application_id=str(eta_sent().pk))
    assert warm.status == CaseStatus.APPROVED

    with django_assert_max_num_queries(26):
        decided = case_decide_automatically(case_id=str(case.pk))

    assert decided.status == CaseStatus.APPROVED
