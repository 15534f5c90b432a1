"""Performance events as tests need them, made cheaply (one bulk INSERT), and the aggregates
rebuilt from them the way the periodic job rebuilds them.

    from onegate.insights.tests.factories import aggregate_all, at, events_make

    events_make(kind="submitted", seconds=[60, 600], channel="assisted", when=at(2026, 3, 2, 9))
    events_make(kind="page_viewed", page_id="your_licence", count=12)
    aggregate_all()   # MeasureHour and MeasureDay now hold them

``when`` is the moment every event made happened (UTC; default ``DEFAULT_WHEN``); ``seconds``
gives one event per duration (with its histogram bucket), else ``count`` events without one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from onegate.insights.constants import Channel
from onegate.insights.histogram import bucket_of
from onegate.insights.models import Event
from onegate.insights.services.aggregation import AggregationReport, hours_list_rebuild

SERVICE = "renew-driving-licence"
# 09:30 Bangkok time on Monday 2 March 2026: well inside one local day and one UTC hour.
DEFAULT_WHEN = dt.datetime(2026, 3, 2, 2, 30, tzinfo=dt.UTC)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> Any:
    """A UTC moment."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


def events_make(
    *,
    kind: str,
    count: int = 1,
    seconds: float | Sequence[float] | None = None,
    when: dt.datetime | None = None,
    service_slug: str = SERVICE,
    version: int = 1,
    channel: str = Channel.ONLINE,
    **dimensions: Any,
) -> list[Event]:
    """``count`` events of ``kind`` (or one per duration in ``seconds``), all alike otherwise;
    ``dimensions``: page_id, outcome, decided_how, sla, rating."""
    durations: list[float | None]
    if seconds is None:
        durations = [None] * count
    elif isinstance(seconds, int | float):
        durations = [seconds] * count
    else:
        durations = list(seconds)
    moment = when or DEFAULT_WHEN
    return Event.objects.bulk_create(
        Event(
            occurred_at=moment,
            service_slug=service_slug,
            version=version,
            channel=channel,
            kind=kind,
            seconds=None if took is None else int(took),
            bucket=None if took is None else bucket_of(int(took)),
            **dimensions,
        )
        for took in durations
    )


def aggregate_all() -> AggregationReport:
    """Every hour holding an event rebuilt, and the local days they touch, as the job does."""
    return hours_list_rebuild(hours=Event.objects.values_list("occurred_at", flat=True))
