"""What the person does with their case: withdraw it while undecided, ask for a review of a
refusal.

"The person" is whoever the case is about, whoever applied, or whoever may act for the person
today (a parent, a guardian, a delegate for that service); anyone else gets a 404. A review
closes the refused case and opens a new one (a new reference, the same application and person)
in the agency's queue, which no officer who decided or confirmed the refusal may take.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.cases import notifications
from onegate.cases.constants import (
    REASON_MAX_CHARS,
    REVIEW_DAYS,
    WITHDRAWABLE_STATES,
    CaseStatus,
    EventKind,
)
from onegate.cases.models import Case, CaseEvent
from onegate.cases.services._transition import (
    SUBJECT_TYPE,
    _citizen_case_or_404,
    _locked,
    _move,
    _on_behalf_of,
    _refusals_recorded,
    _refused,
    _state_check,
    _text_checked,
    _version_check,
)
from onegate.cases.services.opening import _case_reference_new
from onegate.cases.sla import sla_due_on
from onegate.definitions.selectors import definition_version_compiled

__all__ = ["case_review_ask", "case_withdraw"]


def case_withdraw(*, actor: Any, reference: str, lock_version: int) -> Case:
    """Withdraw a case that is not decided yet: nothing more is done with it."""
    _citizen_case_or_404(actor, reference)
    with _refusals_recorded(actor, reference, "withdraw"), transaction.atomic():
        case = _locked(reference=reference)
        _state_check(case, WITHDRAWABLE_STATES)
        _version_check(case, lock_version)
        case.refusal_proposal = {}
        case.refusal_proposed_by, case.refusal_proposed_at = None, None
        fields = ["refusal_proposal", "refusal_proposed_by", "refusal_proposed_at"]
        _move(case, actor=actor, to_status=CaseStatus.WITHDRAWN, fields=fields)
        audit_record(
            actor=actor,
            action=CaseAction.APPLICATION_WITHDRAWN,
            subject_type=SUBJECT_TYPE,
            subject_id=case.pk,
            purpose="Withdraw an application",
            on_behalf_of=_on_behalf_of(actor, case),
            payload={"reference": case.reference, "application": str(case.application_id)},
        )
        compiled = definition_version_compiled(version_id=case.definition_version_id)
        notifications.withdrawn_message(case=case, compiled=compiled)
    return case


def _review_allowed(case: Case) -> None:
    if Case.objects.filter(review_of=case).exists():
        raise _refused("review_exists")
    _state_check(case, {CaseStatus.REFUSED})
    decided = case.decided_at or case.status_changed_at
    if timezone.now() > decided + dt.timedelta(days=REVIEW_DAYS):
        raise _refused("review_late", days=REVIEW_DAYS)


def _review_new(case: Case, actor: Any, reason: str) -> Case:
    """The new case for the review: in the queue, due like a new application from today."""
    now = timezone.now()
    compiled = definition_version_compiled(version_id=case.definition_version_id)
    review = Case.objects.create(
        reference=_case_reference_new(),
        application_id=case.application_id,
        subject_person_id=case.subject_person_id,
        subject_names=case.subject_names,
        relationship=case.relationship,
        applicant_person_id=case.applicant_person_id,
        user_id=case.user_id,
        service_slug=case.service_slug,
        agency_slug=case.agency_slug,
        definition_version_id=case.definition_version_id,
        language=case.language,
        status=CaseStatus.REFERRED,
        status_changed_at=now,
        submitted_at=now,
        sla_due_on=sla_due_on(now, compiled.model.sla_working_days),
        rules=case.rules,  # the same application: the officers see what the rules found
        review_of=case,
        review_reason=reason,
    )
    CaseEvent.objects.create(
        case=review,
        created_at=now,
        kind=EventKind.REVIEW_ASKED,
        to_status=CaseStatus.REFERRED,
        actor=actor,
        text=reason,
        payload={"review_of": case.reference},
    )
    notifications.review_received_message(case=review, compiled=compiled)
    return review


def case_review_ask(*, actor: Any, reference: str, reason: str) -> Case:
    """Ask for a review of a refusal (within ``REVIEW_DAYS`` days of it): the refused case is
    closed and a new case opened for a different officer; returns the new case."""
    _citizen_case_or_404(actor, reference)
    with _refusals_recorded(actor, reference, "review"), transaction.atomic():
        case = _locked(reference=reference)
        _review_allowed(case)
        words = _text_checked(
            reason,
            limit=REASON_MAX_CHARS,
            empty=_("Tell us why you think the decision is wrong."),
            too_long=_("Write why in %(limit)s characters or fewer."),
        )
        review = _review_new(case, actor, words)
        _move(
            case,
            actor=actor,
            kind=EventKind.REVIEW_ASKED,
            to_status=CaseStatus.CLOSED,
            text=words,
            payload={"review": review.reference},
        )
        audit_record(
            actor=actor,
            action=CaseAction.REVIEW_ASKED,
            subject_type=SUBJECT_TYPE,
            subject_id=review.pk,
            purpose="Ask for a review of a refusal",
            on_behalf_of=_on_behalf_of(actor, case),
            payload={"reference": review.reference, "review_of": case.reference},
        )
    return review
