"""Reads of service definitions: the version people apply on, compiled; the designer's lists.

``definition_published_current(slug)`` is on every service request's path, so it costs one
indexed query: the id of the newest published version. Published versions never change (the
database refuses), so the compiled definition is cached in process memory per version id, LRU
bounded. A version published in one web process is therefore seen by the very next request in
every process: no cache has to be told, and none can be stale. Drafts change, so they are
compiled afresh each time and never cached.

The designer's reads take the acting user and return only their agencies' definitions; the reads
of one definition's versions take a definition the user was already given. Every selector takes
keyword arguments only.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import pick
from onegate.definitions.constants import COMPILED_CACHE_SIZE, RELEASED_STATES, VersionStatus
from onegate.definitions.language import (
    CompiledDefinition,
    Problem,
    definition_check,
    definition_compile,
    rules_tests_run,
)
from onegate.definitions.language.model import Applicants
from onegate.definitions.language.source import source_read
from onegate.definitions.models import Definition, DefinitionVersion
from onegate.identity.permissions import StaffPermission, staff_scope

__all__ = [
    "DesignerRow",
    "PublishedDefinition",
    "definition_cache_clear",
    "definition_current_version",
    "definition_draft",
    "definition_for_designer",
    "definition_publish_problems",
    "definition_published_current",
    "definition_version",
    "definition_version_compiled",
    "definition_version_numbered",
    "definition_versions",
    "definitions_for_designer",
    "definitions_published",
    "designer_agencies",
]

EDIT = StaffPermission.EDIT_SERVICE


class _CompiledCache:
    """Compiled released versions by id, least recently used dropped first; thread-safe."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[uuid.UUID, CompiledDefinition] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: uuid.UUID) -> CompiledDefinition | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: uuid.UUID, compiled: CompiledDefinition) -> None:
        with self._lock:
            self._entries[key] = compiled
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


_compiled = _CompiledCache(COMPILED_CACHE_SIZE)


def definition_published_current(*, slug: str) -> CompiledDefinition | None:
    """The newest published version of the service ``slug``, compiled; None when none is."""
    found = definition_published_version(slug=slug)
    return None if found is None else found[1]


def definition_published_version(*, slug: str) -> tuple[uuid.UUID, CompiledDefinition] | None:
    """The newest published version of ``slug``: its id (what an application pins) and compiled."""
    version_id = (
        DefinitionVersion.objects.filter(definition__slug=slug, status=VersionStatus.PUBLISHED)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )
    if version_id is None:
        return None
    return version_id, definition_version_compiled(version_id=version_id)


def definition_version_numbered(*, slug: str, number: int) -> CompiledDefinition | None:
    """Version ``number`` of ``slug`` (published or retired), compiled; None when there is none."""
    version_id = (
        DefinitionVersion.objects.filter(definition__slug=slug, number=number)
        .values_list("pk", flat=True)
        .first()
    )
    return None if version_id is None else definition_version_compiled(version_id=version_id)


@dataclass(frozen=True)
class PublishedDefinition:
    """A service people can apply to now: the newest published version of its definition."""

    slug: str
    version_id: uuid.UUID
    title: dict[str, str]  # {"en": …, "th": …}
    level: str  # the level of assurance it needs ("low", "substantial", "high")
    applicants: Applicants  # who may apply: themselves, for children, for a delegator
    compiled: CompiledDefinition


def definitions_published() -> list[PublishedDefinition]:
    """Every service with a published version, by slug, each as its newest published version
    (one query; the compiled definitions come from the cache)."""
    rows = (
        DefinitionVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .order_by("definition__slug", "-number")
        .values_list("definition__slug", "pk")
    )
    newest: dict[str, uuid.UUID] = {}
    for slug, version_id in rows:
        newest.setdefault(slug, version_id)
    found = []
    for slug, version_id in newest.items():
        compiled = definition_version_compiled(version_id=version_id)
        model = compiled.model
        found.append(
            PublishedDefinition(
                slug=slug,
                version_id=version_id,
                title=dict(model.title),
                level=model.level_of_assurance.value,
                applicants=model.applicants,
                compiled=compiled,
            )
        )
    return found


def definition_version_compiled(*, version_id: uuid.UUID | str) -> CompiledDefinition:
    """One version compiled (an application's pinned version); ``DoesNotExist`` when unknown."""
    key = uuid.UUID(str(version_id))
    found = _compiled.get(key)
    if found is not None:
        return found
    status, source = DefinitionVersion.objects.values_list("status", "source").get(pk=key)
    compiled = definition_compile(source)
    if status in RELEASED_STATES:
        _compiled.put(key, compiled)
    return compiled


def definition_publish_problems(*, compiled: CompiledDefinition) -> list[Problem]:
    """What stops a compiled definition being published: each failing rules test, with its line;
    nothing when they all pass. The text is compiled again only when one fails."""
    if all(result.passed for result in rules_tests_run(compiled)):
        return []
    return definition_check(compiled.source)


def definition_cache_clear() -> None:
    """Forget every compiled version (tests, and a process that changed the language)."""
    _compiled.clear()


# --- the designer ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DesignerRow:
    """A line of the designer's list of services."""

    slug: str
    agency_slug: str
    title: str
    current_number: int | None
    has_draft: bool
    draft_updated_at: Any
    versions: int


def designer_agencies(*, user: Any) -> list[str]:
    """The agencies whose services ``user`` may design, sorted."""
    return sorted(staff_scope(user, EDIT))


def definitions_for_designer(*, user: Any) -> list[DesignerRow]:
    """The definitions of the user's agencies, with their state; one query."""
    rows = (
        Definition.objects.filter(agency_slug__in=designer_agencies(user=user))
        .annotate(
            current=Max("versions__number", filter=Q(versions__status=VersionStatus.PUBLISHED)),
            draft_updated_at=Max(
                "versions__updated_at", filter=Q(versions__status=VersionStatus.DRAFT)
            ),
            released=Count("versions", filter=~Q(versions__status=VersionStatus.DRAFT)),
        )
        .order_by("agency_slug", "slug")
    )
    catalogue = catalogue_current()
    return [
        DesignerRow(
            slug=row.slug,
            agency_slug=row.agency_slug,
            title=definition_title(slug=row.slug, catalogue=catalogue),
            current_number=row.current,
            has_draft=row.draft_updated_at is not None,
            draft_updated_at=row.draft_updated_at,
            versions=row.released,
        )
        for row in rows
    ]


def definition_title(*, slug: str, catalogue: Any = None) -> str:
    """The service's title in the catalogue; for one never published, its draft's; else the slug.

    The draft is read only for a service the catalogue does not list yet (a few, at most).
    """
    entry = (catalogue or catalogue_current()).service(slug)
    if entry is not None:
        return pick(entry.title)
    title = _draft_title(slug)
    return pick(title) if title else slug


def definition_for_designer(*, user: Any, slug: str) -> Definition | None:
    """The definition ``slug`` when it belongs to one of the user's agencies; else None."""
    agencies = designer_agencies(user=user)
    return Definition.objects.filter(slug=slug, agency_slug__in=agencies).first()


def definition_versions(*, definition: Definition) -> list[DefinitionVersion]:
    """Every version of the definition, the draft first, then newest first, with their people."""
    versions = list(
        definition.versions.select_related(
            "created_by", "updated_by", "published_by", "retired_by", "based_on"
        )
    )
    return sorted(versions, key=lambda v: (v.number is not None, -(v.number or 0)))


def definition_current_version(*, definition: Definition) -> DefinitionVersion | None:
    """The version people start the service on: the newest published one; None before any."""
    published = definition.versions.filter(status=VersionStatus.PUBLISHED)
    return published.order_by("-number").first()


def definition_draft(*, definition: Definition) -> DefinitionVersion | None:
    """The definition's draft, when one is open."""
    return definition.versions.filter(status=VersionStatus.DRAFT).first()


def _draft_title(slug: str) -> dict[str, str] | None:
    """The title a service's draft gives itself, if any."""
    draft = DefinitionVersion.objects.filter(
        definition__slug=slug, status=VersionStatus.DRAFT
    ).first()
    data = source_read(draft.source).data if draft is not None else None
    title = data.get("title") if isinstance(data, dict) else None
    if not isinstance(title, dict):
        return None
    return {str(code): str(text) for code, text in title.items()} or None


def definition_version(
    *, definition: Definition, ref: str = "", version_id: Any = None
) -> DefinitionVersion | None:
    """One version of the definition: by ``ref`` (``"draft"`` or its number) or by its id; None
    when it has no such version (or the reference is not one)."""
    versions = definition.versions.select_related("definition")
    if version_id is not None:
        try:
            return versions.filter(pk=uuid.UUID(str(version_id))).first()
        except ValueError:
            return None
    if ref == "draft":
        return versions.filter(status=VersionStatus.DRAFT).first()
    is_number = ref.isascii() and ref.isdigit() and len(ref) <= 9  # a database integer
    return versions.filter(number=int(ref)).first() if is_number else None
