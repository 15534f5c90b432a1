"""Catalogue data files: YAML listing agencies, life events and services, parsed into typed records.

The file is read and checked completely before anything is written, and every problem is
reported at once, each naming its entry and field, e.g.
``services[3] "renew-driving-licence": title: The Thai text is empty.`` so the person editing
the file can fix them all in one go. See ``data/demo_catalogue.yaml`` for the shape.

A file lists services as coming soon or retired, never live: a service goes live only when its
service definition is published (``services.catalogue_service_publish``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from onegate.catalogue.constants import LevelOfAssurance, ServiceStatus
from onegate.catalogue.validators import validate_keyword_map, validate_text_map
from onegate.core.yamltext import yaml_safe_load

TextMap = dict[str, str]

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

SECTIONS = ("agencies", "life_events", "services")
AGENCY_FIELDS = {"slug", "name", "description", "website"}
LIFE_EVENT_FIELDS = {"slug", "title", "summary", "order"}
SERVICE_FIELDS = {
    "slug", "title", "summary", "keywords", "agency", "life_events",
    "level_of_assurance", "status", "popular", "visit",
}  # fmt: skip
# appointments (issue 6): a service that needs a visit says why, in every language.
VISIT_FIELDS = {"reason"}
# A file may not say live: a service goes live when its definition is published.
FILE_STATUSES = [ServiceStatus.COMING_SOON.value, ServiceStatus.RETIRED.value]


class CatalogueDataError(Exception):
    """A catalogue data file that cannot be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(self.__str__())

    def __str__(self) -> str:
        count = len(self.problems)
        heading = (
            "The catalogue data has 1 problem:"
            if count == 1
            else (f"The catalogue data has {count} problems:")
        )
        return "\n".join([heading, *(f"  - {problem}" for problem in self.problems)])


@dataclass(frozen=True)
class AgencyRecord:
    """An agency entry. ``where`` names it in errors found later, e.g. by the loader."""

    slug: str
    name: TextMap
    description: TextMap
    website: str
    where: str


@dataclass(frozen=True)
class LifeEventRecord:
    slug: str
    title: TextMap
    summary: TextMap
    order: int
    where: str


@dataclass(frozen=True)
class ServiceRecord:
    slug: str
    title: TextMap
    summary: TextMap
    keywords: dict[str, list[str]]
    agency: str
    life_events: tuple[str, ...]
    level_of_assurance: str
    status: str
    popular_rank: int | None
    where: str
    # {"reason": {"en": ..., "th": ...}} when a visit to a service centre is needed; else {}.
    visit: dict[str, TextMap] = dataclass_field(default_factory=dict)


@dataclass(frozen=True)
class CatalogueData:
    agencies: tuple[AgencyRecord, ...]
    life_events: tuple[LifeEventRecord, ...]
    services: tuple[ServiceRecord, ...]


def catalogue_data_read(path: Path) -> CatalogueData:
    """Read and parse a YAML catalogue file."""
    try:
        raw = yaml_safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueDataError([f"{path}: cannot be read ({exc.strerror or exc})"]) from exc
    except UnicodeDecodeError as exc:
        raise CatalogueDataError([f"{path}: is not UTF-8 text"]) from exc
    except yaml.YAMLError as exc:
        raise CatalogueDataError([f"{path}: is not valid YAML: {_yaml_problem(exc)}"]) from exc
    return catalogue_data_parse(raw)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "syntax error"
    if mark is None:
        return str(problem)
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"


def catalogue_data_parse(raw: Any) -> CatalogueData:
    """Check a parsed catalogue document and turn it into records, or raise every problem."""
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        raise CatalogueDataError(["the file must be a map with agencies, life_events and services"])
    for key in sorted(set(raw) - set(SECTIONS), key=str):
        problems.append(f"{key}: unknown section (expected {', '.join(SECTIONS)})")
    data = CatalogueData(
        agencies=tuple(_section(raw, "agencies", AGENCY_FIELDS, _agency, problems)),
        life_events=tuple(_section(raw, "life_events", LIFE_EVENT_FIELDS, _life_event, problems)),
        services=tuple(_section(raw, "services", SERVICE_FIELDS, _service, problems)),
    )
    if problems:
        raise CatalogueDataError(problems)
    return data


class _Record(Protocol):
    @property
    def slug(self) -> str: ...


RecordT = TypeVar("RecordT", bound=_Record)


def _section(
    raw: Mapping[str, Any],
    name: str,
    fields: set[str],
    build: Callable[[EntryReader], RecordT],
    problems: list[str],
) -> list[RecordT]:
    entries = raw.get(name) or []
    if not isinstance(entries, list):
        problems.append(f"{name}: must be a list of entries")
        return []
    records: list[RecordT] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        reader = EntryReader(name, index, entry, fields, problems)
        if not reader.ok:
            continue
        record = build(reader)
        if record.slug in seen:
            reader.problem("slug", f"{record.slug!r} is used by an earlier entry")
        seen.add(record.slug)
        records.append(record)
    return records


class EntryReader:
    """Reads one entry's fields, recording a problem (entry and field named) for each bad one."""

    def __init__(
        self, section: str, index: int, entry: Any, fields: set[str], problems: list[str]
    ) -> None:
        self.problems = problems
        self.where = f"{section}[{index}]"
        self.ok = isinstance(entry, Mapping)
        if not self.ok:
            problems.append(f"{self.where}: must be a map of fields")
            return
        self.entry = entry
        slug = entry.get("slug")
        if isinstance(slug, str) and slug:
            self.where = f'{self.where} "{slug}"'
        for key in sorted(set(entry) - fields, key=str):
            self.problem(str(key), "unknown field")

    def problem(self, field: str, message: str) -> None:
        self.problems.append(f"{self.where}: {field}: {message}")

    def required(self, field: str) -> Any:
        value = self.entry.get(field)
        if value is None or value == "":
            self.problem(field, "is required")
        return value

    def slug(self, field: str = "slug") -> str:
        value = self.required(field)
        if value in (None, ""):
            return ""
        if not isinstance(value, str) or not SLUG_PATTERN.fullmatch(value):
            self.problem(
                field, f"{value!r} is not a slug: use lowercase letters, digits and hyphens"
            )
        return str(value)

    def text(self, field: str) -> TextMap:
        value = self.required(field)
        if value is not None and self._valid(field, value, validate_text_map):
            return {code: text.strip() for code, text in value.items()}
        return {}

    def keywords(self, field: str) -> dict[str, list[str]]:
        value = self.entry.get(field, {"en": [], "th": []})
        if self._valid(field, value, validate_keyword_map):
            return {code: [word.strip() for word in words] for code, words in value.items()}
        return {"en": [], "th": []}

    def choice(self, field: str, choices: list[str], default: str) -> str:
        value = self.entry.get(field, default)
        if value not in choices:
            self.problem(field, f"{value!r} is not one of {', '.join(choices)}")
        return str(value)

    def whole_number(self, field: str, *, default: int | None, minimum: int) -> int | None:
        value = self.entry.get(field, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(field, f"must be a whole number from {minimum}")
            return default
        return value

    def slug_list(self, field: str) -> tuple[str, ...]:
        value = self.entry.get(field, [])
        if not isinstance(value, list) or not all(isinstance(slug, str) for slug in value):
            self.problem(field, "must be a list of slugs")
            return ()
        return tuple(value)

    def url(self, field: str) -> str:
        value = self.entry.get(field) or ""
        if value:
            try:
                URLValidator(schemes=["https", "http"])(value)
            except ValidationError:
                self.problem(field, f"{value!r} is not a web address (https://...)")
        return str(value)

    def _valid(self, field: str, value: Any, validator: Any) -> bool:
        try:
            validator(value)
        except ValidationError as exc:
            for message in exc.messages:
                self.problem(field, message)
            return False
        return True


def _agency(reader: EntryReader) -> AgencyRecord:
    return AgencyRecord(
        slug=reader.slug(),
        name=reader.text("name"),
        description=reader.text("description"),
        website=reader.url("website"),
        where=reader.where,
    )


def _life_event(reader: EntryReader) -> LifeEventRecord:
    return LifeEventRecord(
        slug=reader.slug(),
        title=reader.text("title"),
        summary=reader.text("summary"),
        order=reader.whole_number("order", default=0, minimum=0) or 0,
        where=reader.where,
    )


def _service(reader: EntryReader) -> ServiceRecord:
    return ServiceRecord(
        slug=reader.slug(),
        title=reader.text("title"),
        summary=reader.text("summary"),
        keywords=reader.keywords("keywords"),
        agency=reader.slug("agency"),
        life_events=reader.slug_list("life_events"),
        level_of_assurance=reader.choice(
            "level_of_assurance", LevelOfAssurance.values, LevelOfAssurance.SUBSTANTIAL
        ),
        status=_file_status(reader),
        popular_rank=reader.whole_number("popular", default=None, minimum=1),
        where=reader.where,
        visit=_visit(reader),
    )


def _visit(reader: EntryReader) -> dict[str, TextMap]:
    """The optional ``visit: {reason: {en, th}}`` block: why the service needs a visit."""
    value = reader.entry.get("visit")
    if value is None:
        return {}
    if not isinstance(value, Mapping) or set(value) != VISIT_FIELDS:
        reader.problem("visit", "must be a map with only a reason in every language")
        return {}
    if not reader._valid("visit", value["reason"], validate_text_map):
        return {}
    return {"reason": {code: text.strip() for code, text in value["reason"].items()}}


def _file_status(reader: EntryReader) -> str:
    # Only publishing a service definition makes a service live: a file that could would offer
    # "Start now" with nothing behind it.
    if reader.entry.get("status") == ServiceStatus.LIVE:
        reader.problem(
            "status",
            "'live' cannot be set in a catalogue file: a service goes live when its definition "
            "is published; use coming_soon",
        )
        return ServiceStatus.COMING_SOON
    return reader.choice("status", FILE_STATUSES, ServiceStatus.COMING_SOON)
