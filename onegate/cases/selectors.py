"""Reads of cases for agency staff: the queues, one case, its files, who may be given it.

Every read takes the acting user and narrows to the agencies where they hold
``cases.view_case`` (``staff_scope``) inside the SQL itself, so a case of another agency is never
fetched, let alone shown: the list leaves it out and ``case_for_staff`` answers 404 (audited).
Opening a case is itself audited (``CASE_VIEWED``): it is reading a person's data; so is
opening one of its files (``FILE_DOWNLOADED``). What the case page shows besides the case is in
``selectors_case_page``.

The queue page (``queue_for``) costs four queries whatever it holds: the user's scope, the
catalogue's revision check (service titles come from its in-memory snapshot), a capped count
and the page's rows (the assigned officer joined). With a million cases on PostgreSQL:

* each (agency, state) of the page is a part read in the order of its index (``cases_queue``:
  agency, state, due day, day sent; ``cases_queue_service`` with a service chosen), stopping at
  the end of the page, and the parts are merged (``UNION ALL`` of ``LIMIT``ed parts, in the rows
  query): one query over several agencies and states would sort every open case first. The
  first page of an agency's queue (31,000 open cases in the benchmark data) takes a few
  milliseconds in the database; "mine" is found through ``cases_assigned``;
* the total is counted only up to ``QUEUE_COUNT_CAP`` (``COUNT(*)`` over a ``LIMIT``ed
  subquery, an index-only scan): an exact count would read every case of a big agency for a
  number nobody needs exactly. Past the cap the page says "more than 10,000" and offers the
  first ``QUEUE_COUNT_CAP / QUEUE_PAGE_SIZE`` pages: ``OFFSET`` is bounded by the cap (deep
  pages cost more: each part reads up to the page's end), and the filters and "take next" are
  the way to the rest;
* sorting by the day sent has no index of its own yet (each part is sorted whole): an index on
  ``(agency_slug, status, submitted_at)`` would make it as fast as sorting by the due day;
* "waiting" counts (``queue_services``) match the partial index ``cases_waiting`` exactly
  (unassigned, in a queue state), one grouped query for every service.

SQLite cannot limit the parts of a ``UNION``: there the rows are one plain query.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.cases.constants import (
    FINAL_STATES,
    QUEUE_PAGE_SIZE,
    QUEUE_STATES,
    SLA_WARNING_WORKING_DAYS,
    CaseStatus,
)
from onegate.cases.models import Case, CaseFile
from onegate.cases.sla import sla_state
from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import current_language, pick
from onegate.definitions.language import add_working_days
from onegate.identity.models import User
from onegate.identity.permissions import StaffPermission, staff_roles_with, staff_scope
from onegate.registries.access import access_record_write
from onegate.registries.staff import staff_access
from onegate.runner.models import Upload

__all__ = [
    "QUEUE_COUNT_CAP",
    "STAFF_OPEN_STATES",
    "QueuePage",
    "QueueRow",
    "QueueService",
    "case_assignable",
    "case_file_for_staff",
    "case_for_staff",
    "case_upload_for_staff",
    "queue_for",
    "queue_service_choices",
    "queue_services",
    "service_title",
]

SUBJECT_TYPE = "cases.case"
# The queue counts its cases up to this many ("10,000+" beyond).
QUEUE_COUNT_CAP = 10_000
# What the queue shows unless a status is chosen: the cases that need an officer.
STAFF_OPEN_STATES = frozenset(
    {CaseStatus.REFERRED, CaseStatus.IN_REVIEW, CaseStatus.INFORMATION_REQUESTED,
     CaseStatus.INFORMATION_RECEIVED}
)  # fmt: skip
SORTS = {
    "due": ("sla_due_on", "submitted_at", "id"),
    "-due": ("-sla_due_on", "-submitted_at", "-id"),
    "sent": ("submitted_at", "id"),
    "-sent": ("-submitted_at", "-id"),
}
ASSIGNED = ("anyone", "me", "nobody")
SLA_FILTERS = ("breached", "due_soon")
_CASE_RELATED = (
    "application", "definition_version", "assigned_to", "decided_by", "confirmed_by",
    "refusal_proposed_by", "review_of",
)  # fmt: skip
# Only what a queue row shows is read (the rules, the proposal and the reasons stay behind).
_ROW_FIELDS = (
    "reference", "subject_names", "service_slug", "agency_slug", "status", "submitted_at",
    "sla_due_on", "review_of_id", "refusal_proposed_by_id", "assigned_to__display_name",
    "assigned_to__email",
)  # fmt: skip


@dataclass(frozen=True)
class QueueRow:
    reference: str
    person_name: str
    service_title: str
    status: str
    status_label: str
    submitted_at: dt.datetime
    sla_due_on: dt.date
    sla_state: str  # "ok", "due_soon", "breached" ("" when final)
    assigned_to: str  # the officer's display name; "" for nobody
    review: bool  # a review of a refused case
    refusal_pending: bool  # a refusal waits for its second officer


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    page: int
    pages: int
    total: int  # counted up to QUEUE_COUNT_CAP
    capped: bool  # more than QUEUE_COUNT_CAP: "10,000+"

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class QueueService:
    slug: str
    title: str
    agency_slug: str
    waiting: int  # in a queue state, nobody on it
    breached: int  # of those, past their due day


def service_title(slug: str, language: str | None = None) -> str:
    """The service's title from the catalogue snapshot (its slug when it is not there)."""
    entry = catalogue_current().service(slug)
    return pick(entry.title, language) if entry is not None else slug


def due_soon_until(today: dt.date) -> dt.date:
    """The last due day that ``sla_state`` calls "due soon" on ``today``: the day before the
    working day after the warning's last one."""
    following = add_working_days(today, SLA_WARNING_WORKING_DAYS + 1).date()
    return following - dt.timedelta(days=1)


def _one_or_in(name: str, values: list[str]) -> Q:
    """Equality for one value (PostgreSQL then reads the index in its order), else ``IN``."""
    return Q(**{name: values[0]}) if len(values) == 1 else Q(**{f"{name}__in": values})


def _filtered(
    agencies: list[str],
    states: list[str],
    user: Any,
    *,
    service_slug: str | None = None,
    assigned: str | None = None,
    sla: str | None = None,
) -> QuerySet[Case]:
    """The cases of ``agencies`` in ``states``, narrowed by the queue's filters."""
    found = Case.objects.filter(_one_or_in("agency_slug", agencies), _one_or_in("status", states))
    if service_slug:
        found = found.filter(service_slug=service_slug)
    if assigned == "me":
        found = found.filter(assigned_to_id=user.pk)
    elif assigned == "nobody":
        found = found.filter(assigned_to__isnull=True)
    today = timezone.localdate()
    if sla in SLA_FILTERS:
        found = found.exclude(status__in=sorted(FINAL_STATES))
    if sla == "breached":
        found = found.filter(sla_due_on__lt=today)
    elif sla == "due_soon":
        found = found.filter(sla_due_on__gte=today, sla_due_on__lte=due_soon_until(today))
    return found


def _merged(
    found: QuerySet[Case], parts: list[QuerySet[Case]], order: tuple[str, ...], upto: int
) -> QuerySet[Case]:
    """On PostgreSQL, the first ``upto`` cases of each part (one agency, one state), merged:
    each part is read in the order of its index (``cases_queue``, ``cases_queue_service``) and
    stops at ``upto``, where one query over several agencies and states would sort all their
    cases. Elsewhere (SQLite cannot limit the parts of a UNION), ``found`` as it is."""
    if len(parts) < 2 or not connection.features.supports_slicing_ordering_in_compound:
        return found
    firsts = [part.order_by(*order).values_list("pk")[:upto] for part in parts]
    return Case.objects.filter(pk__in=firsts[0].union(*firsts[1:], all=True))


def _row(case: Case, titles: dict[str, str], today: dt.date, language: str) -> QueueRow:
    officer = case.assigned_to
    return QueueRow(
        reference=case.reference,
        person_name=pick(case.subject_names or {}, language),
        service_title=titles.get(case.service_slug, case.service_slug),
        status=case.status,
        status_label=str(CaseStatus(case.status).label),
        submitted_at=case.submitted_at,
        sla_due_on=case.sla_due_on,
        sla_state=sla_state(case, today),
        assigned_to=officer.get_full_name() if officer is not None else "",
        review=case.review_of_id is not None,
        refusal_pending=case.refusal_proposed_by_id is not None,
    )


def queue_for(
    *,
    user: Any,
    service_slug: str | None = None,
    status: str | None = None,
    assigned: str | None = None,
    sla: str | None = None,
    sort: str = "due",
    page: int = 1,
) -> QueuePage:
    """One page of the cases in the user's ``cases.view_case`` agencies, filtered and sorted
    (``sort``: "due", "-due", "sent", "-sent"); four queries whatever the page holds."""
    scope = staff_scope(user, StaffPermission.VIEW_CASE)
    if not scope:
        return QueuePage(rows=[], page=1, pages=1, total=0, capped=False)
    agencies = sorted(scope)
    states: list[str] = [str(status)] if status in CaseStatus.values else sorted(STAFF_OPEN_STATES)
    filters = {"service_slug": service_slug, "assigned": assigned, "sla": sla}
    found = _filtered(agencies, states, user, **filters)
    total = found.values("pk")[: QUEUE_COUNT_CAP + 1].count()
    capped = total > QUEUE_COUNT_CAP
    total = min(total, QUEUE_COUNT_CAP)
    pages = max(1, math.ceil(total / QUEUE_PAGE_SIZE))
    page = min(max(1, page), pages)
    start = (page - 1) * QUEUE_PAGE_SIZE
    order = SORTS.get(sort, SORTS["due"])
    if assigned != "me":  # an officer's own cases: few, found through ``cases_assigned``
        parts = [_filtered([a], [s], user, **filters) for a in agencies for s in states]
        found = _merged(found, parts, order, start + QUEUE_PAGE_SIZE)
    ordered = found.select_related("assigned_to").only(*_ROW_FIELDS).order_by(*order)
    cases = list(ordered[start : start + QUEUE_PAGE_SIZE])
    language, today = current_language(), timezone.localdate()
    catalogue = catalogue_current()
    titles = {}
    for slug in {case.service_slug for case in cases}:
        entry = catalogue.service(slug)
        titles[slug] = pick(entry.title, language) if entry is not None else slug
    rows = [_row(case, titles, today, language) for case in cases]
    return QueuePage(rows=rows, page=page, pages=pages, total=total, capped=capped)


def queue_service_choices(*, user: Any) -> list[tuple[str, str]]:
    """(slug, title) of the listed services of the user's agencies, for the queue's filter."""
    catalogue, language = catalogue_current(), current_language()
    found = []
    for slug in sorted(staff_scope(user, StaffPermission.VIEW_CASE)):
        agency = catalogue.agency(slug)
        services = catalogue.services_of_agency(agency, language) if agency else []
        found += [(entry.slug, pick(entry.title, language)) for entry in services]
    return found


def queue_services(*, user: Any) -> list[QueueService]:
    """Per service of the user's agencies (its listed services, and any with cases waiting):
    how many cases wait for an officer, and how many of those are past their due day."""
    scope = staff_scope(user, StaffPermission.VIEW_CASE)
    if not scope:
        return []
    today = timezone.localdate()
    counts = (
        Case.objects.filter(
            agency_slug__in=sorted(scope),
            status__in=sorted(QUEUE_STATES),
            assigned_to__isnull=True,
        )
        .values("agency_slug", "service_slug")
        .annotate(waiting=Count("pk"), breached=Count("pk", filter=Q(sla_due_on__lt=today)))
    )
    found: dict[tuple[str, str], tuple[int, int]] = {
        (row["agency_slug"], row["service_slug"]): (row["waiting"], row["breached"])
        for row in counts
    }
    catalogue, language = catalogue_current(), current_language()
    for slug in scope:
        agency = catalogue.agency(slug)
        for entry in catalogue.services_of_agency(agency, language) if agency else []:
            found.setdefault((slug, entry.slug), (0, 0))
    services = [
        QueueService(
            slug=service,
            title=service_title(service, language),
            agency_slug=agency,
            waiting=waiting,
            breached=breached,
        )
        for (agency, service), (waiting, breached) in found.items()
    ]
    return sorted(services, key=lambda one: (one.agency_slug, one.title.casefold()))


def _access_refused(user: Any, reference: str) -> Http404:
    if getattr(user, "is_authenticated", False):
        with transaction.atomic():
            audit_record(
                actor=user,
                action=CaseAction.CASE_ACCESS_REFUSED,
                subject_type=SUBJECT_TYPE,
                subject_id=str(reference)[:40] or "-",
                purpose="Refuse a case someone may not see",
                payload={"reference": str(reference)[:40], "as": "staff"},
            )
    return Http404("no such case")


def case_for_staff(*, user: Any, reference: str, audit: bool = True) -> Case:
    """The case if its agency is in the user's ``cases.view_case`` scope, with its application,
    version and officers; ``Http404`` (audited) otherwise. The read is audited (``audit``
    False: the page is drawn again after a refused change, already audited)."""
    scope = staff_scope(user, StaffPermission.VIEW_CASE)
    cases = Case.objects.filter(reference=str(reference), agency_slug__in=sorted(scope))
    found = cases.select_related(*_CASE_RELATED).first() if scope else None
    if found is None:
        raise _access_refused(user, reference)
    if audit:
        with transaction.atomic():
            audit_record(
                actor=user,
                action=CaseAction.CASE_VIEWED,
                subject_type=SUBJECT_TYPE,
                subject_id=found.pk,
                purpose="Work on a case for the agency",
                on_behalf_of=None,
                payload={"reference": found.reference},
            )
            _access_logged(user, found)
    return found


def _access_logged(user: Any, case: Case) -> None:
    """Put the officer's read on the person's "who looked at my data" (with the facts the
    case holds about them), as a registry officer's read is."""
    access = staff_access(
        user=user,
        organisation=case.agency_slug,
        purpose_code="application",
        reference=case.reference,
    )
    facts = (case.application.facts or {}).get(case.subject_person_id) or {}
    sources = sorted({str(entry.get("source") or alias) for alias, entry in facts.items()})
    access_record_write(
        access=access,
        question="case",
        person_ids=[case.subject_person_id],
        facts=sources or ["application"],
    )


def case_assignable(*, user: Any, case: Case) -> list[tuple[uuid.UUID, str]]:
    """Who a team lead may give the case to: the agency's current staff with
    ``cases.work_case`` across the agency, as (account id, name), by name. Empty for anyone
    without ``cases.assign_case`` there."""
    if case.agency_slug not in staff_scope(user, StaffPermission.ASSIGN_CASE):
        return []
    roles = sorted(staff_roles_with(StaffPermission.WORK_CASE))
    people = User.objects.filter(
        is_active=True,
        is_staff=True,
        staff_memberships__agency_slug=case.agency_slug,
        staff_memberships__role__in=roles,
        staff_memberships__ended_at__isnull=True,
        staff_memberships__centre__isnull=True,
    ).distinct()
    named = [(person.pk, person.get_full_name()) for person in people]
    return sorted(named, key=lambda item: item[1].casefold())


def _downloaded(user: Any, case: Case, kind: str, file_id: uuid.UUID) -> None:
    with transaction.atomic():
        audit_record(
            actor=user,
            action=CaseAction.FILE_DOWNLOADED,
            subject_type=SUBJECT_TYPE,
            subject_id=case.pk,
            purpose="Open a file given with a case",
            payload={"reference": case.reference, kind: str(file_id)},
        )


def case_upload_for_staff(*, user: Any, reference: str, upload_id: uuid.UUID) -> Upload:
    """A file of the case's application, for staff who may see the case (the download is
    audited); ``Http404`` otherwise."""
    case = case_for_staff(user=user, reference=reference, audit=False)
    found = Upload.objects.filter(application_id=case.application_id, pk=upload_id).first()
    if found is None:
        raise Http404("no such file")
    _downloaded(user, case, "upload", found.pk)
    return found


def case_file_for_staff(*, user: Any, reference: str, file_id: uuid.UUID) -> CaseFile:
    """A file the person gave with an answer on this case (the download is audited);
    ``Http404`` otherwise."""
    case = case_for_staff(user=user, reference=reference, audit=False)
    found = CaseFile.objects.filter(request__case=case, pk=file_id).first()
    if found is None:
        raise Http404("no such file")
    _downloaded(user, case, "file", found.pk)
    return found


def case_for_insights(*, case_id: Any) -> dict[str, Any] | None:
    """What the performance measures count of a decided case, and nothing personal: service,
    definition version number, the application's channel, outcome, how and when it was decided,
    when it was sent and due (no actor: it names nobody, so it is not audited). None when unknown.
    """
    found = (
        Case.objects.filter(pk=case_id)
        .values(
            "service_slug",
            "outcome",
            "decided_how",
            "decided_at",
            "submitted_at",
            "sla_due_on",
            version=F("definition_version__number"),
            channel=F("application__channel"),
        )
        .first()
    )
    return dict(found) if found is not None else None
