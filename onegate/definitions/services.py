"""Writes to service definitions: save the draft, publish it, roll back, retire a version.

Every write locks the ``Definition`` row first (``select_for_update``), so two service owners
publishing at the same moment queue, and the second sees what the first did: version numbers are
never given twice and a publish that is sent twice publishes once. Each write checks the actor's
agency-scoped permission again (the views check it too), writes its audit record in the same
transaction, and writes nothing at all when it refuses.

A new definition may only be made by the agency the catalogue already lists the service under,
so no agency takes over another's service by naming it in a file. Publishing compiles the text
once and runs its rules tests: any problem raises ``DefinitionInvalid`` and nothing is written;
the publisher names the text they reviewed (its checksum), so a draft saved by someone else
meanwhile is never published unseen. A published version then opens the service in the
catalogue (``catalogue_service_publish``), the definition being the source of truth for its
title, summary, agency and level of assurance. The next request in every web process sees the
new version, because ``selectors.definition_published_current`` reads the current version from
the database on each call.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate.audit.constants import DefinitionAction
from onegate.audit.services import audit_record
from onegate.catalogue.selectors import catalogue_service_agency
from onegate.catalogue.services import catalogue_service_publish
from onegate.definitions.constants import (
    MAX_NOTE_CHARS,
    RELEASED_STATES,
    VersionStatus,
)
from onegate.definitions.language import (
    CompiledDefinition,
    DefinitionInvalid,
    Problem,
    definition_compile,
)
from onegate.definitions.language.source import source_read
from onegate.definitions.models import Definition, DefinitionVersion
from onegate.definitions.selectors import (
    definition_current_version,
    definition_publish_problems,
    definition_version_compiled,
)
from onegate.identity.permissions import StaffPermission, staff_can

__all__ = [
    "DefinitionRefused",
    "definition_draft_save",
    "definition_publish",
    "definition_retire",
    "definition_rollback",
]

EDIT, PUBLISH = StaffPermission.EDIT_SERVICE, StaffPermission.PUBLISH_DEFINITION
PURPOSE = "service design"


class DefinitionRefused(Exception):
    """A change the version's state or the actor's role does not allow; ``message`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _checksum(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


@transaction.atomic
def definition_draft_save(
    *,
    actor: Any,
    source: str,
    note: str = "",
    agency_slug: str | None = None,
    service_slug: str | None = None,
) -> DefinitionVersion:
    """Save ``source`` as the draft of the service it names, creating the definition if new.

    The text must compile (else ``DefinitionInvalid`` with every problem); a draft whose rules
    tests fail is saved, and publishing refuses it. ``agency_slug`` / ``service_slug``, when given,
    are what the file must say (the designer page it was typed on).
    """
    compiled = definition_compile(source)  # the language refuses a file that is too long
    model = compiled.model
    _require_file_matches(source, model.service, model.agency, agency_slug, service_slug)
    _require(actor, EDIT, model.agency, source)
    definition, created = _definition_locked(source, model.service, model.agency)
    if definition.agency_slug != model.agency:
        raise DefinitionInvalid([_agency_problem(source, model.agency, definition.agency_slug)])
    draft = definition.versions.select_for_update().filter(status=VersionStatus.DRAFT).first()
    if draft is not None and draft.source == source and draft.change_note == note.strip():
        return draft  # the same text sent again: nothing changed, nothing to record
    draft = _draft_write(actor, definition, draft, source, note)
    _audit(actor, DefinitionAction.DRAFT_SAVED, draft, definition_created=created)
    return draft


def _draft_write(
    actor: Any,
    definition: Definition,
    draft: DefinitionVersion | None,
    source: str,
    note: str,
) -> DefinitionVersion:
    if draft is None:
        draft = DefinitionVersion(
            definition=definition,
            created_by=_user(actor),
            based_on=definition_current_version(definition=definition),
        )
    draft.source, draft.checksum = source, _checksum(source)
    draft.change_note = note.strip()[:MAX_NOTE_CHARS]
    draft.updated_by = _user(actor)
    draft.save()
    return draft


@transaction.atomic
def definition_publish(
    *,
    actor: Any,
    version: DefinitionVersion,
    note: str,
    expected_checksum: str | None = None,
) -> DefinitionVersion:
    """Publish the draft ``version`` as the newest version, and open the service in the catalogue.

    ``expected_checksum`` is the checksum of the text the publisher reviewed (the confirmation
    page's): when the draft has changed since, nothing is published. Publishing the same draft
    again (a retried request) returns the version it became.
    """
    definition = _lock(version.definition_id)
    _require(actor, PUBLISH, definition.agency_slug)
    version = DefinitionVersion.objects.select_for_update().get(pk=version.pk)
    if expected_checksum is not None and version.checksum != expected_checksum:
        raise DefinitionRefused(
            "draft_changed",
            _(
                "The draft has changed since you looked at it: someone saved it again. "
                "Review it again, then publish."
            ),
        )
    if version.status in RELEASED_STATES:
        return version
    note = _required_note(note)
    compiled = _checked(version.source)
    _release(actor, definition, version, note)
    _catalogue_publish(actor, compiled)
    _audit(actor, DefinitionAction.VERSION_PUBLISHED, version)
    return version


@transaction.atomic
def definition_rollback(
    *, actor: Any, definition: Definition, to_number: int, note: str
) -> DefinitionVersion:
    """Publish the text of version ``to_number`` again, as a new newest version based on it.

    When the version in use already has that text (it is that version, or the rollback was sent
    twice), it is returned and nothing is written.
    """
    definition = _lock(definition.pk)
    _require(actor, PUBLISH, definition.agency_slug)
    earlier = definition.versions.filter(number=to_number).first()
    if earlier is None:
        raise DefinitionRefused(
            "no_such_version", _("There is no version %(number)s.") % {"number": to_number}
        )
    current = definition_current_version(definition=definition)
    if current is not None and current.checksum == earlier.checksum:
        return current
    note = _required_note(note)
    compiled = _passing(definition_version_compiled(version_id=earlier.pk))
    version = DefinitionVersion(
        definition=definition,
        source=earlier.source,
        checksum=earlier.checksum,
        based_on=earlier,
        created_by=_user(actor),
        updated_by=_user(actor),
    )
    _release(actor, definition, version, note)
    _catalogue_publish(actor, compiled)
    _audit(actor, DefinitionAction.VERSION_ROLLED_BACK, version, rolled_back_to=to_number)
    return version


@transaction.atomic
def definition_retire(*, actor: Any, version: DefinitionVersion, note: str) -> DefinitionVersion:
    """Stop new applications starting on a published version; those pinned to it still finish.

    When it was the newest published version, the newest one left becomes current (and the
    catalogue entry follows it). The last published version cannot be retired: the service would
    be live with nothing to fill in.
    """
    definition = _lock(version.definition_id)
    _require(actor, PUBLISH, definition.agency_slug)
    version = DefinitionVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.PUBLISHED:
        raise DefinitionRefused("not_published", _("Only a published version can be retired."))
    note = _required_note(note)
    was_current = definition_current_version(definition=definition)
    others = definition.versions.filter(status=VersionStatus.PUBLISHED).exclude(pk=version.pk)
    if not others.exists():
        raise DefinitionRefused(
            "last_published",
            _(
                "This is the only published version, so people would have nothing to apply on. "
                "Publish or roll back to another version first."
            ),
        )
    version.status = VersionStatus.RETIRED
    version.retired_at, version.retired_by, version.retire_note = timezone.now(), _user(actor), note
    version.save(update_fields=["status", "retired_at", "retired_by", "retire_note"])
    new_current = definition_current_version(definition=definition)
    if was_current is not None and new_current is not None and was_current.pk == version.pk:
        _catalogue_publish(actor, definition_version_compiled(version_id=new_current.pk))
    _audit(actor, DefinitionAction.VERSION_RETIRED, version, retire_note=note)
    return version


# --- the steps -------------------------------------------------------------------------------


def _checked(source: str) -> CompiledDefinition:
    """The compiled definition when it is publishable; ``DefinitionInvalid`` with every problem."""
    return _passing(definition_compile(source))


def _passing(compiled: CompiledDefinition) -> CompiledDefinition:
    """``compiled`` when its rules tests pass; else ``DefinitionInvalid`` naming each failure."""
    problems = definition_publish_problems(compiled=compiled)
    if problems:
        raise DefinitionInvalid(problems)
    return compiled


def _release(actor: Any, definition: Definition, version: DefinitionVersion, note: str) -> None:
    """Number and publish ``version``; the caller holds the definition's lock."""
    last = definition.versions.aggregate(last=Max("number"))["last"] or 0
    version.number = last + 1
    version.status = VersionStatus.PUBLISHED
    version.change_note = note
    version.published_at, version.published_by = timezone.now(), _user(actor)
    version.updated_by = _user(actor)
    version.save()
    Definition.objects.filter(pk=definition.pk).update(updated_at=timezone.now())


def _catalogue_publish(actor: Any, compiled: CompiledDefinition) -> None:
    model = compiled.model
    try:
        catalogue_service_publish(
            actor=actor,
            slug=model.service,
            title=model.title,
            summary=model.summary,
            agency_slug=model.agency,
            level_of_assurance=str(model.level_of_assurance),
            visit={"reason": dict(model.appointment.reason)} if model.appointment else {},
        )
    except ValidationError as error:
        message = " ".join(error.messages)
        raise DefinitionInvalid(
            [Problem(where="agency", line=None, code="catalogue", message=message)]
        ) from error


def _lock(definition_id: Any) -> Definition:
    return Definition.objects.select_for_update().get(pk=definition_id)


def _definition_locked(source: str, slug: str, agency_slug: str) -> tuple[Definition, bool]:
    """The definition of ``slug``, locked; made first when the service is new to the designer.

    A service the catalogue lists already gets a definition only from its own agency.
    """
    found = Definition.objects.select_for_update().filter(slug=slug).first()
    if found is not None:
        return found, False
    owner = catalogue_service_agency(slug=slug)
    if owner is not None and owner != agency_slug:
        raise DefinitionInvalid([_agency_problem(source, agency_slug, owner)])
    # A unique slug: two first saves at once make one row; the loser's insert fails and retries.
    definition, created = Definition.objects.get_or_create(
        slug=slug, defaults={"agency_slug": agency_slug}
    )
    return _lock(definition.pk), created


def _required_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise DefinitionRefused("note_required", _("Say what changed and why."))
    if len(note) > MAX_NOTE_CHARS:
        raise DefinitionRefused(
            "note_too_long",
            _("The note must be %(limit)s characters or fewer.") % {"limit": MAX_NOTE_CHARS},
        )
    return note


def _require(actor: Any, permission: str, agency_slug: str, source: str | None = None) -> None:
    """The actor may do ``permission`` in the agency (``None``: the platform, e.g. the demo)."""
    if actor is None or staff_can(actor, permission, agency_slug=agency_slug):
        return
    if source is not None:  # a file naming an agency the person does not work for
        message = _("You cannot change the services of the agency “%(agency)s”.") % {
            "agency": agency_slug
        }
        line = _line_of(source, "agency")
        raise DefinitionInvalid(
            [Problem(where="agency", line=line, code="agency", message=message)]
        )
    raise DefinitionRefused("permission", _("You cannot do this for this agency."))


def _require_file_matches(
    source: str,
    service: str,
    agency: str,
    agency_slug: str | None,
    service_slug: str | None,
) -> None:
    problems = []
    if service_slug is not None and service != service_slug:
        message = _("This is the draft of “%(expected)s”, but the file is for “%(found)s”.") % {
            "expected": service_slug,
            "found": service,
        }
        problems.append(
            Problem(
                where="service", line=_line_of(source, "service"), code="service", message=message
            )
        )
    if agency_slug is not None and agency != agency_slug:
        problems.append(_agency_problem(source, agency, agency_slug))
    if problems:
        raise DefinitionInvalid(problems)


def _agency_problem(source: str, found: str, expected: str) -> Problem:
    message = _("The service belongs to “%(expected)s”, but the file says “%(found)s”.") % {
        "expected": expected,
        "found": found,
    }
    return Problem(where="agency", line=_line_of(source, "agency"), code="agency", message=message)


def _line_of(source: str, key: str) -> int | None:
    """The line of the top-level ``key`` in the file (YAML or JSON), when it has one."""
    return source_read(source).lines.get((key,))


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _audit(actor: Any, action: DefinitionAction, version: DefinitionVersion, **extra: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        subject_type="definitions.version",
        subject_id=version.pk,
        purpose=PURPOSE,
        payload={
            "service": version.definition.slug,
            "number": version.number,
            "status": version.status,
            "checksum": version.checksum,
            "note": version.change_note,
            "based_on": version.based_on.number if version.based_on else None,
            **extra,
        },
    )
