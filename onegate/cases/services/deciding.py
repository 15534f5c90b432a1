"""Automatic decisions: a sent case's rules evaluated, and the case approved, refused or referred.

Run by the worker (``tasks.case_decide_automatically_task``) right after the case is opened. One
transaction takes the case from submitted through deciding to its outcome, with two history
lines (the evaluation, staff only; the new status with its reason) and one audit record. It is
kept to a handful of queries: the worker must decide hundreds a second. The pinned version comes
compiled from the definitions' cache, and the message to the person is written to notify's
outbox in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.cases import notifications
from onegate.cases.constants import CaseStatus, DecidedBy, EventKind, Outcome
from onegate.cases.models import Case, CaseEvent
from onegate.cases.services._rules import _rules_record
from onegate.cases.services._transition import SUBJECT_TYPE, _locked
from onegate.core.tasks import enqueue_in_transaction
from onegate.definitions.language import CompiledDefinition
from onegate.definitions.selectors import definition_version_compiled

__all__ = ["case_decide_automatically"]

# The rules' outcome -> the case's new status, and the decision's outcome (none for a referral).
RESULTS = {
    "approve": (CaseStatus.APPROVED, Outcome.APPROVE),
    "refuse": (CaseStatus.REFUSED, Outcome.REFUSE),
    "refer": (CaseStatus.REFERRED, ""),
}


def _apply(case: Case, record: dict[str, Any]) -> list[str]:
    """Set the case's fields from the evaluation; return the names changed."""
    status, outcome = RESULTS[record["outcome"]]
    now = timezone.now()
    case.rules = record
    case.status, case.status_changed_at = status, now
    case.lock_version += 1
    fields = ["rules", "status", "status_changed_at", "lock_version", "updated_at"]
    if outcome:
        case.outcome, case.decided_how, case.decided_at = outcome, DecidedBy.RULES, now
        case.decision_template, case.decision_reason = record["rule"][:63], record["reason"]
        fields += ["outcome", "decided_how", "decided_at", "decision_template", "decision_reason"]
    return fields


def _history(case: Case, record: dict[str, Any]) -> None:
    """Two lines in one insert: the evaluation (staff only) and the new status with its reason."""
    at = case.status_changed_at
    summary = {key: record[key] for key in ("outcome", "rule", "trace", "failed")}
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=case,
                created_at=at,
                kind=EventKind.RULES,
                from_status=CaseStatus.SUBMITTED,
                to_status=CaseStatus.DECIDING,
                payload=summary,
            ),
            CaseEvent(
                case=case,
                created_at=at,
                kind=EventKind.STATUS,
                from_status=CaseStatus.DECIDING,
                to_status=case.status,
                payload={
                    "by": DecidedBy.RULES.value,
                    "rule": record["rule"],
                    "reason": record["reason"],
                },
            ),
        ]
    )


def _side_effects(case: Case, compiled: CompiledDefinition) -> None:
    from onegate.cases.tasks import case_decided_announce

    if case.status == CaseStatus.REFERRED:
        notifications.referred_message(case=case, compiled=compiled)
        return
    notifications.decision_message(case=case, compiled=compiled)
    enqueue_in_transaction(case_decided_announce, case_id=str(case.pk))


def case_decide_automatically(*, case_id: str) -> Case:
    """Evaluate the case's rules and approve, refuse or refer it; a case that is no longer
    waiting for its rules (decided already, withdrawn) is returned unchanged."""
    with transaction.atomic():
        case = _locked(case_id=case_id)
        if case.status != CaseStatus.SUBMITTED:
            return case
        compiled = definition_version_compiled(version_id=case.definition_version_id)
        record = _rules_record(case, compiled)
        case.save(update_fields=_apply(case, record))
        _history(case, record)
        referred = case.status == CaseStatus.REFERRED
        audit_record(
            actor=None,
            # a referral is the rules' finding, not a decision: an officer will make that
            action=CaseAction.RULES_EVALUATED if referred else CaseAction.DECISION_MADE,
            subject_type=SUBJECT_TYPE,
            subject_id=case.pk,
            purpose="Decide a case by the service's rules",
            payload={
                "by": DecidedBy.RULES.value,
                "reference": case.reference,
                "outcome": record["outcome"],
                "rule": record["rule"],
            },
        )
        _side_effects(case, compiled)
    return case
