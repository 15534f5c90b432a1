"""Reads of applications, each checked against who asks: another person's application is a 404.

Who may see and fill in an application: the account it belongs to, the registry person applying
(once they have an account linked to them, for one a centre officer started for them), and,
while it is a draft (and for an hour after it is sent, to see the confirmation with the
person), the centre officer who is assisting with it. Anyone else gets ``Http404``
(never 403: whether an application exists is not told) and the refusal is on the audit log.

Access is checked as of today: someone filling in a draft for other people (a child, a ward, a
delegator) must still be allowed to act for each of them for this service (a delegation
revoked, a child come of age: the draft is closed to them); the officer assisting only on the
local day they started or last continued it at the counter with the person, and each of their
reads of the person's pages is on the audit log. A draft past its expiry is ``ApplicationExpired``
for its own people (the expiry job deletes it on its next round).
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
from onegate.definitions.language.model import FileField, GroupField
from onegate.definitions.selectors import definition_version_compiled, definitions_published
from onegate.identity.acting import ActingOption, Relationship, people_i_act_for
from onegate.identity.models import ServiceCentre
from onegate.identity.permissions import StaffPermission, staff_can, staff_centre_scope
from onegate.identity.selectors import person_id_for
from onegate.identity.selectors_acting import account_of
from onegate.registries.adapters import Answer, PersonRecord, registry
from onegate.registries.constants import IdentifierScheme
from onegate.registries.staff import staff_access
from onegate.runner.constants import ApplicationStatus
from onegate.runner.models import Application, Upload

__all__ = [
    "ApplicationExpired",
    "answers_checksum",
    "application_compiled",
    "application_draft_find",
    "application_for",
    "application_on_behalf_of",
    "applications_assisted_today",
    "applications_of",
    "assisted_person_find",
    "assisted_services",
    "centre_names",
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


class ApplicationExpired(Http404):
    """A draft past its ``expires_at`` that the expiry job has not deleted yet: its pages say it
    was deleted (views catch it; uncaught, it is a 404)."""


def _moment(text: Any) -> dt.datetime | None:
    try:
        found = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return found if timezone.is_aware(found) else None


def assisted_day(application: Application) -> dt.date | None:
    """The local day the officer last had the person at the counter with this application:
    when it was started there, or last continued there (``identity_check["continued_at"]``,
    set when the officer saves a page)."""
    if application.assisted_by_id is None:
        return None
    check = application.identity_check or {}
    moments = [_moment(check.get(key)) for key in ("continued_at", "assisted_at", "checked_at")]
    moments.append(application.created_at)
    known = [moment for moment in moments if moment is not None]
    return timezone.localdate(max(known)) if known else None


def _assisting_now(application: Application) -> bool:
    """An officer assists with a draft on the day they have the person at the counter (not
    later, when the person may have carried on at home); once it is sent, only long enough to
    see the confirmation with the person (and for "send" clicked twice to find it sent)."""
    if application.is_draft:
        return assisted_day(application) == timezone.localdate()
    sent_at = application.submitted_at
    return sent_at is not None and timezone.now() - sent_at <= ASSISTED_AFTER_SENDING


def _refused(user: Any, application_id: Any, *, reason: str = "") -> Http404:
    with transaction.atomic():
        audit_record(
            actor=user if _signed_in(user) else None,
            action=RunnerAction.ACCESS_REFUSED,
            subject_type=SUBJECT_TYPE,
            subject_id=str(application_id)[:64] or "-",
            purpose="Refuse an application to someone it does not belong to",
            payload={"reason": reason} if reason else None,
        )
    return Http404("no such application")


def _is_assisting(user: Any, application: Application) -> bool:
    return application.assisted_by_id is not None and application.assisted_by_id == user.pk


def _acting_options(user: Any, request: Any) -> list[ActingOption]:
    """``people_i_act_for(user)``, once per request: kept on the request under the attribute
    the acting header uses, so the page and the header ask the registry once between them."""
    if request is None or getattr(request, "user", None) is not user:
        return people_i_act_for(user)
    options: list[ActingOption] | None = getattr(request, "_onegate_acting_options", None)
    if options is None:
        options = people_i_act_for(user)
        request._onegate_acting_options = options
    return options


def _still_acting(user: Any, application: Application, request: Any) -> bool:
    """Whether the user may still act today, for this service, for every person a draft is
    for. Free (no query) for a draft only for the person applying themselves: ``may_fill_in``
    has checked that the user is its account or that person."""
    me = application.applicant_person_id
    others = [str(s["person_id"]) for s in application.subjects or [] if str(s["person_id"]) != me]
    if not others:
        return True
    by_id = {option.person_id: option for option in _acting_options(user, request)}
    return all(pid in by_id and by_id[pid].covers(application.service_slug) for pid in others)


def _reading(request: Any) -> bool:
    """Whether the request is a page read (GET or HEAD), not a write or a service's check."""
    return request is not None and request.method in ("GET", "HEAD")


def _past(moment: dt.datetime | None) -> bool:
    return moment is not None and moment <= timezone.now()


def _assisted_view(user: Any, application: Application, request: Any) -> None:
    """The officer assisting read the person's application: on the audit log, as acting for
    them. Only for reads (a GET); a write has its own record."""
    if not _reading(request):
        return
    with transaction.atomic():
        audit_record(
            actor=user,
            action=RunnerAction.ASSISTED_VIEWED,
            subject_type=SUBJECT_TYPE,
            subject_id=application.pk,
            purpose="See a person's application with them at a service centre",
            on_behalf_of=application.user,
            payload={"path": request.path[:200], "centre": str(application.assisted_centre_id)},
        )


def application_for(*, user: Any, application_id: Any, request: Any = None) -> Application:
    """The application, if ``user`` may fill it in or see it; else ``Http404`` (audited).

    ``request`` (the page's) lets the people the user acts for be read once per request, and
    marks the assisting officer's reads for the audit log. On a page read (GET with
    ``request``), a draft past its expiry raises ``ApplicationExpired`` (after the access
    check: nobody else learns it existed); writes meet the services' own "expired" refusal.
    """
    try:
        key = uuid.UUID(str(application_id))
    except ValueError:
        raise _refused(user, application_id) from None
    found = Application.objects.filter(pk=key).first()
    if found is None or not may_fill_in(user, found):
        raise _refused(user, key)
    officer = _is_assisting(user, found) and found.user_id != user.pk
    if found.is_draft and not officer and not _still_acting(user, found, request):
        raise _refused(user, key, reason="no longer acting")
    if _reading(request) and found.is_draft and _past(found.expires_at):
        raise ApplicationExpired("this application has expired")
    if officer:
        _assisted_view(user, found, request)
    return found


def application_on_behalf_of(application: Application, actor: Any) -> Any:
    """The account ``actor`` acts for on ``application``, for ``audit_record(on_behalf_of=)``:
    the person's, for the officer assisting; the one other person's when it is for one
    (several children: None, the payload names them); None when the actor acts for themselves
    or the person has no account."""
    if actor is not None and _is_assisting(actor, application):
        return application.user
    others = [s for s in application.subjects or [] if s.get("relationship") != Relationship.SELF]
    return account_of(others[0]["person_id"]) if len(others) == 1 else None


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


def centre_names(centre_ids: list[Any]) -> dict[str, dict[str, str]]:
    """The names ({"en", "th"}) of these service centres by id, in one query."""
    rows = ServiceCentre.objects.filter(pk__in=set(centre_ids)).values_list(
        "pk", "name_en", "name_th"
    )
    return {str(pk): {"en": en, "th": th or en} for pk, en, th in rows}


def applications_assisted_today(*, staff: Any) -> list[Application]:
    """The applications ``staff`` started or helped with today (local day), newest first."""
    if not _signed_in(staff):
        return []
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return list(
        Application.objects.filter(assisted_by=staff, created_at__gte=start).order_by("-created_at")
    )


def _ids_in(fields: Any, answers: Any, found: set[str]) -> None:
    """Add to ``found`` the ids of the files ``answers`` lists for the file questions among
    ``fields`` (inside each item of a group too)."""
    if not isinstance(answers, dict):
        return
    for one in fields:
        value = answers.get(one.id)
        if isinstance(one, FileField) and isinstance(value, list):
            found.update(
                str(item["id"]) for item in value if isinstance(item, dict) and "id" in item
            )
        elif isinstance(one, GroupField) and isinstance(value, list):
            for item in value:
                _ids_in(one.fields, item, found)


def upload_ids_referenced(compiled: CompiledDefinition, answers: dict[str, Any] | None) -> set[str]:
    """The ids of the files ``answers`` (an application's stored answers) lists, in every file
    question of ``compiled``'s pages and groups: the ``keep_ids`` of ``uploads_orphaned_delete``."""
    found: set[str] = set()
    for page in compiled.model.pages:
        _ids_in(page.fields, answers or {}, found)
    return found
