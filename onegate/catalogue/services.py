"""Writes to the catalogue: loading a data file, publishing a service, marking it as changed.

``catalogue_load`` is idempotent: entries are matched by slug, created when new, updated only
where a field differs, and left alone when equal, so loading the same file twice changes
nothing. Entries in the database but not in the file are kept (another file, the admin or a
published definition may own them). For services that have a published definition, the
definition owns title, summary, agency, level of assurance and status, so the file only sets
keywords, life events and the popular-services position.

``catalogue_service_publish`` is the one way a service goes live: publishing its service
definition creates or updates the entry from the definition and opens it. Services without a
definition stay catalogue-only, coming soon (the database refuses a live one).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import CatalogueAction
from onegate.audit.services import audit_record
from onegate.catalogue.constants import ServiceStatus
from onegate.catalogue.datafile import (
    AgencyRecord,
    CatalogueData,
    CatalogueDataError,
    LifeEventRecord,
    ServiceRecord,
    catalogue_data_parse,
    catalogue_data_read,
)
from onegate.catalogue.models import Agency, CatalogueRevision, LifeEvent, Service

__all__ = [
    "CatalogueDataError",
    "LoadCounts",
    "LoadReport",
    "catalogue_load",
    "catalogue_load_file",
    "catalogue_record_delete",
    "catalogue_record_save",
    "catalogue_revision_bump",
    "catalogue_service_publish",
]

ModelT = TypeVar("ModelT", bound=models.Model)
Actor = AbstractBaseUser | AnonymousUser | None


class _Record(Protocol):
    @property
    def slug(self) -> str: ...

    @property
    def where(self) -> str: ...


DEMO_CATALOGUE = Path(__file__).resolve().parent / "data" / "demo_catalogue.yaml"

# Fields a published service definition owns; the catalogue file does not overwrite them.
DEFINITION_OWNED_FIELDS = frozenset(
    {"title", "summary", "agency_id", "level_of_assurance", "status", "visit"}
)


# Set while a load runs: the per-row bumps the signals ask for become one bump at the end.
_bumps_deferred: ContextVar[list[bool] | None] = ContextVar(
    "catalogue_bumps_deferred", default=None
)


def catalogue_revision_bump() -> None:
    """Mark the catalogue as changed, so every process rebuilds its in-memory copy."""
    deferred = _bumps_deferred.get()
    if deferred is not None:
        deferred.append(True)
        return
    token = uuid.uuid4()
    updated = CatalogueRevision.objects.filter(id=CatalogueRevision.SINGLETON_ID).update(
        token=token
    )
    if not updated:
        CatalogueRevision.objects.update_or_create(
            id=CatalogueRevision.SINGLETON_ID, defaults={"token": token}
        )


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass
class LoadReport:
    """How many entries of each kind a load created, updated or left unchanged."""

    agencies: LoadCounts = field(default_factory=LoadCounts)
    life_events: LoadCounts = field(default_factory=LoadCounts)
    services: LoadCounts = field(default_factory=LoadCounts)

    def as_payload(self) -> dict[str, dict[str, int]]:
        return {
            kind: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
            for kind, c in (
                ("agencies", self.agencies),
                ("life_events", self.life_events),
                ("services", self.services),
            )
        }

    def lines(self) -> list[str]:
        return [
            f"{label}: {counts.created} created, {counts.updated} updated, "
            f"{counts.unchanged} unchanged"
            for label, counts in (
                ("agencies", self.agencies),
                ("life events", self.life_events),
                ("services", self.services),
            )
        ]


def catalogue_load_file(*, path: Path = DEMO_CATALOGUE, actor: Actor = None) -> LoadReport:
    """Load a YAML catalogue file; see ``catalogue_load``."""
    return _load(catalogue_data_read(path), actor=actor, source=path.name)


def catalogue_load(*, data: Mapping[str, Any], actor: Actor = None) -> LoadReport:
    """Create or update agencies, life events and services from a parsed catalogue document.

    All or nothing: any problem raises ``CatalogueDataError`` naming each entry and field, and
    nothing is written.
    """
    return _load(catalogue_data_parse(data), actor=actor, source="data")


@transaction.atomic
def _load(data: CatalogueData, *, actor: Actor, source: str) -> LoadReport:
    report = LoadReport()
    changes: list[bool] = []
    reset = _bumps_deferred.set(changes)
    try:
        agencies = _upsert_agencies(data.agencies, report.agencies)
        life_events = _upsert_life_events(data.life_events, report.life_events)
        _check_references(data.services, agencies, life_events)
        _upsert_services(data.services, agencies, life_events, report.services)
    finally:
        _bumps_deferred.reset(reset)
    if changes:
        catalogue_revision_bump()
        audit_record(
            actor=actor,
            action=CatalogueAction.LOADED,
            subject_type="catalogue",
            subject_id=source,
            purpose="load catalogue data",
            payload=report.as_payload(),
        )
    return report


@transaction.atomic
def catalogue_record_save(
    *, actor: Actor, record: Agency | LifeEvent | Service, changed_fields: list[str], save: Any
) -> None:
    """Save a catalogue record edited by staff (``save`` does the write, e.g. the admin form's)."""
    save()
    audit_record(
        actor=actor,
        action=CatalogueAction.RECORD_SAVED,
        subject_type=_subject_type(record),
        subject_id=record.pk,
        purpose="catalogue administration",
        payload={"slug": record.slug, "changed_fields": sorted(changed_fields)},
    )


UNKNOWN_AGENCY = _(
    "No agency has the slug “%(slug)s”. Add the agency to the catalogue before publishing "
    "the service."
)
OTHER_AGENCY = _(
    "The service “%(slug)s” belongs to the agency “%(owner)s”. Publishing cannot move it to "
    "“%(agency)s”."
)


@transaction.atomic
def catalogue_service_publish(
    *,
    actor: Actor,
    slug: str,
    title: Mapping[str, str],
    summary: Mapping[str, str],
    agency_slug: str,
    level_of_assurance: str,
    visit: Mapping[str, Any] | None = None,
) -> Service:
    """Open a service whose definition has just been published: create or update its entry.

    The definition is the source of truth for title, summary, agency and level of assurance, so
    they are copied from it, and so is the visit a service centre needs (``{"reason": …}``, or
    nothing when the definition books no appointment; ``None`` leaves it as it is); keywords,
    life events and the popular position stay the catalogue's. The service becomes live and
    ``has_definition`` is set, so catalogue files and the admin stop changing what the
    definition owns. Raises ``ValidationError``, writing nothing, when the agency is unknown,
    when the service belongs to another agency (publishing never moves a service: another
    agency's definition must not take it over), or when a value is invalid (a title without
    Thai, an unknown level).
    """
    agency = _agency_for_publishing(agency_slug)
    service = _service_for_publishing(slug, agency)
    created = service is None
    if service is None:
        service = Service(slug=slug)
    values = {
        "title": dict(title),
        "summary": dict(summary),
        "agency_id": agency.pk,
        "level_of_assurance": str(level_of_assurance),
        **({} if visit is None else {"visit": dict(visit)}),
        "has_definition": True,
        "status": ServiceStatus.LIVE,
    }
    changed = [name for name, value in values.items() if created or getattr(service, name) != value]
    for name in changed:
        setattr(service, name, values[name])
    service.full_clean()
    if changed:  # saving tells every process to refresh its catalogue (see ``signals``)
        service.save(update_fields=None if created else [*changed, "updated_at"])
    audit_record(
        actor=actor,
        action=CatalogueAction.RECORD_SAVED,
        subject_type=_subject_type(service),
        subject_id=service.pk,
        purpose="publish service definition",
        payload={
            "slug": slug,
            "created": created,
            "changed_fields": sorted(name.removesuffix("_id") for name in changed),
        },
    )
    return service


def _agency_for_publishing(slug: str) -> Agency:
    agency = Agency.objects.filter(slug=slug).first()
    if agency is None:
        problem = ValidationError(UNKNOWN_AGENCY, code="unknown_agency", params={"slug": slug})
        raise ValidationError({"agency": problem})
    return agency


def _service_for_publishing(slug: str, agency: Agency) -> Service | None:
    """The service ``slug``, locked, when there is one; refused when another agency has it."""
    service = Service.objects.select_for_update().filter(slug=slug).first()
    if service is not None and service.agency_id != agency.pk:
        params = {"slug": slug, "owner": service.agency.slug, "agency": agency.slug}
        problem = ValidationError(OTHER_AGENCY, code="other_agency", params=params)
        raise ValidationError({"agency": problem})
    return service


def _subject_type(record: models.Model) -> str:
    return f"catalogue.{type(record).__name__.lower()}"


@transaction.atomic
def catalogue_record_delete(*, actor: Actor, record: Agency | LifeEvent | Service) -> None:
    """Delete a catalogue record, recording who did it."""
    subject_id, slug = record.pk, record.slug
    record.delete()
    audit_record(
        actor=actor,
        action=CatalogueAction.RECORD_DELETED,
        subject_type=_subject_type(record),
        subject_id=subject_id,
        purpose="catalogue administration",
        payload={"slug": slug},
    )


def _upsert_agencies(records: tuple[AgencyRecord, ...], counts: LoadCounts) -> dict[str, Agency]:
    existing = {agency.slug: agency for agency in Agency.objects.all()}
    for record in records:
        values = {"name": record.name, "description": record.description, "website": record.website}
        agency, outcome = _upsert(Agency, existing.get(record.slug), record, values)
        existing[record.slug] = agency
        counts.add(outcome)
    return existing


def _upsert_life_events(
    records: tuple[LifeEventRecord, ...], counts: LoadCounts
) -> dict[str, LifeEvent]:
    existing = {event.slug: event for event in LifeEvent.objects.all()}
    for record in records:
        values = {"title": record.title, "summary": record.summary, "order": record.order}
        event, outcome = _upsert(LifeEvent, existing.get(record.slug), record, values)
        existing[record.slug] = event
        counts.add(outcome)
    return existing


def _check_references(
    records: tuple[ServiceRecord, ...],
    agencies: Mapping[str, Agency],
    life_events: Mapping[str, LifeEvent],
) -> None:
    problems = []
    for record in records:
        if record.agency not in agencies:
            problems.append(f"{record.where}: agency: no agency has the slug {record.agency!r}")
        for slug in record.life_events:
            if slug not in life_events:
                problems.append(f"{record.where}: life_events: no life event has the slug {slug!r}")
    if problems:
        raise CatalogueDataError(problems)


def _upsert_services(
    records: tuple[ServiceRecord, ...],
    agencies: Mapping[str, Agency],
    life_events: Mapping[str, LifeEvent],
    counts: LoadCounts,
) -> None:
    existing = {
        service.slug: service for service in Service.objects.prefetch_related("life_events")
    }
    for record in records:
        current = existing.get(record.slug)
        owned = current is not None and current.has_definition
        values = _service_values(record, agencies, owned_by_definition=owned)
        service, outcome = _upsert(Service, current, record, values)
        wanted = {life_events[slug].pk for slug in record.life_events}
        if _set_life_events(service, wanted, created=outcome == CREATED) and outcome == UNCHANGED:
            outcome = UPDATED
        counts.add(outcome)


def _service_values(
    record: ServiceRecord, agencies: Mapping[str, Agency], *, owned_by_definition: bool
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": record.title,
        "summary": record.summary,
        "keywords": record.keywords,
        "agency_id": agencies[record.agency].pk,
        "level_of_assurance": record.level_of_assurance,
        "status": record.status,
        "popular_rank": record.popular_rank,
        "visit": record.visit,
    }
    if owned_by_definition:
        values = {
            name: value for name, value in values.items() if name not in DEFINITION_OWNED_FIELDS
        }
    return values


def _set_life_events(service: Service, wanted: set[Any], *, created: bool) -> bool:
    current = set() if created else {event.pk for event in service.life_events.all()}
    if current == wanted:
        return False
    service.life_events.set(wanted)
    return True


def _upsert(
    model: type[ModelT], instance: ModelT | None, record: _Record, values: dict[str, Any]
) -> tuple[ModelT, str]:
    """Create the entry or change the fields that differ; say which happened."""
    if instance is None:
        instance = model(slug=record.slug, **values)
        _save(instance, record.where, update_fields=None)
        return instance, CREATED
    differing = [name for name, value in values.items() if getattr(instance, name) != value]
    if not differing:
        return instance, UNCHANGED
    for name in differing:
        setattr(instance, name, values[name])
    _save(instance, record.where, update_fields=[*differing, "updated_at"])
    return instance, UPDATED


def _save(instance: models.Model, where: str, *, update_fields: list[str] | None) -> None:
    # Slugs are unique within the file and matched against the database, and the agency was
    # looked up by slug, so the checks that would each cost a query are skipped.
    try:
        instance.full_clean(exclude=["agency"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise CatalogueDataError(
            [
                f"{where}: {name}: {message}"
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        ) from exc
    instance.save(update_fields=update_fields)
