"""What every transition of a case shares: the refusal it raises, finding and locking the row,
the checks (who, state, the form's version) and the one way a change is saved with its history.

Each service module calls these, then writes its own audit record in the same transaction (the
audit coverage test reads each module for it). Checks run in a fixed order so the person is told
the most useful thing: whether they may act at all, then the state, then whether their form is
out of date.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.cases.constants import CaseStatus, EventKind
from onegate.cases.models import Case, CaseEvent
from onegate.identity.acting import people_i_act_for
from onegate.identity.permissions import StaffPermission, staff_can
from onegate.identity.selectors import person_id_for
from onegate.identity.selectors_acting import account_of

SUBJECT_TYPE = "cases.case"

MESSAGES = {
    "stale": _(
        "Someone else changed this case since you opened it. Look at it again before you act."
    ),
    "state": _("This cannot be done now: the case is “%(status)s”."),
    "not_allowed": _("You are not allowed to do this on this case."),
    "not_assigned": _("Only the officer the case is assigned to can do this."),
    "own_refusal": _(
        "You proposed this refusal, so a different officer must confirm or reject it."
    ),
    "answered": _("This request has already been answered."),
    "review_exists": _("A review of this decision has already been asked for."),
    "review_late": _(
        "A review must be asked for within %(days)s days of the decision, and that time has passed."
    ),
    "invalid": _("Check what you entered and try again."),
}


class CaseRefused(Exception):
    """A change the case cannot take: ``code`` for programs, ``message`` to show the person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def _refused(code: str, message: Any = None, **params: Any) -> CaseRefused:
    """The refusal ``code`` with its message (``%(name)s`` placeholders filled from ``params``);
    ``not_assigned`` is told as its own message under the API's ``not_allowed`` code."""
    text = str(message if message is not None else MESSAGES[code])
    if params:
        text = text % params
    return CaseRefused("not_allowed" if code == "not_assigned" else code, text)


def _state_refused(case: Case) -> CaseRefused:
    return _refused("state", status=CaseStatus(case.status).label)


def _state_check(case: Case, allowed: Collection[str]) -> None:
    if case.status not in allowed:
        raise _state_refused(case)


def _version_check(case: Case, lock_version: int | None) -> None:
    """The form was drawn from this version of the case, or it is out of date."""
    if lock_version is not None and int(lock_version) != case.lock_version:
        raise _refused("stale")


# The version's own texts: large, and not needed once a case is open (the rules come compiled
# from the definitions' cache), so the row lock does not read them.
VERSION_TEXTS = ("source", "change_note", "retire_note")


def _locked(*, reference: str | None = None, case_id: Any = None) -> Case:
    """The case locked for the rest of the transaction (its application, version and account
    read with it: the rules and the messages need them; the version without its texts)."""
    rows = (
        Case.objects.select_for_update(of=("self",))
        .select_related("application", "definition_version", "user")
        .defer(*(f"definition_version__{name}" for name in VERSION_TEXTS))
    )
    found = rows.filter(reference=reference) if case_id is None else rows.filter(pk=case_id)
    case = next(iter(found[:1]), None)  # one row at most: no ORDER BY to build
    if case is None:
        raise Http404("no such case")
    return case


def _staff_case_or_404(actor: Any, reference: str) -> Case:
    """The case (not locked) if ``actor`` may see its agency's cases; otherwise a 404 (audited,
    committed: it is read before the caller's transaction begins)."""
    case = Case.objects.filter(reference=str(reference or "")).first()
    agency = case.agency_slug if case is not None else None
    if case is None or not staff_can(actor, StaffPermission.VIEW_CASE, agency_slug=agency):
        _access_refused(actor, reference)
        raise Http404("no such case")
    return case


def _access_refused(actor: Any, reference: str) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=CaseAction.CASE_ACCESS_REFUSED,
            subject_type=SUBJECT_TYPE,
            subject_id=str(reference or "-")[:40] or "-",
            purpose="Refuse a case someone may not see",
            payload={"reference": str(reference or "")[:40]},
        )


def _person_may_act(actor: Any, case: Case) -> bool:
    """Whether ``actor`` may change the case as its person: the person themselves, or someone
    who may act for them today for this service. Having sent it is not enough to act on it later
    (a delegation revoked, a child come of age): such a sender may still read it."""
    from onegate.cases.selectors_citizen import may_see_case

    if not may_see_case(actor, case):
        return False
    if person_id_for(actor) == case.subject_person_id:
        return True
    option = next(
        (one for one in people_i_act_for(actor) if one.person_id == case.subject_person_id),
        None,
    )
    return option is not None and not option.is_self and option.covers(case.service_slug)


def _citizen_case_or_404(actor: Any, reference: str) -> Case:
    """The case (not locked) if ``actor`` may act on it as the person; otherwise a 404
    (audited, committed before the caller's transaction)."""
    case = Case.objects.filter(reference=str(reference or "")).first()
    if case is None or not _person_may_act(actor, case):
        _access_refused(actor, reference)
        raise Http404("no such case")
    return case


def _on_behalf_of(actor: Any, case: Case) -> Any:
    """The account of the person the actor acts for (None when for themselves, or no account)."""
    if person_id_for(actor) == case.subject_person_id:
        return None
    return account_of(case.subject_person_id)


def _may_work(actor: Any, case: Case, permission: str = StaffPermission.WORK_CASE) -> None:
    if not staff_can(actor, permission, agency_slug=case.agency_slug):
        raise _refused("not_allowed")


def _assigned_check(actor: Any, case: Case) -> None:
    if case.assigned_to_id != getattr(actor, "pk", None):
        raise _refused("not_assigned")


def _move(
    case: Case,
    *,
    actor: Any,
    kind: str = EventKind.STATUS,
    to_status: str | None = None,
    fields: Iterable[str] = (),
    text: str = "",
    payload: dict[str, Any] | None = None,
) -> CaseEvent:
    """Save the case's changed ``fields`` (and its new status), bump its version and append the
    history line: the one way a case changes."""
    now = timezone.now()
    changed = {*fields, "lock_version", "updated_at"}
    from_status = case.status
    if to_status is not None and to_status != case.status:
        case.status, case.status_changed_at = to_status, now
        changed |= {"status", "status_changed_at"}
    case.lock_version += 1
    case.save(update_fields=sorted(changed))
    return CaseEvent.objects.create(
        case=case,
        created_at=now,
        kind=kind,
        from_status=from_status if to_status else "",
        to_status=to_status or "",
        actor=actor,
        text=text,
        payload=payload or {},
    )


def _event(case: Case, *, actor: Any, kind: str, text: str = "", payload: Any = None) -> CaseEvent:
    """A history line that changes nothing else (a note)."""
    return CaseEvent.objects.create(
        case=case,
        created_at=timezone.now(),
        kind=kind,
        actor=actor,
        text=text,
        payload=payload or {},
    )


@contextmanager
def _refusals_recorded(actor: Any, reference: str, attempted: str) -> Iterator[None]:
    """A refused change leaves a trace on the audit log (committed on its own, as the change's
    transaction rolled back), then goes on up to the caller."""
    try:
        yield
    except CaseRefused as refused:
        if actor is not None and getattr(actor, "is_authenticated", False):
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action=CaseAction.ACTION_REFUSED,
                    subject_type=SUBJECT_TYPE,
                    subject_id=str(reference)[:40] or "-",
                    purpose="Refuse a change to a case",
                    payload={"attempted": attempted, "code": refused.code},
                )
        raise


def _text_checked(text: str, *, limit: int, empty: Any, too_long: Any) -> str:
    """``text`` stripped, or ``invalid`` naming what is wrong with it."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise _refused("invalid", empty)
    if len(cleaned) > limit:
        raise _refused("invalid", too_long, limit=limit)
    return cleaned
