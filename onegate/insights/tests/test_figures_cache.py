"""The figures kept in the cache: read from it until the aggregation runs again, never stale
after an aggregation or an owner's save, and the same as worked out without the cache."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onegate.insights.constants import Channel, EventKind
from onegate.insights.measures import service_measures, service_series
from onegate.insights.models import MeasureDay
from onegate.insights.periods import Period
from onegate.insights.public import open_data, public_rows
from onegate.insights.services.aggregation import hours_list_rebuild
from onegate.insights.services.inputs import service_inputs_save
from onegate.insights.services.recording import event_record
from onegate.insights.tests.measure_rows import (
    SLUG,
    published_fishing,  # noqa: F401 (the fixture "owner")
)

pytestmark = pytest.mark.usefixtures("owner")

K = EventKind
ONLINE = Channel.ONLINE.value


def last_month() -> Period:
    first = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return Period.of_month(first)


def started(n: int, when: dt.datetime) -> None:
    for _ in range(n):
        event_record(kind=K.STARTED, service_slug=SLUG, version=1, channel=ONLINE, occurred_at=when)


def sent_online(n: int, when: dt.datetime) -> None:
    for _ in range(n):
        event_record(
            kind=K.SUBMITTED, service_slug=SLUG, version=1, channel=ONLINE, occurred_at=when,
            seconds=60,
        )  # fmt: skip


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_default_timezone())


def aggregates_read(queries: CaptureQueriesContext) -> int:
    table = MeasureDay._meta.db_table
    return sum(1 for query in queries.captured_queries if table in query["sql"])


def test_a_cached_figure_is_read_from_the_cache_and_changes_after_an_aggregation_run():
    period = last_month()
    moment = noon(period.start + dt.timedelta(days=2))
    started(4, moment)
    hours_list_rebuild(hours=[moment])
    assert service_measures(service_slug=SLUG, period=period).started == 4
    assert service_series(service_slug=SLUG, period=period).points[2].started == 4

    with CaptureQueriesContext(connection) as again:
        assert service_measures(service_slug=SLUG, period=period).started == 4
        assert service_series(service_slug=SLUG, period=period).points[2].started == 4
    assert aggregates_read(again) == 0  # both from the cache

    started(3, moment)  # recorded, not yet aggregated: the dashboards do not count it yet
    assert service_measures(service_slug=SLUG, period=period).started == 4

    hours_list_rebuild(hours=[moment])  # the next run

    with CaptureQueriesContext(connection) as after:
        assert service_measures(service_slug=SLUG, period=period).started == 7
        assert service_series(service_slug=SLUG, period=period).points[2].started == 7
    assert aggregates_read(after) == 2  # read again, once each


def test_the_public_figures_change_after_an_aggregation_run():
    period = last_month()
    moment = noon(period.start)
    sent_online(10, moment)
    hours_list_rebuild(hours=[moment])
    (row,) = public_rows(period=period)
    (month,) = open_data(months=[period.start], slugs=[SLUG])
    assert (row.transactions.value, month["transactions"]) == (10, 10)

    sent_online(5, moment)
    hours_list_rebuild(hours=[moment])

    (row,) = public_rows(period=period)
    (month,) = open_data(months=[period.start], slugs=[SLUG])
    assert (row.transactions.value, month["transactions"]) == (15, 15)


def test_a_cached_figure_changes_after_an_owners_save(owner):
    period = last_month()
    moment = noon(period.start)
    sent_online(30, moment)
    hours_list_rebuild(hours=[moment])
    before = service_measures(service_slug=SLUG, period=period)
    assert (before.transactions, before.take_up) == (30, 1.0)
    assert before.costs is not None and before.costs.paper_cost == Decimal("200.00")  # baseline

    service_inputs_save(
        actor=owner, service_slug=SLUG, month=period.start, paper_applications=60,
        phone_applications=30, paper_cost=Decimal("150.00"), digital_cost=None, note="",
        lock_version=None,
    )  # fmt: skip

    after = service_measures(service_slug=SLUG, period=period)
    assert after.outside == {"paper": 60, "phone": 30}
    assert (after.transactions, after.take_up) == (120, 30 / 120)
    assert after.costs is not None and after.costs.paper_cost == Decimal("150.00")
    (row,) = public_rows(period=period)
    assert row.take_up.value == 30 / 120


def test_the_cached_figures_are_those_worked_out_without_the_cache():
    period = last_month()
    moment = noon(period.start + dt.timedelta(days=5))
    started(12, moment)
    sent_online(11, moment)
    hours_list_rebuild(hours=[moment])

    first = service_measures(service_slug=SLUG, period=period)  # worked out, then kept
    cached = service_measures(service_slug=SLUG, period=period)

    assert cached == first
    assert (cached.started, cached.submitted_total, cached.time_to_complete.count) == (12, 11, 11)
