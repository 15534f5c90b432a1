"""Aggregation: hand-made events give hand-computed hourly and daily rows (counts, seconds,
histogram buckets); a rebuild gives the same rows however often it runs; an event committed
after its hour was built is counted at the next run; a local (Bangkok) day starts at 17:00 UTC;
the operators' command says clearly what is wrong with its arguments."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from onegate.core.scheduling import discover_jobs
from onegate.core.scheduling import registry as job_registry
from onegate.insights.models import AggregatedHour, Event, MeasureDay, MeasureHour
from onegate.insights.services.aggregation import (
    CATCH_UP_HOURS,
    days_rebuild,
    hours_list_rebuild,
    hours_rebuild,
    measures_aggregate,
)
from onegate.insights.tests.factories import SERVICE, aggregate_all, at, events_make

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)  # a Monday; local 00:00 is 2026-03-01T17:00 UTC
NINE = at(2026, 3, 2, 2)  # the UTC hour holding 09:00 to 10:00 Bangkok time


def counts(model: type[MeasureHour] | type[MeasureDay], **where: object) -> set[tuple]:
    """Count rows as (kind, channel, page, outcome, how, sla, count, seconds_sum)."""
    rows = model.objects.filter(bucket=-1, **where).values_list(
        "kind", "channel", "page_id", "outcome", "decided_how", "sla", "count", "seconds_sum"
    )
    return set(rows)


def histogram(model: type[MeasureHour] | type[MeasureDay], kind: str, **where: object) -> set:
    """Histogram rows of ``kind`` as (channel, how, bucket, count, seconds_sum)."""
    rows = model.objects.filter(kind=kind, bucket__gte=0, **where).values_list(
        "channel", "decided_how", "bucket", "count", "seconds_sum"
    )
    return set(rows)


def every_row() -> list[tuple]:
    hours = list(MeasureHour.objects.order_by("id").values_list(*_columns("hour")))
    days = list(MeasureDay.objects.order_by("id").values_list(*_columns("day")))
    return sorted(hours, key=str) + sorted(days, key=str)


def _columns(when: str) -> list[str]:
    return [when, "service_slug", "version", "channel", "kind", "page_id", "outcome",
            "decided_how", "sla", "rating", "bucket", "count", "seconds_sum"]  # fmt: skip


# --- what the rows hold -------------------------------------------------------------------------


def test_page_events_are_counted_by_page_and_channel():
    events_make(kind="page_viewed", page_id="your_licence", count=3, when=NINE)
    events_make(kind="page_viewed", page_id="your_licence", count=2, channel="assisted", when=NINE)
    events_make(kind="page_invalid", page_id="your_licence", when=NINE + dt.timedelta(minutes=59))
    events_make(kind="page_viewed", page_id="medical", when=NINE + dt.timedelta(minutes=10))

    report = hours_rebuild(start=NINE, end=NINE + dt.timedelta(hours=1))

    expected = {
        ("page_viewed", "online", "your_licence", "", "", "", 3, 0),
        ("page_viewed", "assisted", "your_licence", "", "", "", 2, 0),
        ("page_invalid", "online", "your_licence", "", "", "", 1, 0),
        ("page_viewed", "online", "medical", "", "", "", 1, 0),
    }
    assert counts(MeasureHour, hour=NINE) == expected
    assert counts(MeasureDay, day=DAY) == expected
    assert not MeasureHour.objects.filter(bucket__gte=0).exists()  # no durations: no histogram
    assert (report.hours, report.events, report.hour_rows) == (1, 7, 4)
    assert (report.days, report.day_rows) == (1, 4)


def test_sending_times_are_summed_and_kept_as_a_histogram_by_channel():
    # 60 s falls in bucket 48: 2**(47/8) = 58.7 <= 60 < 2**(48/8) = 64
    # 120 s in bucket 56: 117.4 <= 120 < 128; 3,600 s in bucket 95: 3,444 <= 3,600 < 3,756
    events_make(kind="submitted", seconds=[60, 60, 3600], when=NINE)
    events_make(kind="submitted", seconds=[120], channel="paper", when=NINE)

    aggregate_all()

    assert counts(MeasureDay, day=DAY) == {
        ("submitted", "online", "", "", "", "", 3, 3720),
        ("submitted", "paper", "", "", "", "", 1, 120),
    }
    assert histogram(MeasureDay, "submitted", day=DAY) == {
        ("online", "", 48, 2, 120),
        ("online", "", 95, 1, 3600),
        ("paper", "", 56, 1, 120),
    }


def test_decisions_are_counted_by_outcome_and_service_level_and_timed_by_how_decided():
    # one day (86,400 s) is bucket 132: 2**(131/8) = 84,990 <= 86,400 < 2**(132/8) = 92,682;
    # three days (259,200 s) bucket 144: 240,387 <= 259,200 < 2**18 = 262,144
    one, three = 86_400, 259_200
    decided = {"kind": "decided", "when": NINE}
    events_make(**decided, seconds=[one, one], outcome="approve", decided_how="rules", sla="met")
    events_make(**decided, seconds=[three], outcome="refuse", decided_how="officer", sla="met")
    events_make(**decided, seconds=[three], outcome="approve", decided_how="officer", sla="missed")

    aggregate_all()

    assert counts(MeasureHour, hour=NINE) == {
        ("decided", "online", "", "approve", "rules", "met", 2, 2 * one),
        ("decided", "online", "", "refuse", "officer", "met", 1, three),
        ("decided", "online", "", "approve", "officer", "missed", 1, three),
    }
    assert histogram(MeasureHour, "decided", hour=NINE) == {
        ("online", "rules", 132, 2, 2 * one),
        ("online", "officer", 144, 2, 2 * three),
    }


def test_ratings_versions_and_services_are_kept_apart():
    events_make(kind="rated", rating=5, count=2, when=NINE)
    events_make(kind="rated", rating=2, when=NINE)
    events_make(kind="started", version=2, count=4, when=NINE)
    events_make(kind="started", service_slug="child-health-card", when=NINE)

    aggregate_all()

    rows = MeasureDay.objects.filter(day=DAY).values_list("service_slug", "version", "kind",
                                                          "rating", "count")  # fmt: skip
    assert set(rows) == {
        (SERVICE, 1, "rated", 5, 2),
        (SERVICE, 1, "rated", 2, 1),
        (SERVICE, 2, "started", 0, 4),
        ("child-health-card", 1, "started", 0, 1),
    }


# --- days ---------------------------------------------------------------------------------------


def test_a_second_before_and_at_1700_utc_land_on_different_local_days():
    events_make(kind="started", when=at(2026, 3, 1, 16, 59, 59))  # 23:59:59 on 1 March
    events_make(kind="started", when=at(2026, 3, 1, 17, 0, 0))  # 00:00:00 on 2 March

    aggregate_all()

    days = MeasureDay.objects.order_by("day").values_list("day", "count")
    assert list(days) == [(dt.date(2026, 3, 1), 1), (DAY, 1)]


def test_a_day_adds_up_its_hours():
    events_make(kind="started", when=at(2026, 3, 1, 17, 30))  # 00:30 local
    events_make(kind="started", count=2, when=NINE)
    events_make(kind="started", when=at(2026, 3, 2, 16, 59))  # 23:59 local

    aggregate_all()

    assert MeasureHour.objects.count() == 3
    assert list(MeasureDay.objects.values_list("day", "count")) == [(DAY, 4)]


def test_a_day_rebuilt_alone_reads_the_hours_already_built():
    events_make(kind="started", count=2, when=NINE)
    aggregate_all()
    MeasureDay.objects.all().delete()

    report = days_rebuild(days=[DAY, DAY])

    assert list(MeasureDay.objects.values_list("day", "count")) == [(DAY, 2)]
    assert (report.days, report.day_rows, report.hours) == (1, 1, 0)


# --- rebuilding ---------------------------------------------------------------------------------


def test_rebuilding_twice_gives_the_same_rows():
    events_make(kind="submitted", seconds=[60, 3600], when=NINE)
    events_make(kind="page_viewed", page_id="medical", count=5, when=at(2026, 3, 2, 5, 10))
    aggregate_all()
    first = every_row()

    aggregate_all()
    hours_rebuild(start=at(2026, 3, 2, 0), end=at(2026, 3, 2, 8))

    assert every_row() == first
    # 02:00: a count row and two bars; 05:00: a count row; the day: the same four, added up
    assert len(first) == 8


def test_an_hour_whose_events_are_gone_is_rebuilt_empty():
    events_make(kind="started", when=NINE)
    aggregate_all()
    Event.objects.all().delete()

    hours_rebuild(start=NINE, end=NINE + dt.timedelta(minutes=1))

    assert not MeasureHour.objects.exists() and not MeasureDay.objects.exists()
    assert AggregatedHour.objects.values_list("hour", "events", "rows").get() == (NINE, 0, 0)


def test_the_job_counts_an_event_committed_after_its_hour_was_built():
    # given the job ran at 10:05 UTC (the 09:00 and 10:00 hours built)
    events_make(kind="started", when=at(2026, 3, 2, 9, 40))
    measures_aggregate(now=at(2026, 3, 2, 10, 5))
    # when an event of 09:50 commits late, after that run
    events_make(kind="started", when=at(2026, 3, 2, 9, 50))

    report = measures_aggregate(now=at(2026, 3, 2, 10, 10))

    # then the next run counts it: it always rebuilds the hour before too
    assert MeasureHour.objects.get(hour=at(2026, 3, 2, 9)).count == 2
    assert (report.hours, report.first_hour, report.last_hour) == (
        2,
        at(2026, 3, 2, 9),
        at(2026, 3, 2, 10),
    )


def test_the_job_catches_up_on_hours_missed_oldest_first():
    # given the last hour built was 05:00 and the scheduler was stopped until 10:05
    AggregatedHour.objects.create(hour=at(2026, 3, 2, 5), events=0, rows=0, built_at=NINE)
    events_make(kind="started", when=at(2026, 3, 2, 7, 15))

    report = measures_aggregate(now=at(2026, 3, 2, 10, 5))

    assert (report.hours, report.first_hour) == (5, at(2026, 3, 2, 6))
    assert MeasureHour.objects.get().hour == at(2026, 3, 2, 7)


def test_a_long_catch_up_goes_on_at_the_next_run_where_it_stopped():
    # given events from long before the first run
    events_make(kind="started", when=at(2026, 3, 1, 0, 30))
    events_make(kind="started", when=at(2026, 3, 2, 9, 30))
    now = at(2026, 3, 2, 10, 5)  # 35 hours after the first event's hour

    first = measures_aggregate(now=now)
    second = measures_aggregate(now=now)

    assert (first.hours, first.first_hour) == (CATCH_UP_HOURS, at(2026, 3, 1, 0))
    assert second.first_hour == at(2026, 3, 2, 0) and second.last_hour == at(2026, 3, 2, 10)
    assert sorted(MeasureHour.objects.values_list("hour", flat=True)) == [
        at(2026, 3, 1, 0),
        at(2026, 3, 2, 9),
    ]


def test_the_job_runs_every_five_minutes_and_counts_what_just_happened():
    discover_jobs()
    [job] = [one for one in job_registry if one.name == "onegate.insights.jobs.aggregate_measures"]
    assert job.every == dt.timedelta(minutes=5)
    events_make(kind="started", count=2, when=timezone.now())

    job.func()

    assert MeasureDay.objects.get(day=timezone.localdate()).count == 2


def test_sparse_hours_are_rebuilt_each_once_with_their_days():
    events_make(kind="started", when=at(2026, 3, 1, 16, 10))  # 1 March, local
    events_make(kind="started", count=2, when=NINE)  # 2 March
    events_make(kind="started", when=NINE + dt.timedelta(minutes=30))

    report = hours_list_rebuild(hours=[at(2026, 3, 1, 16, 10), NINE, NINE, NINE])

    assert (report.hours, report.events, report.days) == (2, 4, 2)
    assert report.day_list == [dt.date(2026, 3, 1), DAY]
    assert list(MeasureDay.objects.order_by("day").values_list("count", flat=True)) == [1, 3]


def test_a_rebuild_range_must_make_sense():
    with pytest.raises(ValueError, match="before start"):
        hours_rebuild(start=NINE, end=NINE - dt.timedelta(hours=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        hours_rebuild(start=dt.datetime(2026, 3, 2, 2), end=NINE)  # noqa: DTZ001


# --- the operators' command ---------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("insights_aggregate", *args, stdout=out)
    return out.getvalue()


def test_the_command_rebuilds_a_range_and_says_what_it_did():
    events_make(kind="started", count=3, when=NINE)

    said = run("--since", "2026-03-02T01", "--until", "2026-03-02T03")

    assert said.startswith(
        "Rebuilt hours: 3 (2026-03-02T01 to 2026-03-02T03 UTC), events: 3, hourly rows: 1; "
        "days: 1, daily rows: 1; in "
    )
    assert MeasureDay.objects.get().count == 3


def test_the_command_alone_does_what_the_job_does():
    assert run().startswith("Rebuilt hours: 2 (")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "--since must be a UTC hour written YYYY-MM-DDTHH"),
        (["--since", "2026-02-30T01"], "--since must be a UTC hour"),
        (["--since", "2026-03-02T01", "--until", "2026-03-02T25"], "--until must be a UTC hour"),
        (["--since", "2026-03-02T05", "--until", "2026-03-02T01"], "--until is before --since"),
        (["--until", "2026-03-02T05"], "--until needs --since"),
        (["--since", "2999-01-01T00"], "must not be in the future"),
    ],
)
def test_the_command_says_what_is_wrong_with_its_arguments(args: list[str], message: str):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not AggregatedHour.objects.exists()


# --- PostgreSQL: the plan -------------------------------------------------------------------------


@pytest.mark.postgres
def test_an_hours_events_are_read_through_the_time_index():
    from onegate.insights.services.aggregation import _hour_statements

    events_make(kind="submitted", seconds=[60], when=NINE)
    start, end = NINE, NINE + dt.timedelta(hours=1)
    with connection.cursor() as cursor:
        # A small table is cheaper to read whole: ask for the plan an hour of millions gets.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql, extra in _hour_statements():
            cursor.execute(f"EXPLAIN {sql}", [NINE, start, end, *extra])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "insights_event_time" in plan, plan


# --- a long range, a local day at a time ---------------------------------------------------------


def hours_built() -> list[tuple]:
    return list(AggregatedHour.objects.order_by("hour").values_list("hour", "events", "rows"))


def aggregates_forget() -> None:
    for model in (MeasureHour, MeasureDay, AggregatedHour):
        model.objects.all().delete()


def three_days_of_events() -> None:
    """Events over three local days, at the edges of hours and of local days (17:00 UTC), on
    both services, every kind of row; most hours hold none."""
    events_make(kind="started", count=3, when=at(2026, 3, 1, 16, 59, 59))  # 1 March, local
    events_make(kind="started", count=2, when=at(2026, 3, 1, 17))  # 2 March, local midnight
    events_make(kind="page_viewed", page_id="medical", count=4, when=at(2026, 3, 1, 17, 0, 1))
    events_make(kind="page_invalid", page_id="medical", channel="assisted", when=NINE)
    events_make(kind="submitted", seconds=[60, 61, 3600], when=NINE)
    events_make(kind="submitted", seconds=[90], channel="paper", when=at(2026, 3, 2, 2, 59, 59))
    events_make(kind="decided", seconds=[5, 5, 86400], outcome="approve", decided_how="rules",
                sla="met", when=at(2026, 3, 2, 23, 30))  # fmt: skip
    events_make(kind="decided", seconds=[400000], outcome="refuse", decided_how="officer",
                sla="missed", when=at(2026, 3, 3, 16, 59),
                service_slug="national-id-card")  # fmt: skip
    events_make(kind="rated", rating=4, count=2, when=at(2026, 3, 3, 1, 15), version=2)
    events_make(kind="started", when=at(2026, 3, 3, 1, 15))


def test_a_long_range_is_rebuilt_a_day_at_a_time_into_the_rows_of_hour_by_hour():
    three_days_of_events()
    start, end = at(2026, 2, 28, 20), at(2026, 3, 3, 20)  # 72 hours, local days cut at both ends
    each_hour = [start + dt.timedelta(hours=n) for n in range(72)]
    hour_by_hour = hours_list_rebuild(hours=each_hour)  # each hour on its own
    rows, built = every_row(), hours_built()
    assert (len(built), hour_by_hour.events) == (72, 21)
    aggregates_forget()

    by_day = hours_rebuild(start=start, end=end)

    assert every_row() == rows
    assert hours_built() == built
    assert (by_day.hours, by_day.events, by_day.hour_rows) == (72, 21, hour_by_hour.hour_rows)
    assert (by_day.day_list, by_day.day_rows) == (hour_by_hour.day_list, hour_by_hour.day_rows)
    assert by_day.day_list == [dt.date(2026, 3, 1), DAY, dt.date(2026, 3, 3), dt.date(2026, 3, 4)]


def test_a_long_range_rebuilt_twice_or_over_old_rows_gives_the_same_rows():
    three_days_of_events()
    start, end = at(2026, 2, 28, 20), at(2026, 3, 3, 20)
    hours_rebuild(start=start, end=end)
    first, built = every_row(), hours_built()
    events_make(kind="started", count=5, when=at(2026, 3, 2, 10))
    hours_rebuild(start=start, end=end)
    assert MeasureDay.objects.get(day=DAY, kind="started").count == 2 + 5
    Event.objects.filter(occurred_at=at(2026, 3, 2, 10)).delete()

    hours_rebuild(start=start, end=end)

    assert every_row() == first
    assert hours_built() == built
