"""The demo services' definitions: the files in ``data/services/``, published as their owners would.

``load_demo_definitions()`` saves each file as a draft and publishes it, through the same services
the designer uses, so each publish is checked (compile and rules tests), audited and opens the
service in the catalogue. It acts as the agency's demo service owner when the agency has one
(``service.owner`` for immigration, from ``load_demo_staff``) and as the platform otherwise.

Loading is idempotent by text: a file whose exact text was published before (now or in an
earlier version) publishes nothing, so running the demo again changes nothing. A file that was
edited publishes a new version, but only over the loader's own work: a service is skipped, with a
warning, when someone has a draft open, or when the version in use is not one the loader
published from the demo file (a service owner published or rolled back in the designer). The
loader knows its versions by their change note, which names the file.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction
from django.db.models import Max

from onegate.core.yamltext import yaml_safe_load
from onegate.definitions.constants import RELEASED_STATES, VersionStatus
from onegate.definitions.language.model import ServiceDefinition
from onegate.definitions.models import DefinitionVersion
from onegate.definitions.services import definition_draft_save, definition_publish
from onegate.identity.constants import StaffRole
from onegate.identity.models import StaffMembership
from onegate.identity.permissions import StaffPermission, staff_can

DEMO_SERVICES_DIR = Path(__file__).resolve().parent / "data" / "services"
# What the version history says about a version loaded from the repository's file.
LOAD_NOTE = "Loaded from the demo service definition in the repository ({name})."


@dataclass(frozen=True)
class LoadedDefinition:
    """What loading one demo file did: the service, its version number, whether it is new, and
    why it was skipped (empty when it was not)."""

    service: str
    number: int | None
    published: bool
    skipped: str = ""


def demo_definition_files() -> list[Path]:
    """The demo definition files, in a stable order."""
    return sorted(DEMO_SERVICES_DIR.glob("*.yaml"))


def load_demo_definitions(
    *, directory: Path | None = None, warnings: TextIO | None = None
) -> list[LoadedDefinition]:
    """Publish every demo definition whose text has not been published yet; each service skipped
    is said on ``warnings`` (standard error by default)."""
    files = sorted((directory or DEMO_SERVICES_DIR).glob("*.yaml"))
    loaded = [demo_definition_load(path) for path in files]
    for item in loaded:
        if item.skipped:
            (warnings or sys.stderr).write(f"Warning: {item.service} not loaded: {item.skipped}\n")
    return loaded


def demo_definition_load(path: Path) -> LoadedDefinition:
    """Publish one definition file unless exactly this text was published before, or the service
    has work of someone else's that publishing would overwrite."""
    source = path.read_text(encoding="utf-8")
    service, agency = _service_and_agency(source)
    note = LOAD_NOTE.format(name=path.name)
    with transaction.atomic():
        earlier = _released_with_text(service, source)
        if earlier is not None:
            return LoadedDefinition(service=service, number=earlier.number, published=False)
        skipped = _someone_elses_work(service, note)
        if skipped:
            number = _current_number(service)
            return LoadedDefinition(service, number=number, published=False, skipped=skipped)
        actor = demo_publisher(agency)
        draft = definition_draft_save(actor=actor, source=source, note=note)
        version = definition_publish(actor=actor, version=draft, note=note)
    return LoadedDefinition(service=service, number=version.number, published=True)


def _current_number(service: str) -> int | None:
    published = DefinitionVersion.objects.filter(
        definition__slug=service, status=VersionStatus.PUBLISHED
    )
    return published.aggregate(last=Max("number"))["last"]


def _someone_elses_work(service: str, note: str) -> str:
    """Why publishing the file would overwrite someone's work (an open draft, or a version in use
    that the loader did not publish from this file); empty when it would not."""
    versions = DefinitionVersion.objects.filter(definition__slug=service)
    if versions.filter(status=VersionStatus.DRAFT).exists():
        return "a draft is open in the service designer; publish or discard it first."
    current = versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    if current is None:
        return ""
    loaded = versions.filter(status__in=RELEASED_STATES, change_note=note)
    if not loaded.filter(checksum=current.checksum).exists():
        return (
            f"version {current.number} in use was not loaded from the demo file; "
            "change it in the service designer."
        )
    return ""


def demo_publisher(agency_slug: str) -> Any:
    """A service owner of the agency who may publish (first by e-mail), or None: the platform."""
    memberships = (
        StaffMembership.objects.filter(
            role=StaffRole.SERVICE_OWNER, agency_slug=agency_slug, ended_at__isnull=True
        )
        .select_related("user")
        .order_by("user__email")
    )
    for membership in memberships:
        if staff_can(membership.user, StaffPermission.PUBLISH_DEFINITION, agency_slug=agency_slug):
            return membership.user
    return None


def _service_and_agency(source: str) -> tuple[str, str]:
    model = ServiceDefinition.model_validate(yaml_safe_load(source))
    return model.service, model.agency


def _released_with_text(service: str, source: str) -> DefinitionVersion | None:
    checksum = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return (
        DefinitionVersion.objects.filter(
            definition__slug=service, status__in=RELEASED_STATES, checksum=checksum
        )
        .order_by("-number")
        .first()
    )
