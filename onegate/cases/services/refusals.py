"""Four eyes on a refusal: a second officer confirms it (the case is refused) or rejects it.

The second officer must work cases in the agency and must not be the one who proposed it; the
case need not be assigned to them. A confirmed refusal records both: ``decided_by`` the
proposer, ``confirmed_by`` the confirmer. A rejected one is cleared with the second officer's
explanation, and the case stays with its officer to decide again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.cases.constants import REASON_MAX_CHARS, CaseStatus, DecidedBy, EventKind, Outcome
from onegate.cases.models import Case
from onegate.cases.services._transition import (
    SUBJECT_TYPE,
    _locked,
    _may_work,
    _move,
    _refusals_recorded,
    _refused,
    _staff_case_or_404,
    _state_check,
    _text_checked,
    _version_check,
)
from onegate.cases.services.decisions import _decided_effects, _reviewer_check

__all__ = ["case_refusal_confirm", "case_refusal_reject"]


def _second_officer_locked(actor: Any, reference: str, lock_version: int) -> Case:
    """The case locked, with a refusal waiting, and ``actor`` a second officer who may act."""
    case = _locked(reference=reference)
    _may_work(actor, case)
    _state_check(case, {CaseStatus.IN_REVIEW})
    _version_check(case, lock_version)
    if not case.refusal_proposal:
        raise _refused("state", _("No refusal is waiting to be confirmed on this case."))
    if case.refusal_proposed_by_id == actor.pk:
        raise _refused("own_refusal")
    _reviewer_check(actor, case)
    return case


def _refuse(case: Case, actor: Any) -> None:
    proposal, proposer = case.refusal_proposal, case.refusal_proposed_by_id
    case.outcome, case.decided_how = Outcome.REFUSE, DecidedBy.FOUR_EYES
    case.decided_at, case.decided_by_id = timezone.now(), proposer
    case.confirmed_by = actor
    case.decision_template, case.decision_reason = proposal["template"], proposal["reason"]
    _proposal_clear(case)
    _move(
        case,
        actor=actor,
        to_status=CaseStatus.REFUSED,
        fields=["outcome", "decided_how", "decided_at", "decided_by", "confirmed_by",
                "decision_template", "decision_reason", *PROPOSAL_FIELDS],
        text=proposal.get("explanation", ""),
        payload={"by": DecidedBy.FOUR_EYES.value, "template": proposal["template"],
                 "reason": proposal["reason"], "proposed_by": str(proposer)},
    )  # fmt: skip


PROPOSAL_FIELDS = ("refusal_proposal", "refusal_proposed_by", "refusal_proposed_at")


def _proposal_clear(case: Case) -> None:
    """No refusal waits any more (confirmed, rejected, or the case withdrawn): the queue's
    "waiting for a second officer" flag goes with it. Who proposed it stays in the history."""
    case.refusal_proposal = {}
    case.refusal_proposed_by, case.refusal_proposed_at = None, None


def case_refusal_confirm(*, actor: Any, reference: str, lock_version: int) -> Case:
    """Confirm the refusal another officer proposed: the case is refused, the person told."""
    _staff_case_or_404(actor, reference)
    with _refusals_recorded(actor, reference, "confirm_refusal"), transaction.atomic():
        case = _second_officer_locked(actor, reference, lock_version)
        _refuse(case, actor)
        payload = {
            "by": DecidedBy.FOUR_EYES.value,
            "reference": case.reference,
            "outcome": Outcome.REFUSE.value,
            "template": case.decision_template,
            "proposed_by": str(case.decided_by_id),
        }
        audit_record(
            actor=actor,
            action=CaseAction.REFUSAL_CONFIRMED,
            subject_type=SUBJECT_TYPE,
            subject_id=case.pk,
            purpose="Confirm a refusal as the second officer",
            payload=payload,
        )
        audit_record(
            actor=actor,
            action=CaseAction.DECISION_MADE,
            subject_type=SUBJECT_TYPE,
            subject_id=case.pk,
            purpose="Decide a case",
            payload=payload,
        )
        _decided_effects(case)
    return case


def case_refusal_reject(*, actor: Any, reference: str, lock_version: int, explanation: str) -> Case:
    """Do not confirm the proposed refusal: it is cleared, with why, and the case stays open."""
    _staff_case_or_404(actor, reference)
    with _refusals_recorded(actor, reference, "reject_refusal"), transaction.atomic():
        case = _second_officer_locked(actor, reference, lock_version)
        words = _text_checked(
            explanation,
            limit=REASON_MAX_CHARS,
            empty=_("Explain why you do not confirm the refusal."),
            too_long=_("Explain it in %(limit)s characters or fewer."),
        )
        proposal, proposer = case.refusal_proposal, case.refusal_proposed_by_id
        _proposal_clear(case)
        _move(
            case,
            actor=actor,
            kind=EventKind.REFUSAL_REJECTED,
            fields=list(PROPOSAL_FIELDS),
            text=words,
            payload={"template": proposal.get("template"), "proposed_by": str(proposer)},
        )  # fmt: skip
        audit_record(
            actor=actor,
            action=CaseAction.REFUSAL_REJECTED,
            subject_type=SUBJECT_TYPE,
            subject_id=case.pk,
            purpose="Reject a proposed refusal as the second officer",
            payload={"reference": case.reference, "template": proposal.get("template")},
        )
    return case
