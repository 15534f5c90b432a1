"""An officer's decision on a case they hold: approve at once, or propose a refusal.

A refusal needs two officers (``refusals``): the first proposes it with a reason, a different
officer confirms or rejects it. An approval needs one. Either way the reason is one of the
service's or a generic one (``reasons``), with the officer's own words under it if they add
some; the person reads it in their language.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.cases import notifications
from onegate.cases.constants import REASON_MAX_CHARS, CaseStatus, DecidedBy, EventKind, Outcome
from onegate.cases.models import Case
from onegate.cases.reasons import reason_compose, reason_template
from onegate.cases.services._transition import (
    SUBJECT_TYPE,
    _assigned_check,
    _locked,
    _may_work,
    _move,
    _refusals_recorded,
    _refused,
    _staff_case_or_404,
    _state_check,
    _version_check,
)
from onegate.core.tasks import enqueue_in_transaction
from onegate.definitions.selectors import definition_version_compiled

__all__ = ["case_decide"]


def _reviewer_check(actor: Any, case: Case) -> None:
    """Whoever decided or confirmed a refusal may not decide its review."""
    original = case.review_of
    if original is not None and actor.pk in (original.decided_by_id, original.confirmed_by_id):
        raise _refused(
            "not_allowed",
            _("You decided the refusal under review, so a different officer must decide."),
        )


def _reason(case: Case, outcome: str, template: str, explanation: str) -> dict[str, Any]:
    """The chosen reason with the officer's words: ``{"template", "reason", "explanation"}``."""
    if outcome not in (Outcome.APPROVE, Outcome.REFUSE):
        raise _refused("invalid", _("Choose whether to approve or refuse."))
    chosen = reason_template(case, outcome, template)
    if chosen is None:
        raise _refused("invalid", _("Choose a reason for the decision."))
    words = (explanation or "").strip()
    if len(words) > REASON_MAX_CHARS:
        raise _refused(
            "invalid",
            _("Explain the decision in %(limit)s characters or fewer."),
            limit=REASON_MAX_CHARS,
        )
    return {"template": chosen.id, "reason": reason_compose(chosen, words), "explanation": words}


def _decided_effects(case: Case) -> None:
    """The person is told, and other modules (credentials) hear of it, once it commits."""
    from onegate.cases.tasks import case_decided_announce

    compiled = definition_version_compiled(version_id=case.definition_version_id)
    notifications.decision_message(case=case, compiled=compiled)
    enqueue_in_transaction(case_decided_announce, case_id=str(case.pk))


def _approve(case: Case, actor: Any, chosen: dict[str, Any]) -> None:
    case.outcome, case.decided_how = Outcome.APPROVE, DecidedBy.OFFICER
    case.decided_at, case.decided_by = timezone.now(), actor
    case.decision_template, case.decision_reason = chosen["template"], chosen["reason"]
    _move(
        case,
        actor=actor,
        to_status=CaseStatus.APPROVED,
        fields=["outcome", "decided_how", "decided_at", "decided_by", "decision_template",
                "decision_reason"],
        text=chosen["explanation"],
        payload={"by": DecidedBy.OFFICER.value, "template": chosen["template"],
                 "reason": chosen["reason"]},
    )  # fmt: skip
    _decided_effects(case)


def _propose(case: Case, actor: Any, chosen: dict[str, Any]) -> None:
    case.refusal_proposal = chosen
    case.refusal_proposed_by, case.refusal_proposed_at = actor, timezone.now()
    _move(
        case,
        actor=actor,
        kind=EventKind.REFUSAL_PROPOSED,
        fields=["refusal_proposal", "refusal_proposed_by", "refusal_proposed_at"],
        text=chosen["explanation"],
        payload={"template": chosen["template"], "reason": chosen["reason"]},
    )


def case_decide(
    *,
    actor: Any,
    reference: str,
    lock_version: int,
    outcome: str,
    template: str,
    explanation: str = "",
) -> Case:
    """Approve the case (decided), or propose its refusal for a second officer to confirm."""
    _staff_case_or_404(actor, reference)
    with _refusals_recorded(actor, reference, "decide"), transaction.atomic():
        case = _locked(reference=reference)
        _may_work(actor, case)
        _state_check(case, {CaseStatus.IN_REVIEW})
        _assigned_check(actor, case)
        _version_check(case, lock_version)
        if case.refusal_proposal:
            raise _refused("state", _("A refusal is already waiting for a second officer."))
        _reviewer_check(actor, case)
        chosen = _reason(case, outcome, template, explanation)
        approving = outcome == Outcome.APPROVE
        (_approve if approving else _propose)(case, actor, chosen)
        audit_record(
            actor=actor,
            action=CaseAction.DECISION_MADE if approving else CaseAction.REFUSAL_PROPOSED,
            subject_type=SUBJECT_TYPE,
            subject_id=case.pk,
            purpose="Decide a case" if approving else "Propose the refusal of a case",
            payload={
                "by": DecidedBy.OFFICER.value,
                "reference": case.reference,
                "outcome": outcome,
                "template": chosen["template"],
            },
        )
    return case
