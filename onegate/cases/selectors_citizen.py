"""Reads of cases for the people they are about: whose cases a signed-in person sees, and how.

A person sees a case when its subject or its applicant is their registry person, when their
account sent the application, or when the subject is someone they may act for today for that
service (their child under 18, their ward, a delegator whose delegation covers the service).
``cases_of`` finds them all in one query (with the people acted for, read once); anyone else
asking for a case by its reference gets a 404, on the audit log (``case_for_citizen``). The
person's timeline leaves out what only staff see (notes, assignments, proposals, the rules'
workings).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import Http404

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.cases.constants import STAFF_ONLY_EVENTS
from onegate.cases.models import Case, CaseEvent, CaseFile, InformationRequest
from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import pick
from onegate.definitions.selectors import definition_version_compiled
from onegate.identity.acting import ActingOption, people_i_act_for
from onegate.identity.selectors import person_id_for

__all__ = [
    "case_agency_name",
    "case_file_for_citizen",
    "case_for_citizen",
    "case_open_request",
    "case_service_title",
    "case_timeline",
    "case_view_record",
    "cases_of",
    "may_see_case",
]

SUBJECT_TYPE = "cases.case"
# Heavy columns the lists never show.
LIST_DEFERRED = ("rules", "refusal_proposal", "review_reason")


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _others(options: Sequence[ActingOption]) -> dict[str, ActingOption]:
    return {option.person_id: option for option in options if not option.is_self}


def _sees(case: Case, user: Any, me: str | None, others: dict[str, ActingOption]) -> bool:
    if case.user_id is not None and case.user_id == user.pk:
        return True
    if me and me in (case.subject_person_id, case.applicant_person_id):
        return True
    option = others.get(case.subject_person_id)
    return option is not None and option.covers(case.service_slug)


def cases_of(*, user: Any, acting: Sequence[ActingOption] | None = None) -> list[Case]:
    """Every case ``user`` may see, newest first (``acting``: ``people_i_act_for(user)`` when
    the caller has it already). One query for the cases, besides finding the people."""
    if not _signed_in(user):
        return []
    me = person_id_for(user)
    others = _others(people_i_act_for(user) if acting is None else acting)
    wanted = Q(user_id=user.pk)
    if me:
        wanted |= Q(subject_person_id=me) | Q(applicant_person_id=me)
    if others:
        wanted |= Q(subject_person_id__in=list(others))
    deferred = [*LIST_DEFERRED, *(f"review_of__{name}" for name in LIST_DEFERRED)]
    found = Case.objects.filter(wanted).select_related("review_of").defer(*deferred)
    ordered = found.order_by("-submitted_at", "-created_at")
    # A delegation for other services matched the query but does not reach the case.
    return [case for case in ordered if _sees(case, user, me, others)]


def may_see_case(user: Any, case: Case) -> bool:
    """Whether ``user`` may see ``case`` as its person (or acting for them) today."""
    if not _signed_in(user):
        return False
    if case.user_id is not None and case.user_id == user.pk:
        return True
    me = person_id_for(user)
    if me and me in (case.subject_person_id, case.applicant_person_id):
        return True
    return _sees(case, user, None, _others(people_i_act_for(user)))


def _refused(user: Any, reference: str) -> Http404:
    with transaction.atomic():
        audit_record(
            actor=user if _signed_in(user) else None,
            action=CaseAction.CASE_ACCESS_REFUSED,
            subject_type=SUBJECT_TYPE,
            subject_id=str(reference)[:64] or "-",
            purpose="Refuse a case to someone it is not about",
        )
    return Http404("no such case")


def case_for_citizen(*, user: Any, reference: str) -> Case:
    """The case with ``reference`` if ``user`` may see it; else ``Http404`` (audited)."""
    found = Case.objects.filter(reference=str(reference)).select_related("review_of").first()
    if found is None or not may_see_case(user, found):
        raise _refused(user, reference)
    return found


def case_view_record(user: Any, case: Case) -> None:
    """A case read by someone acting for its person (a parent, a guardian, a delegate) goes on
    the audit log; the person's own reads and the applicant's do not."""
    if case.user_id is not None and case.user_id == user.pk:
        return
    me = person_id_for(user)
    if me and me in (case.subject_person_id, case.applicant_person_id):
        return
    with transaction.atomic():
        audit_record(
            actor=user,
            action=CaseAction.CASE_VIEWED,
            subject_type=SUBJECT_TYPE,
            subject_id=case.reference,
            purpose="See the case of a person I act for",
            payload={"person": case.subject_person_id},
        )


def case_timeline(case: Case) -> list[CaseEvent]:
    """The case's history as its person sees it: oldest first, without staff-only events."""
    events = case.events.exclude(kind__in=[str(kind) for kind in STAFF_ONLY_EVENTS])
    return list(events.order_by("created_at", "id"))


def case_open_request(case: Case) -> InformationRequest | None:
    """The request for information waiting for the person's answer, if any."""
    return case.information_requests.filter(answered_at__isnull=True).first()


def case_file_for_citizen(*, user: Any, reference: str, file_id: Any) -> CaseFile:
    """A file given with an answer on a case ``user`` may see; ``Http404`` otherwise."""
    case = case_for_citizen(user=user, reference=reference)
    found = CaseFile.objects.filter(request__case=case, pk=file_id).first()
    if found is None:
        raise Http404("no such file")
    return found


def case_service_title(case: Case, language: str | None = None) -> str:
    """The service's title: the catalogue's, else the one the pinned definition gives."""
    entry = catalogue_current().service(case.service_slug)
    if entry is not None:
        return pick(entry.title, language)
    compiled = definition_version_compiled(version_id=case.definition_version_id)
    return pick(compiled.model.title, language)


def case_agency_name(case: Case, language: str | None = None) -> str:
    """The name of the agency deciding the case (its slug if the catalogue does not know it)."""
    agency = catalogue_current().agency(case.agency_slug)
    return pick(agency.name, language) if agency is not None else case.agency_slug
