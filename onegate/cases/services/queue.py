"""Who works on a case: "take next" from the queue, assigning by a team lead, releasing.

"Take next" hands each waiting case to exactly one officer however many ask at once. On
PostgreSQL one ``UPDATE`` takes the oldest-due waiting case its inner ``SELECT … FOR UPDATE SKIP
LOCKED`` locks (officers asking together get different cases, nobody waits); SQLite has no row
locks, so a candidate is claimed with a conditional ``UPDATE … WHERE assigned_to IS NULL AND
status = …`` that only one caller can win, and the loser tries the next one. A review of a
refusal is never handed to an officer who decided or confirmed the refused case.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.cases.constants import QUEUE_STATES, CaseStatus, EventKind
from onegate.cases.models import Case, CaseEvent
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
from onegate.identity.models import User
from onegate.identity.permissions import StaffPermission, staff_can, staff_scope

__all__ = ["case_assign", "case_release", "case_take_next"]

# Candidates read at a time on SQLite; rounds before giving up when others keep winning them.
CANDIDATES = 8
ROUNDS = 20
ASSIGNABLE_STATES = frozenset(
    {*QUEUE_STATES, CaseStatus.IN_REVIEW, CaseStatus.INFORMATION_REQUESTED}
)


def _not_their_own_review(actor: Any) -> Q:
    """Not a review of a refusal the officer decided or confirmed."""
    return Q(review_of__isnull=True) | (
        ~Q(review_of__decided_by=actor) & ~Q(review_of__confirmed_by=actor)
    )


def _waiting(actor: Any, agencies: set[str], service_slug: str | None) -> QuerySet[Case]:
    """Unassigned cases in the queues of ``agencies`` (the officer's), oldest due first."""
    found = Case.objects.filter(
        agency_slug__in=sorted(agencies), status__in=sorted(QUEUE_STATES), assigned_to__isnull=True
    ).filter(_not_their_own_review(actor))
    if service_slug:
        found = found.filter(service_slug=service_slug)
    return found.order_by("sla_due_on", "submitted_at")


def _taken(case: Case, actor: Any, from_status: str) -> Case:
    """The history line and audit record of a case just handed to ``actor``."""
    CaseEvent.objects.create(
        case=case,
        created_at=case.status_changed_at,
        kind=EventKind.STATUS,  # the person sees an officer has it (not who)
        from_status=from_status,
        to_status=CaseStatus.IN_REVIEW,
        actor=actor,
        payload={"to": str(actor.pk), "how": "take_next"},
    )
    audit_record(
        actor=actor,
        action=CaseAction.CASE_ASSIGNED,
        subject_type=SUBJECT_TYPE,
        subject_id=case.pk,
        purpose="Take the next case from the queue",
        payload={"reference": case.reference, "to": str(actor.pk), "how": "take_next"},
    )
    return case


# PostgreSQL: lock the first waiting case nobody else holds and take it, in one statement (the
# candidates' query, made by the ORM, is the inner SELECT … FOR UPDATE SKIP LOCKED LIMIT 1).
TAKE_SQL = """
UPDATE {table} AS taken
SET status = %s, status_changed_at = %s, assigned_to_id = %s, assigned_at = %s,
    lock_version = taken.lock_version + 1, updated_at = %s
FROM ({first}) AS was (id, status)
WHERE taken.id = was.id
RETURNING taken.*, was.status AS from_status
"""


def _take_locked(actor: Any, candidates: QuerySet[Case]) -> Case | None:
    """PostgreSQL: take the first case nobody else holds (others asking at once skip it)."""
    now = timezone.now()
    with transaction.atomic():
        first = candidates.select_for_update(skip_locked=True, of=("self",))
        inner, params = first.values("pk", "status")[:1].query.sql_with_params()
        sql = TAKE_SQL.format(table=connection.ops.quote_name(Case._meta.db_table), first=inner)
        values = [CaseStatus.IN_REVIEW, now, actor.pk, now, now, *params]
        case = next(iter(Case.objects.raw(sql, values)), None)
        if case is None:
            return None
        case.assigned_to = actor
        return _taken(case, actor, getattr(case, "from_status"))  # noqa: B009 (raw's extra column)


def _claim(actor: Any, pk: Any, status: str) -> Case | None:
    """SQLite: take the case if it is still waiting, unassigned, in ``status`` (one caller wins)."""
    now = timezone.now()
    with transaction.atomic():
        won = Case.objects.filter(pk=pk, status=status, assigned_to__isnull=True).update(
            status=CaseStatus.IN_REVIEW,
            status_changed_at=now,
            assigned_to=actor,
            assigned_at=now,
            lock_version=F("lock_version") + 1,
            updated_at=now,
        )
        if not won:
            return None
        return _taken(Case.objects.get(pk=pk), actor, status)


def _take_claiming(actor: Any, candidates: QuerySet[Case]) -> Case | None:
    for _round in range(ROUNDS):
        found = list(candidates.values_list("pk", "status")[:CANDIDATES])
        if not found:
            return None
        for pk, status in found:
            case = _claim(actor, pk, status)
            if case is not None:
                return case
    return None


def case_take_next(*, actor: Any, service_slug: str | None = None) -> Case | None:
    """Hand ``actor`` the waiting case due first in their agencies (of ``service_slug`` if
    given): now in review, assigned to them. None when nothing is waiting for them."""
    agencies = staff_scope(actor, StaffPermission.WORK_CASE)
    if not agencies:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=CaseAction.ACTION_REFUSED,
                subject_type=SUBJECT_TYPE,
                subject_id="queue",
                purpose="Refuse to take a case from the queue",
                payload={"attempted": "take_next", "code": "not_allowed"},
            )
        raise _refused("not_allowed")
    candidates = _waiting(actor, agencies, service_slug)
    if connection.vendor == "postgresql":
        return _take_locked(actor, candidates)
    return _take_claiming(actor, candidates)


def _assignee(case: Case, to_user_id: Any) -> User:
    """The officer a case may be given to: works cases in its agency, did not decide the
    refusal it reviews."""
    user = User.objects.filter(pk=to_user_id, is_active=True).first()
    if user is None or not staff_can(user, StaffPermission.WORK_CASE, agency_slug=case.agency_slug):
        raise _refused("invalid", _("Choose an officer who works on this agency's cases."))
    original = case.review_of
    if original is not None and user.pk in (original.decided_by_id, original.confirmed_by_id):
        raise _refused(
            "not_allowed",
            _("This officer decided the refusal under review, so cannot review it."),
        )
    return user


def _key(user: User | None) -> str | None:
    return str(user.pk) if user is not None else None


def _assign_change(case: Case, actor: Any, user: User | None) -> None:
    """Give the case to ``user`` (None: back to the queue), saving it with its history line."""
    now = timezone.now()
    was = case.assigned_to_id
    case.assigned_to, case.assigned_at = user, (now if user is not None else None)
    to_status = None
    if user is not None and case.status in QUEUE_STATES:
        to_status = CaseStatus.IN_REVIEW
    elif user is None and case.status == CaseStatus.IN_REVIEW:
        to_status = CaseStatus.REFERRED
    _move(
        case,
        actor=actor,
        # A change of status is on the person's timeline; a change of officer alone is not.
        kind=EventKind.STATUS if to_status else EventKind.ASSIGNED,
        to_status=to_status,
        fields=["assigned_to", "assigned_at"],
        payload={"to": _key(user), "from": str(was) if was else None, "how": "assigned"},
    )


def case_assign(
    *, actor: Any, reference: str, lock_version: int, to_user_id: uuid.UUID | str | None
) -> Case:
    """Give the case to an officer of its agency (``None``: back to the queue); only someone who
    may assign cases there (a team lead)."""
    _staff_case_or_404(actor, reference)
    with _refusals_recorded(actor, reference, "assign"), transaction.atomic():
        case = _locked(reference=reference)
        _may_work(actor, case, StaffPermission.ASSIGN_CASE)
        _state_check(case, ASSIGNABLE_STATES)
        _version_check(case, lock_version)
        user = _assignee(case, to_user_id) if to_user_id is not None else None
        _assign_change(case, actor, user)
        audit_record(
            actor=actor,
            action=CaseAction.CASE_ASSIGNED if user is not None else CaseAction.CASE_RELEASED,
            subject_type=SUBJECT_TYPE,
            subject_id=case.pk,
            purpose="Assign a case to an officer",
            payload={"reference": case.reference, "to": str(user.pk) if user else None},
        )
    return case


def case_release(*, actor: Any, reference: str, lock_version: int) -> Case:
    """Put a case the officer holds back in the queue for someone else to take."""
    _staff_case_or_404(actor, reference)
    with _refusals_recorded(actor, reference, "release"), transaction.atomic():
        case = _locked(reference=reference)
        _may_work(actor, case)
        _state_check(case, {CaseStatus.IN_REVIEW})
        _assigned_check(actor, case)
        _version_check(case, lock_version)
        case.assigned_to, case.assigned_at = None, None
        _move(
            case,
            actor=actor,
            to_status=CaseStatus.REFERRED,
            fields=["assigned_to", "assigned_at"],
            payload={"how": "released"},
        )
        audit_record(
            actor=actor,
            action=CaseAction.CASE_RELEASED,
            subject_type=SUBJECT_TYPE,
            subject_id=case.pk,
            purpose="Put a case back in the queue",
            payload={"reference": case.reference},
        )
    return case
