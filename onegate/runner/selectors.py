"""Reads of applications, each checked against who asks: another person's application is a 404.

Who may see and fill in an application: the account it belongs to, the registry person applying
(once they have an account linked to them, for one a centre officer started for them), and,
while it is a draft (and for an hour after it is sent, to see the confirmation with the
person), the centre officer who is assisting with it. Anyone else gets ``Http404``
(never 403: whether an application exists is not told) and the refusal is on the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from onegate.audit.constants import RunnerAction
from onegate.audit.services import audit_record
from onegate.definitions.language import CompiledDefinition
from onegate.definitions.selectors import definition_version_compiled, definitions_published
from onegate.identity.models import ServiceCentre
from onegate.identity.permissions import StaffPermission, staff_can, staff_centre_scope
from onegate.identity.selectors import person_id_for
from onegate.registries.adapters import Answer, PersonRecord, registry
from onegate.registries.constants import IdentifierScheme
from onegate.registries.staff import staff_access
from onegate.runner.constants import ApplicationStatus
from onegate.runner.models import Application, Upload

__all__ = [
    "answers_checksum",
    "application_compiled",
    "application_draft_find",
    "application_for",
    "applications_assisted_today",
    "applications_of",
    "assisted_person_find",
    "assisted_services",
    "may_fill_in",
    "upload_for",
]

SUBJECT_TYPE = "runner.application"
# How long after sending the officer who assisted still sees the application (its confirmation).
ASSISTED_AFTER_SENDING = dt.timedelta(hours=1)


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def may_fill_in(user: Any, application: Application, *, person_id: str | None = None) -> bool:
    """Whether ``user`` may see and fill in ``application`` (``person_id``: the user's registry
    person, when the caller already knows it)."""
    if not _signed_in(user):
        return False
    if application.user_id is not None and application.user_id == user.pk:
        return True
    me = person_id if person_id is not None else person_id_for(user)
    if me and str(me) == application.applicant_person_id:
        return True
    return bool(
        application.assisted_by_id == user.pk
        and _assisting_now(application)
        and staff_can(
            user, StaffPermission.ASSIST_APPLICANT, centre_id=application.assisted_centre_id
        )
    )


def _assisting_now(application: Application) -> bool:
    """An officer assists with a draft; once it is sent, only long enough to see the
    confirmation with the person (and for "send" clicked twice to find it sent)."""
    if application.is_draft:
        return True
    sent_at = application.submitted_at
    return sent_at is not None and timezone.now() - sent_at <= ASSISTED_AFTER_SENDING


def _refused(user: Any, application_id: Any) -> Http404:
    with transaction.atomic():
        audit_record(
            actor=user if _signed_in(user) else None,
            action=RunnerAction.ACCESS_REFUSED,
            subject_type=SUBJECT_TYPE,
            subject_id=str(application_id)[:64] or "-",
            purpose="Refuse an application to someone it does not belong to",
        )
    return Http404("no such application")


def application_for(*, user: Any, application_id: Any, request: Any = None) -> Application:
    """The application, if ``user`` may fill it in or see it; else ``Http404`` (audited)."""
    try:
        key = uuid.UUID(str(application_id))
    except ValueError:
        raise _refused(user, application_id) from None
    found = Application.objects.filter(pk=key).first()
    if found is None or not may_fill_in(user, found):
        raise _refused(user, key)
    return found


def _live_drafts() -> Q:
    return Q(status=ApplicationStatus.DRAFT, expires_at__gt=timezone.now())


def application_draft_find(
    *, user: Any, service_slug: str, person_ids: list[str]
) -> Application | None:
    """The newest unexpired draft of this service by ``user`` for exactly these people."""
    if not _signed_in(user):
        return None
    wanted = sorted(str(pid) for pid in person_ids)
    drafts = Application.objects.filter(_live_drafts(), user=user, service_slug=service_slug)
    for draft in drafts.order_by("-created_at"):
        if sorted(str(s["person_id"]) for s in draft.subjects) == wanted:
            return draft
    return None


def applications_of(*, user: Any) -> list[Application]:
    """The person's unexpired drafts and sent applications, newest first: those of their
    account, and those where they are the person applying (started for them at a centre)."""
    if not _signed_in(user):
        return []
    mine = Q(user=user)
    me = person_id_for(user)
    if me:
        mine |= Q(applicant_person_id=str(me))
    alive = _live_drafts() | Q(status=ApplicationStatus.SUBMITTED)
    return list(Application.objects.filter(mine, alive).order_by("-created_at"))


def application_compiled(application: Application) -> CompiledDefinition:
    """The compiled definition the application is pinned to (cached)."""
    return definition_version_compiled(version_id=application.definition_version_id)


def upload_for(*, user: Any, application_id: Any, upload_id: Any) -> Upload:
    """A file of an application ``user`` may see; ``Http404`` otherwise."""
    application = application_for(user=user, application_id=application_id)
    try:
        key = uuid.UUID(str(upload_id))
    except ValueError:
        raise Http404("no such file") from None
    found = Upload.objects.filter(application=application, pk=key).first()
    if found is None:
        raise Http404("no such file")
    return found


def answers_checksum(application: Application) -> str:
    """SHA-256 of the canonical JSON of the answers and the people the application is for:
    what "check your answers" showed, so a submission of anything else is refused."""
    document = {"answers": application.answers or {}, "subjects": application.subjects or []}
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- assisted digital: centre officers ------------------------------------------------------


def _centre_agency(centre_id: str) -> str:
    agency = ServiceCentre.objects.filter(pk=centre_id).values_list("agency_slug", flat=True)
    return agency.first() or ""


def assisted_person_find(
    *, staff: Any, centre_id: str, national_id: str
) -> Answer[PersonRecord] | None:
    """The registry person with this national ID number, for a centre officer who has them at
    the counter; the read is on the person's access log ("checking a person's identity at a
    service centre"). None when nobody has it, and for an officer who may not assist at the
    centre (nothing is read then)."""
    if str(centre_id) not in staff_centre_scope(staff, StaffPermission.ASSIST_APPLICANT):
        return None
    access = staff_access(
        user=staff, organisation=_centre_agency(str(centre_id)), purpose_code="identity-check"
    )
    return registry().person_find(
        scheme=IdentifierScheme.NATIONAL_ID, value=national_id, access=access
    )


def assisted_services() -> list[tuple[str, CompiledDefinition]]:
    """The published services a person can apply to for themselves (slug, definition), the
    ones an officer may start with them at the counter."""
    return [(one.slug, one.compiled) for one in definitions_published() if one.applicants.self]


def applications_assisted_today(*, staff: Any) -> list[Application]:
    """The applications ``staff`` started or helped with today (local day), newest first."""
    if not _signed_in(staff):
        return []
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return list(
        Application.objects.filter(assisted_by=staff, created_at__gte=start).order_by("-created_at")
    )
