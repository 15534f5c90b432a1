"""The background work of a case, run by the real worker: a sent application is opened and
decided without anyone waiting, the decision is announced to other modules, a task told twice
does the work once."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditEvent
from onegate.cases.constants import CaseStatus, DecidedBy, Outcome
from onegate.cases.models import Case
from onegate.cases.signals import case_decided
from onegate.cases.tasks import case_decide_automatically_task, case_decided_announce
from onegate.cases.tests.factories import (
    demo_services,  # noqa: F401  (fixture)
    driving_renewal_sent,
    eta_sent,
    run_tasks,
)
from onegate.notify.models import Message

pytestmark = pytest.mark.usefixtures("demo_services")

DECIDE = "onegate.cases.tasks.case_decide_automatically_task"
ANNOUNCE = "onegate.cases.tasks.case_decided_announce"


@pytest.fixture
def heard():
    """What ``case_decided`` receivers are told."""
    told: list[dict] = []

    def listen(sender, **kwargs):
        told.append({"case_id": kwargs["case_id"], "outcome": kwargs["outcome"]})

    case_decided.connect(listen, dispatch_uid="test-listener")
    yield told
    case_decided.disconnect(dispatch_uid="test-listener")


def test_an_eta_is_approved_by_the_worker_and_the_decision_announced(heard):
    sent = eta_sent()

    run_tasks()

    case = Case.objects.get(application=sent)
    assert case.status == CaseStatus.APPROVED
    assert (case.outcome, case.decided_how) == (Outcome.APPROVE, DecidedBy.RULES)
    assert case.reference == sent.reference  # one person: the reference they were given
    assert heard == [{"case_id": str(case.pk), "outcome": "approve"}]
    inbox = Message.objects.filter(user=sent.user, event=f"cases.approved:{sent.service_slug}")
    assert {m.subject for m in inbox} == {"Your electronic travel authority is approved"}


def test_a_referred_renewal_is_not_announced_as_decided(heard):
    sent = driving_renewal_sent(medical=True)

    run_tasks()

    case = Case.objects.get(application=sent)
    assert case.status == CaseStatus.REFERRED
    assert heard == []
    assert not DBTaskResult.objects.filter(task_path=ANNOUNCE).exists()


def test_the_decision_task_told_twice_decides_once():
    sent = eta_sent()
    run_tasks()
    case = Case.objects.get(application=sent)

    case_decide_automatically_task.enqueue(case_id=str(case.pk))
    run_tasks()

    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.lock_version == 2
    decided = AuditEvent.objects.filter(action=CaseAction.DECISION_MADE, subject_id=str(case.pk))
    assert decided.count() == 1
    assert DBTaskResult.objects.filter(task_path=DECIDE).count() == 2


def test_announcing_a_case_with_no_decision_tells_nobody(heard):
    sent = driving_renewal_sent(medical=True)
    run_tasks()
    case = Case.objects.get(application=sent)

    case_decided_announce.enqueue(case_id=str(case.pk))
    run_tasks()

    assert heard == []
