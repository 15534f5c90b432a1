"""Reads from the catalogue: the current in-memory snapshot, and service search.

``catalogue_current()`` compares the catalogue revision token (one primary-key read) with the one
its cached snapshot was built from, and rebuilds (four queries) only when they differ. Each
process keeps its own snapshot, so a change made through any process shows up in all of them.
Call it once per request and pass the snapshot on.

``CATALOGUE_REVISION_CHECK_SECONDS`` (default 0: check on every call) lets a process trust its
snapshot for that long without asking the database, so catalogue pages need no query at all;
changes made in other processes then show up within that many seconds, and changes made in
this process at once. Keep it 0 in tests, whose rolled-back transactions undo catalogue changes
without telling anyone.

``catalogue_service_agency(slug=…)`` reads the database itself, not the snapshot: the designer asks
it inside a write, where a snapshot a few seconds old could let a service change hands.

The catalogue holds no personal data, so these reads take no acting user.
"""

from __future__ import annotations

import threading
import time
import unicodedata
import uuid
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from onegate.catalogue.constants import SEARCH_QUERY_MAX_LENGTH
from onegate.catalogue.models import CatalogueRevision, Service
from onegate.catalogue.snapshot import (
    AgencyEntry,
    Catalogue,
    LifeEventEntry,
    ServiceEntry,
    catalogue_build,
)

__all__ = [
    "AgencyEntry",
    "Catalogue",
    "LifeEventEntry",
    "SearchOutcome",
    "SearchProblem",
    "ServiceEntry",
    "catalogue_current",
    "catalogue_forget",
    "catalogue_revision_token",
    "catalogue_service_agency",
    "services_search",
]

_lock = threading.Lock()


@dataclass(frozen=True)
class _Cached:
    token: uuid.UUID | None
    catalogue: Catalogue
    checked_at: float


_cached: _Cached | None = None


def catalogue_revision_token() -> uuid.UUID | None:
    """The token that changes with every catalogue change (None before the first change)."""
    tokens = CatalogueRevision.objects.filter(id=CatalogueRevision.SINGLETON_ID).values_list(
        "token", flat=True
    )
    return next(iter(tokens), None)


def catalogue_current() -> Catalogue:
    """The catalogue as it is now, from this process's memory when it has not changed."""
    global _cached
    cached, now = _cached, time.monotonic()
    if cached is not None and now - cached.checked_at < _check_interval():
        return cached.catalogue
    token = catalogue_revision_token()
    if cached is not None and cached.token == token:
        _cached = _Cached(token, cached.catalogue, now)
        return cached.catalogue
    with _lock:
        if _cached is not None and _cached.token == token:
            return _cached.catalogue
        # Built after reading the token: a change racing with the build carries a newer token,
        # so the next check sees the mismatch and rebuilds.
        catalogue = catalogue_build()
        _cached = _Cached(token, catalogue, now)
        return catalogue


def catalogue_service_agency(*, slug: str) -> str | None:
    """The slug of the agency the service ``slug`` belongs to; None when there is none."""
    agencies = Service.objects.filter(slug=slug).values_list("agency__slug", flat=True)
    return next(iter(agencies), None)


def catalogue_forget() -> None:
    """Drop this process's snapshot, so the next read checks the database (after a change)."""
    global _cached
    _cached = None


def _check_interval() -> float:
    return float(getattr(settings, "CATALOGUE_REVISION_CHECK_SECONDS", 0.0))


def _displayable(text: str) -> str:
    """The query as it can be shown back: no control characters or lone surrogates."""
    if text.isprintable():
        return text.strip()
    kept = (
        " " if char.isspace() else char
        for char in text
        if unicodedata.category(char)[0] != "C" or char.isspace()
    )
    return " ".join("".join(kept).split())


class SearchProblem(StrEnum):
    """Why a query was not searched."""

    EMPTY = "empty"  # nothing typed: show the search box and ways to browse
    TOO_LONG = "too_long"  # longer than SEARCH_QUERY_MAX_LENGTH characters
    NO_WORDS = "no_words"  # only punctuation, symbols or control characters


@dataclass(frozen=True)
class SearchOutcome:
    query: str
    results: list[ServiceEntry]
    suggestion: str | None = None
    problem: SearchProblem | None = None


def services_search(*, catalogue: Catalogue, query: str) -> SearchOutcome:
    """Services matching the words typed, best first, in whichever language they were typed."""
    typed, query = query, _displayable(query)
    if not query:
        problem = SearchProblem.NO_WORDS if typed.strip() else SearchProblem.EMPTY
        return SearchOutcome(query="", results=[], problem=problem)
    if len(query) > SEARCH_QUERY_MAX_LENGTH:
        return SearchOutcome(
            query=query[:SEARCH_QUERY_MAX_LENGTH], results=[], problem=SearchProblem.TOO_LONG
        )
    results, hits = catalogue.search(query)
    if not hits.searchable:
        return SearchOutcome(query=query, results=[], problem=SearchProblem.NO_WORDS)
    return SearchOutcome(query=query, results=results, suggestion=hits.suggestion)
