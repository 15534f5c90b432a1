"""The catalogue as pages read it: an immutable in-memory copy, built in a handful of queries.

Every catalogue page (home, search, services, life events, agencies) reads this snapshot instead
of querying, so a page costs one primary-key read (the revision check in ``selectors``) however
many services it lists, and search never scans the database. The snapshot holds plain frozen
records, not model instances, so nothing can lazily trigger a query from a template.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cached_property
from typing import Any

from onegate.catalogue.constants import LISTED_STATUSES, LevelOfAssurance, ServiceStatus
from onegate.catalogue.models import Agency, LifeEvent, Service
from onegate.catalogue.search import SearchDocument, SearchHits, SearchIndex
from onegate.core.languages import SUPPORTED, THAI, pick

TextMap = Mapping[str, str]


@dataclass(frozen=True)
class AgencyEntry:
    slug: str
    name: TextMap
    description: TextMap
    website: str


@dataclass(frozen=True)
class LifeEventEntry:
    slug: str
    title: TextMap
    summary: TextMap
    order: int


@dataclass(frozen=True)
class ServiceEntry:
    slug: str
    title: TextMap
    summary: TextMap
    keywords: Mapping[str, tuple[str, ...]]
    agency: AgencyEntry
    life_event_slugs: tuple[str, ...]
    level_of_assurance: LevelOfAssurance
    status: ServiceStatus
    popular_rank: int | None
    has_definition: bool
    # appointments (issue 6): why a visit to a service centre is needed ({} when it is not).
    visit: Mapping[str, TextMap] = dataclass_field(default_factory=dict)

    @property
    def needs_visit(self) -> bool:
        return bool(self.visit)

    @property
    def is_live(self) -> bool:
        return self.status == ServiceStatus.LIVE

    @property
    def is_coming_soon(self) -> bool:
        return self.status == ServiceStatus.COMING_SOON

    @property
    def is_listed(self) -> bool:
        return self.status in LISTED_STATUSES


class Catalogue:
    """Agencies, life events and services with the look-ups pages need, and the search index."""

    def __init__(
        self,
        agencies: list[AgencyEntry],
        life_events: list[LifeEventEntry],
        services: list[ServiceEntry],
    ) -> None:
        self.agencies = {agency.slug: agency for agency in agencies}
        self.life_events = sorted(life_events, key=lambda event: (event.order, event.slug))
        self._life_events_by_slug = {event.slug: event for event in self.life_events}
        self._services = {service.slug: service for service in services}
        self.listed_services = [service for service in services if service.is_listed]
        self.popular_services = sorted(
            (service for service in self.listed_services if service.popular_rank is not None),
            key=lambda service: (service.popular_rank, service.slug),
        )
        self._by_life_event: dict[str, list[ServiceEntry]] = defaultdict(list)
        self._by_agency: dict[str, list[ServiceEntry]] = defaultdict(list)
        for service in self.listed_services:
            self._by_agency[service.agency.slug].append(service)
            for slug in service.life_event_slugs:
                self._by_life_event[slug].append(service)

    def service(self, slug: str) -> ServiceEntry | None:
        return self._services.get(slug)

    def life_event(self, slug: str) -> LifeEventEntry | None:
        return self._life_events_by_slug.get(slug)

    def agency(self, slug: str) -> AgencyEntry | None:
        return self.agencies.get(slug)

    def life_events_of(self, service: ServiceEntry) -> list[LifeEventEntry]:
        return [event for event in self.life_events if event.slug in service.life_event_slugs]

    def services_for_life_event(self, event: LifeEventEntry, language: str) -> list[ServiceEntry]:
        return self._sorted(self._by_life_event.get(event.slug, []), language)

    def services_of_agency(self, agency: AgencyEntry, language: str) -> list[ServiceEntry]:
        return self._sorted(self._by_agency.get(agency.slug, []), language)

    def services_a_to_z(self, language: str) -> list[ServiceEntry]:
        return self._a_to_z[language]

    def agencies_a_to_z(self, language: str) -> list[AgencyEntry]:
        return sorted(
            self.agencies.values(), key=lambda agency: title_sort_key(agency.name, language)
        )

    def search(self, query: str) -> tuple[list[ServiceEntry], SearchHits]:
        hits = self._search_index.search(query)
        return [self._services[slug] for slug in hits.keys], hits

    @cached_property
    def _a_to_z(self) -> dict[str, list[ServiceEntry]]:
        return {language: self._sorted(self.listed_services, language) for language in SUPPORTED}

    @cached_property
    def _search_index(self) -> SearchIndex:
        return SearchIndex(
            [
                SearchDocument(
                    key=service.slug,
                    title=service.title,
                    keywords=service.keywords,
                    summary=service.summary,
                    agency=service.agency.name,
                    tiebreak=service.popular_rank or 1_000_000,
                )
                for service in self.listed_services
            ]
        )

    @staticmethod
    def _sorted(services: list[ServiceEntry], language: str) -> list[ServiceEntry]:
        return sorted(services, key=lambda service: title_sort_key(service.title, language))

    def warm(self) -> Catalogue:
        """Build the search index and sorted lists now, so no visitor waits for them."""
        _ = self._search_index, self._a_to_z
        return self


# Thai dictionary order files words by their first consonant, not a leading vowel written
# before it, and ignores tone marks on a first pass.
_THAI_LEADING_VOWEL = re.compile(r"([\u0e40-\u0e44])([\u0e01-\u0e2e])")
_THAI_TONE_MARKS = re.compile(r"[\u0e47-\u0e4c]")


def title_sort_key(text: TextMap, language: str) -> tuple[str, str]:
    """Sort key for A to Z lists: case-insensitive; Thai in dictionary order."""
    title = pick(text, language).casefold()
    if language != THAI:
        return (title, title)
    return (_THAI_LEADING_VOWEL.sub(r"\2\1", _THAI_TONE_MARKS.sub("", title)), title)


def catalogue_build() -> Catalogue:
    """Read the whole catalogue: four queries whatever its size."""
    agencies = {agency.pk: _agency_entry(agency) for agency in Agency.objects.all()}
    events = {event.pk: _life_event_entry(event) for event in LifeEvent.objects.all()}
    links: dict[Any, list[str]] = defaultdict(list)
    for service_id, event_id in Service.life_events.through.objects.values_list(
        "service_id", "lifeevent_id"
    ):
        links[service_id].append(events[event_id].slug)
    services = [
        _service_entry(service, agencies[service.agency_id], links[service.pk])
        for service in Service.objects.all()
    ]
    return Catalogue(list(agencies.values()), list(events.values()), services).warm()


def _agency_entry(agency: Agency) -> AgencyEntry:
    return AgencyEntry(agency.slug, agency.name, agency.description, agency.website)


def _life_event_entry(event: LifeEvent) -> LifeEventEntry:
    return LifeEventEntry(event.slug, event.title, event.summary, event.order)


def _service_entry(service: Service, agency: AgencyEntry, life_events: list[str]) -> ServiceEntry:
    keywords = service.keywords or {}
    return ServiceEntry(
        slug=service.slug,
        title=service.title,
        summary=service.summary,
        keywords={language: tuple(keywords.get(language, ())) for language in SUPPORTED},
        agency=agency,
        life_event_slugs=tuple(sorted(life_events)),
        level_of_assurance=LevelOfAssurance(service.level_of_assurance),
        status=ServiceStatus(service.status),
        popular_rank=service.popular_rank,
        has_definition=service.has_definition,
        visit=service.visit or {},
    )
