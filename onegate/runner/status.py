"""Where a sent application stands, as "Your applications" shows it: lines given by other apps.

The runner does not know what happens to an application once it is sent: the apps that work on
it (cases, for one) register a *status provider* here. A provider gets the applications the page
lists and the signed-in user, and returns ``StatusLine``s: one per person an application is for,
each with what the page shows (whose, the status tag, the day a decision is expected or was
made, an answer asked for by a day, the link to the page about it). A provider may also return
lines for applications not in the list: those someone else sent for a person the user acts for
(the other parent, say); each line then carries the service's title and the day it was sent.

Providers are plain functions kept in a list (``status_provider_register``, usable as a
decorator); tests swap the list with ``status_providers_swap``. Registering the same function
twice keeps it once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from onegate.runner.models import Application

__all__ = [
    "StatusLine",
    "StatusProvider",
    "status_provider_register",
    "status_providers_swap",
    "statuses_for",
]


@dataclass(frozen=True)
class StatusLine:
    """Where one person's part of a sent application stands (a case, for the cases app)."""

    application_id: str
    person: str  # the person's name in the page's language
    status: str  # the status as the tag says it
    colour: str = ""  # the GOV.UK tag colour ("green", "red", "grey", …); "" for the default
    url: str = ""  # the page about it
    reference: str = ""  # its own reference (a case's), shown with the link
    expected_on: dt.date | None = None  # a decision is expected by this day
    decided_on: dt.date | None = None  # decided on this day
    answer_by: dt.date | None = None  # information is needed from the person by this day
    note: str = ""  # one more line (e.g. "This is a review of …")
    # For an application not in the list (sent by someone else): what the page titles it with.
    service_title: str = ""
    sent_on: dt.date | None = None


StatusProvider = Callable[[Sequence[Application], Any], list[StatusLine]]

_providers: list[StatusProvider] = []


def status_provider_register(provider: StatusProvider) -> StatusProvider:
    """Add ``provider`` (once); returns it, so it can decorate the function."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


@contextmanager
def status_providers_swap(providers: Sequence[StatusProvider] = ()) -> Iterator[None]:
    """Use only ``providers`` inside the block (tests), then the registered ones again."""
    kept = list(_providers)
    _providers[:] = list(providers)
    try:
        yield
    finally:
        _providers[:] = kept


def statuses_for(applications: Sequence[Application], user: Any) -> dict[str, list[StatusLine]]:
    """Every provider's lines, by application id (as a string), in the order they came.

    Keys not among ``applications`` are applications someone else sent for a person ``user``
    acts for.
    """
    found: dict[str, list[StatusLine]] = {}
    for provider in list(_providers):
        for line in provider(applications, user):
            found.setdefault(line.application_id, []).append(line)
    return found
