"""Starting an application, and the runner's writes as one public face.

``application_start`` pins the service's published version, checks who applies for whom (the
definition's ``applicants``, and that the actor may act for each person for this service today;
a centre officer: their permission at the centre and the identity check made), reads the facts
the service names for each person (on their access log) and creates the draft. The other writes
live beside it (``drafts``, ``submission``, ``expiry``) and are re-exported here, so
``services.applications`` is the one place to import them from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from onegate.audit.constants import RunnerAction
from onegate.audit.services import audit_record
from onegate.core.languages import pick
from onegate.definitions.language import CompiledDefinition, age_on
from onegate.definitions.selectors import definition_published_version
from onegate.identity.acting import ActingOption, Relationship, acting_option
from onegate.identity.models import ServiceCentre
from onegate.identity.permissions import StaffPermission, staff_can
from onegate.identity.selectors import person_id_for
from onegate.identity.selectors_acting import account_of
from onegate.registries.adapters import AccessContext, registry
from onegate.runner.codec import value_decode
from onegate.runner.constants import ApplicationChannel, ApplicationStatus
from onegate.runner.constants import AppliesAs as Kind
from onegate.runner.facts import facts_read
from onegate.runner.models import Application
from onegate.runner.selectors import (
    SUBJECT_TYPE,
    answers_checksum,
    application_draft_find,
    application_on_behalf_of,
)

# The draft's own services and the shared checks (package-private helpers of the services).
from onegate.runner.services.drafts import (
    ApplicationRefused,
    _acting_reads,
    _facts_audit,
    _refuse,
    _staff_reads,
    application_delete,
    application_facts_refresh,
    application_page_save,
    application_subject_remove,
)
from onegate.runner.services.expiry import draft_reminders_send, drafts_expire
from onegate.runner.services.submission import application_submit
from onegate.runner.signals import journey_event

if TYPE_CHECKING:
    from onegate.runner.services.assisted import AssistedStart

__all__ = [
    "ApplicationRefused",
    "answers_checksum",
    "application_delete",
    "application_facts_refresh",
    "application_page_save",
    "application_start",
    "application_subject_remove",
    "application_submit",
    "draft_reminders_send",
    "drafts_expire",
]

# --- who applies, for whom --------------------------------------------------------------------

# The applicant kinds of a definition's ``applicants``, by how someone stands to the person.
_KIND_OF = {
    Relationship.SELF: Kind.SELF,
    Relationship.CHILD: Kind.CHILD,
    Relationship.WARD: Kind.CHILD,  # a guardian applies as a parent does
    Relationship.DELEGATION: Kind.DELEGATION,
}


def _kind(applies_as: str) -> str:
    return Kind.CHILD if applies_as == Kind.WARD else applies_as


def _applicants_allow(compiled: CompiledDefinition, kind: str, count: int) -> bool:
    allowed = compiled.model.applicants
    if kind == Kind.SELF:
        return allowed.self and count == 1
    if kind == Kind.CHILD:
        return allowed.child and (count == 1 or allowed.several_children)
    return kind == Kind.DELEGATION and allowed.delegated and count == 1


def _options_checked(
    actor: Any, service_slug: str, subjects: list[ActingOption], applies_as: str
) -> list[ActingOption]:
    """The actor's own options for these people (not the ones given), or ``not_allowed``."""
    checked = []
    for given in subjects:
        option = acting_option(actor, given.person_id)
        if option is None or not option.covers(service_slug):
            raise _refuse("not_allowed")
        if _KIND_OF[option.relationship] != _kind(applies_as):
            raise _refuse("not_allowed")
        checked.append(option)
    return checked


def _subject(option: ActingOption) -> dict[str, Any]:
    return {
        "person_id": option.person_id,
        "names": dict(option.names),
        "relationship": option.relationship,
    }


def _date_of_birth(
    compiled: CompiledDefinition, facts: dict[str, Any], subject: dict, access: AccessContext
) -> dt.date | None:
    """The person's date of birth: from the facts just read when the service reads it, else
    from the register (one more read, on their log)."""
    for alias, fact in compiled.model.facts.items():
        if fact == "person.date_of_birth":
            value = value_decode(facts.get(subject["person_id"], {}).get(alias, {}).get("value"))
            return value if isinstance(value, dt.date) else None
    found = registry().person_get(person_id=subject["person_id"], access=access)
    return found.value.date_of_birth if found else None


def _too_old(
    compiled: CompiledDefinition,
    subjects: list[dict],
    facts: dict[str, Any],
    access_for: Callable[[dict], AccessContext],
) -> dict | None:
    """The first child older than the service's ``child_max_age``, if any (the limit is about
    children and wards applied for: a person applying for themselves or a delegator is not one)."""
    oldest = compiled.model.applicants.child_max_age
    if oldest is None:
        return None
    today = timezone.localdate()
    for subject in subjects:
        if subject.get("relationship") not in (Relationship.CHILD, Relationship.WARD):
            continue
        born = _date_of_birth(compiled, facts, subject, access_for(subject))
        if born is not None and age_on(born, today) > oldest:  # unknown: eligibility decides
            return subject
    return None


# --- start ------------------------------------------------------------------------------------


def _draft_audits(
    actor: Any, application: Application, compiled: CompiledDefinition, version_id: Any
) -> None:
    people = [s["person_id"] for s in application.subjects]
    audit_record(
        actor=actor,
        action=RunnerAction.DRAFT_STARTED,
        subject_type=SUBJECT_TYPE,
        subject_id=application.pk,
        purpose="Start an application",
        on_behalf_of=application_on_behalf_of(application, actor),
        payload={
            "service": application.service_slug,
            "version": str(version_id),
            "applies_as": application.applies_as,
            "people": people,
            "assisted": application.assisted_by_id is not None,
        },
    )
    if application.assisted_by_id is not None:
        audit_record(
            actor=actor,
            action=RunnerAction.ASSISTED_STARTED,
            subject_type=SUBJECT_TYPE,
            subject_id=application.pk,
            purpose="Start an application with a person at a service centre",
            on_behalf_of=application.user,
            payload={
                "centre": str(application.assisted_centre_id),
                "service": application.service_slug,
                "person": application.applicant_person_id,
                "document": (application.identity_check or {}).get("document", ""),
                "channel": application.channel,
            },
        )
    _facts_audit(actor, application, compiled)


def _refused_acting(actor: Any, service_slug: str, code: str, people: Iterable[str]) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=RunnerAction.ACCESS_REFUSED,
            subject_type="registries.person",
            subject_id=",".join(people)[:64] or "-",
            purpose="Refuse an application for someone the actor may not apply for",
            payload={"service": service_slug, "refusal": code},
        )


def application_start(
    *,
    actor: Any,
    service_slug: str,
    subjects: list[ActingOption],
    applies_as: str,
    language: str,
    request: Any = None,
    assisted: AssistedStart | None = None,
) -> Application:
    """Begin an application to the service's published version for these people.

    Checks that the definition takes this kind of applicant (for themselves, a child or several,
    a delegator) and that the actor may act for each person for this service today (a centre
    officer: their permission at the centre, with the identity check done). Reads the facts
    the service names for each person, on their access log.
    """
    found = definition_published_version(slug=service_slug)
    if found is None:
        raise _refuse("not_published")
    version_id, compiled = found
    people = [option.person_id for option in subjects]
    kind = _kind(applies_as)
    if applies_as not in Kind.values or not subjects or len(set(people)) != len(people):
        raise _refuse("not_allowed")
    if not _applicants_allow(compiled, kind, len(subjects)):
        _refused_acting(actor, service_slug, "not_allowed", people)
        raise _refuse("not_allowed")
    if assisted is None:
        try:
            options = _options_checked(actor, service_slug, subjects, applies_as)
        except ApplicationRefused:
            _refused_acting(actor, service_slug, "not_allowed", people)
            raise
        applicant = person_id_for(actor)
        reads = _acting_reads(actor, compiled)
    else:
        options, applicant, reads = _assisted_checked(assisted, subjects, applies_as, service_slug)
    rows = [_subject(option) for option in options]
    # The registry reads come first, outside the transaction: no lock is held while the
    # register answers (it may be remote and slow).
    facts = facts_read(compiled=compiled, subjects=rows, access_for=reads)
    too_old = _too_old(compiled, rows, facts, reads)
    if too_old is not None:
        _refused_acting(actor, service_slug, "too_old", [too_old["person_id"]])
        raise _refuse("too_old", name=pick(too_old["names"]))
    with transaction.atomic():
        # One start at a time per actor: a second tab or a double click waits here, then
        # finds the draft the first one made and carries on with it.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        existing = _draft_again(actor, service_slug, people, assisted)
        if existing is not None:
            return existing
        return _draft_create(
            actor=actor,
            compiled=compiled,
            version_id=version_id,
            applicant=str(applicant),
            applies_as=applies_as,
            subjects=rows,
            facts=facts,
            language=language,
            assisted=assisted,
        )


def _draft_again(
    actor: Any, service_slug: str, people: list[str], assisted: AssistedStart | None
) -> Application | None:
    """The unexpired draft this start would duplicate: the actor's for the same service and
    people; for an officer, the one they started with the same person today."""
    if assisted is None:
        return application_draft_find(user=actor, service_slug=service_slug, person_ids=people)
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        Application.objects.filter(
            status=ApplicationStatus.DRAFT,
            expires_at__gt=timezone.now(),
            service_slug=service_slug,
            assisted_by=assisted.staff,
            applicant_person_id=people[0],
            created_at__gte=today,
        )
        .order_by("-created_at")
        .first()
    )


def _assisted_checked(
    assisted: AssistedStart, subjects: list[ActingOption], applies_as: str, service_slug: str
) -> tuple[list[ActingOption], str, Callable[[dict], Any]]:
    """A centre officer applies with the person present: for themselves only, at a centre the
    officer may assist at, after checking the person's identity."""
    allowed = staff_can(
        assisted.staff, StaffPermission.ASSIST_APPLICANT, centre_id=assisted.centre_id
    )
    centre = ServiceCentre.objects.filter(pk=assisted.centre_id, is_active=True).first()
    one_self = len(subjects) == 1 and subjects[0].relationship == Relationship.SELF
    if not (allowed and centre and one_self and applies_as == Kind.SELF):
        raise _refuse("not_allowed")
    if not assisted.identity_check.get("document"):
        raise _refuse("not_allowed")
    person = subjects[0]
    return (
        [person],
        person.person_id,
        _staff_reads(assisted.staff, centre.agency_slug, service_slug),
    )


def _draft_create(
    *,
    actor: Any,
    compiled: CompiledDefinition,
    version_id: Any,
    applicant: str,
    applies_as: str,
    subjects: list[dict],
    facts: dict,
    language: str,
    assisted: AssistedStart | None,
) -> Application:
    now = timezone.now()
    application = Application.objects.create(
        status=ApplicationStatus.DRAFT,
        service_slug=compiled.model.service,
        agency_slug=compiled.model.agency,
        definition_version_id=version_id,
        user=account_of(applicant) if assisted else actor,
        applicant_person_id=applicant,
        applies_as=applies_as,
        subjects=subjects,
        facts=facts,
        facts_read_at=now,
        language=language,
        expires_at=now + dt.timedelta(days=compiled.model.retention.draft_days),
        assisted_by=assisted.staff if assisted else None,
        assisted_centre_id=assisted.centre_id if assisted else None,
        identity_check=dict(assisted.identity_check) if assisted else {},
        channel=assisted.channel if assisted else ApplicationChannel.ONLINE,
    )
    _draft_audits(actor, application, compiled, version_id)
    journey_event.send(sender=Application, application=application, kind="started", page_id="")
    return application
