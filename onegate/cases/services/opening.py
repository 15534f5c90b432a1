"""Opening cases from a sent application: one per person it is for, once whatever is told twice.

The runner announces a sent application (``runner.signals.application_submitted``, from a task
that retries); ``receivers`` calls ``cases_open_for_application``. The application's row is
locked, so two announcements at once open each case once (the unique constraint backs it up);
each new case's automatic decision is enqueued in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.cases.constants import CaseStatus, EventKind
from onegate.cases.models import Case, CaseEvent
from onegate.cases.services._transition import SUBJECT_TYPE
from onegate.cases.sla import sla_due_on
from onegate.core.tasks import enqueue_in_transaction
from onegate.definitions.selectors import definition_version_compiled
from onegate.runner.constants import ApplicationStatus
from onegate.runner.models import Application
from onegate.runner.references import reference_new

__all__ = ["cases_open_for_application"]

REFERENCE_TRIES = 8


def _reference_free(reference: str) -> bool:
    """Not a case's reference, nor another application's (a reference names one thing)."""
    taken = Case.objects.filter(reference=reference).exists()
    return not taken and not Application.objects.filter(reference=reference).exists()


def _case_reference_new() -> str:
    """A new reference for a case (a review, or one of several people on an application)."""
    for _attempt in range(REFERENCE_TRIES):
        reference = reference_new()
        if _reference_free(reference):
            return reference
    raise RuntimeError("no free case reference after several tries")


def _reference_for(application: Application) -> str:
    """The application's own reference when it is for one person (the one they were given), a
    new one for each person of an application for several."""
    if len(application.subjects or []) == 1 and application.reference:
        return application.reference
    return _case_reference_new()


def _case_new(application: Application, subject: dict[str, Any], due: Any) -> Case:
    now = timezone.now()
    return Case.objects.create(
        reference=_reference_for(application),
        application=application,
        subject_person_id=str(subject["person_id"]),
        subject_names=dict(subject.get("names") or {}),
        relationship=str(subject.get("relationship") or "")[:20],
        applicant_person_id=application.applicant_person_id,
        user_id=application.user_id,
        service_slug=application.service_slug,
        agency_slug=application.agency_slug,
        definition_version_id=application.definition_version_id,
        language=application.language or "en",
        status=CaseStatus.SUBMITTED,
        status_changed_at=now,
        submitted_at=application.submitted_at or now,
        sla_due_on=due,
    )


def _opened(case: Case) -> None:
    """The case's first history line, its audit record and its automatic decision, enqueued."""
    from onegate.cases.tasks import case_decide_automatically_task

    CaseEvent.objects.create(
        case=case,
        created_at=case.status_changed_at,
        kind=EventKind.STATUS,
        to_status=CaseStatus.SUBMITTED,
        payload={"application": str(case.application.reference or "")},
    )
    audit_record(
        actor=None,
        action=CaseAction.CASE_OPENED,
        subject_type=SUBJECT_TYPE,
        subject_id=case.pk,
        purpose="Open a case for a sent application",
        payload={
            "reference": case.reference,
            "application": str(case.application_id),
            "service": case.service_slug,
            "person": case.subject_person_id,
        },
    )
    enqueue_in_transaction(case_decide_automatically_task, case_id=str(case.pk))


def cases_open_for_application(*, application_id: str) -> list[Case]:
    """The application's cases, one per person it is for, opened now if they are not yet.

    Idempotent; an application that is not sent opens nothing. Each new case's automatic
    decision is enqueued (``tasks.case_decide_automatically_task``) with it.
    """
    with transaction.atomic():
        application = Application.objects.select_for_update().filter(pk=application_id).first()
        if application is None or application.status != ApplicationStatus.SUBMITTED:
            return []
        existing = {
            case.subject_person_id: case
            for case in Case.objects.filter(application=application, review_of__isnull=True)
        }
        compiled = definition_version_compiled(version_id=application.definition_version_id)
        due = sla_due_on(
            application.submitted_at or timezone.now(), compiled.model.sla_working_days
        )
        cases = []
        for subject in application.subjects or []:
            case = existing.get(str(subject["person_id"]))
            if case is None:
                case = _case_new(application, subject, due)
                _opened(case)
            cases.append(case)
    return cases
