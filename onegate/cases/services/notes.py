"""Notes on a case: what officers tell each other about it. Staff only, never changed, and any
officer who works the agency's cases may write one, in whatever state the case is."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.cases.constants import NOTE_MAX_CHARS, EventKind
from onegate.cases.models import CaseEvent
from onegate.cases.services._transition import (
    SUBJECT_TYPE,
    _event,
    _locked,
    _may_work,
    _refusals_recorded,
    _staff_case_or_404,
    _text_checked,
)

__all__ = ["case_note_add"]


def case_note_add(*, actor: Any, reference: str, text: str) -> CaseEvent:
    """Add a note to the case's history (it does not change the case's version: a note written
    meanwhile does not make another officer's form out of date)."""
    _staff_case_or_404(actor, reference)
    with _refusals_recorded(actor, reference, "note"), transaction.atomic():
        case = _locked(reference=reference)
        _may_work(actor, case)
        words = _text_checked(
            text,
            limit=NOTE_MAX_CHARS,
            empty=_("Enter the note."),
            too_long=_("Write the note in %(limit)s characters or fewer."),
        )
        event = _event(case, actor=actor, kind=EventKind.NOTE, text=words)
        audit_record(
            actor=actor,
            action=CaseAction.NOTE_ADDED,
            subject_type=SUBJECT_TYPE,
            subject_id=case.pk,
            purpose="Add a note to a case",
            payload={"reference": case.reference, "event": event.pk, "length": len(words)},
        )
    return event
