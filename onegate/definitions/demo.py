"""The demo services' definitions: the files in ``data/services/``, published as their owners would.

``load_demo_definitions()`` saves each file as a draft and publishes it, through the same services
the designer uses, so each publish is checked (compile and rules tests), audited and opens the
service in the catalogue. It acts as the agency's demo service owner when the agency has one
(``service.owner`` for immigration, from ``load_demo_staff``) and as the platform otherwise.

Loading is idempotent by text: a file whose exact text was published before (now or in an
earlier version) publishes nothing, so running the demo again changes nothing, and a newer
version a service owner published in the designer is not undone by the next ``make run``. A file
that was edited publishes a new version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from onegate.definitions.constants import RELEASED_STATES
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
    """What loading one demo file did: the service, its version number, whether it is new."""

    service: str
    number: int | None
    published: bool


def demo_definition_files() -> list[Path]:
    """The demo definition files, in a stable order."""
    return sorted(DEMO_SERVICES_DIR.glob("*.yaml"))


def load_demo_definitions(*, directory: Path | None = None) -> list[LoadedDefinition]:
    """Publish every demo definition whose text has not been published yet."""
    files = sorted((directory or DEMO_SERVICES_DIR).glob("*.yaml"))
    return [demo_definition_load(path) for path in files]


def demo_definition_load(path: Path) -> LoadedDefinition:
    """Publish one definition file unless exactly this text was published before."""
    source = path.read_text(encoding="utf-8")
    service, agency = _service_and_agency(source)
    earlier = _released_with_text(service, source)
    if earlier is not None:
        return LoadedDefinition(service=service, number=earlier.number, published=False)
    actor = demo_publisher(agency)
    note = LOAD_NOTE.format(name=path.name)
    with transaction.atomic():
        draft = definition_draft_save(actor=actor, source=source, note=note)
        version = definition_publish(actor=actor, version=draft, note=note)
    return LoadedDefinition(service=service, number=version.number, published=True)


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
    model = ServiceDefinition.model_validate(yaml.safe_load(source))
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
