"""The aggregates the dashboards read: events grouped by UTC hour, then by Asia/Bangkok day.

An hour is rebuilt whole, in its own transaction: its ``MeasureHour`` rows deleted, then written
again from the events by one ``INSERT … SELECT … GROUP BY`` per kind of row (the count rows of
every dimension; the SUBMITTED histogram by channel; the DECIDED histogram by channel and how it
was decided), each reading the hour's events through the ``insights_event_time`` index. A day is
rebuilt the same way from the ``MeasureHour`` rows of its 24 hours (a Bangkok day, UTC+7, runs
from 17:00 UTC the day before). The statements are parameterised SQL that PostgreSQL and SQLite
both run. So a rebuild gives the same rows however often it runs, and nothing in a dashboard's
request ever reads an event.

The periodic job (``measures_aggregate``, every five minutes) rebuilds the current hour and the
one before, so an event committed after its hour was first built (a long transaction, a clock
near the hour) is counted at the next run; and any hour since the last one built (the job was
stopped), oldest first, at most ``CATCH_UP_HOURS`` a run. ``hours_rebuild`` does any range, for
backfills (``manage.py insights_aggregate``). Rebuilds are serialised (an advisory lock on
PostgreSQL; SQLite's writers queue anyway), so two at once never double an hour's rows.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from onegate.insights.constants import COUNT_ROW, EventKind
from onegate.insights.measures import figures_forget
from onegate.insights.models import AggregatedHour, Event, MeasureDay, MeasureHour

__all__ = [
    "AggregationReport",
    "days_rebuild",
    "hours_list_rebuild",
    "hours_rebuild",
    "measures_aggregate",
]

HOUR = dt.timedelta(hours=1)
# ``hours_rebuild`` of this many hours or more rebuilds a local day at a time, not an hour.
RANGE_FROM_HOURS = 24
# The most hours one run of the periodic job catches up on, so it ends well within its lease;
# the next run goes on from there.
CATCH_UP_HOURS = 24
# Rebuilds of hours and days hold this PostgreSQL advisory lock (per transaction).
_LOCK_KEY = 1_100_000_011  # any number no other advisory lock of the project uses

# The dimensions of a count row, in the column order of the statements below.
DIMENSIONS = (
    "service_slug",
    "version",
    "channel",
    "kind",
    "page_id",
    "outcome",
    "decided_how",
    "sla",
    "rating",
)


@dataclass
class AggregationReport:
    """What a rebuild did, for the operator: hours and days rebuilt, the events they hold, the
    aggregate rows written, and how long it took."""

    hours: int = 0
    days: int = 0
    events: int = 0
    hour_rows: int = 0
    day_rows: int = 0
    seconds: float = 0.0
    first_hour: dt.datetime | None = None
    last_hour: dt.datetime | None = None
    day_list: list[dt.date] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.hour_rows + self.day_rows

    def __str__(self) -> str:
        span = ""
        if self.first_hour is not None and self.last_hour is not None:
            span = f" ({self.first_hour:%Y-%m-%dT%H} to {self.last_hour:%Y-%m-%dT%H} UTC)"
        return (
            f"hours: {self.hours}{span}, events: {self.events}, hourly rows: {self.hour_rows}; "
            f"days: {self.days}, daily rows: {self.day_rows}; in {self.seconds:.2f} s"
        )


# --- time -------------------------------------------------------------------------------------


def _hour_floor(moment: dt.datetime) -> dt.datetime:
    """The UTC hour ``moment`` falls in."""
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def _local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """A local calendar day (``settings.TIME_ZONE``) as UTC ``[start, end)``."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _local_day(hour: dt.datetime) -> dt.date:
    return timezone.localtime(hour).date()


# --- the statements ---------------------------------------------------------------------------
# Table and column names come from the models, quoted; every value from outside is a parameter.


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(*names: str) -> str:
    return ", ".join(_q(name) for name in names)


def _hour_statements(*, by_hour: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """The INSERT … SELECT statements of an hour's rows, each with the parameters it takes after
    ``(hour, start, end)``: the count rows, then the two histograms. With ``by_hour``, those of
    every hour of a range, grouped also by each event's hour; they take ``(start, end)`` first.
    """
    target = (
        f"INSERT INTO {_q(MeasureHour._meta.db_table)} "
        f"({_columns('hour', *DIMENSIONS, 'bucket', 'count', 'seconds_sum')}) "
    )
    source = (
        f"FROM {_q(Event._meta.db_table)} "
        f"WHERE {_q('occurred_at')} >= %s AND {_q('occurred_at')} < %s"
    )
    sums = f"COUNT(*), COALESCE(SUM({_q('seconds')}), 0)"
    hour = _event_hour() if by_hour else "%s"
    dims = _columns(*DIMENSIONS)
    grouped = f"{_event_hour()}, {dims}" if by_hour else dims
    counts = f"{target}SELECT {hour}, {dims}, {COUNT_ROW:d}, {sums} {source} GROUP BY {grouped}"
    return [
        (counts, ()),
        (
            _histogram(target, source, sums, by_how=False, by_hour=by_hour),
            (EventKind.SUBMITTED.value,),
        ),
        (
            _histogram(target, source, sums, by_how=True, by_hour=by_hour),
            (EventKind.DECIDED.value,),
        ),
    ]


def _histogram(target: str, source: str, sums: str, *, by_how: bool, by_hour: bool) -> str:
    """A histogram's rows (one kind of event, by bucket): service, version, channel and, with
    ``by_how``, how it was decided; the other dimensions are left empty."""
    keys = ("service_slug", "version", "channel", "kind")
    grouped = _columns(*keys, "decided_how") if by_how else _columns(*keys)
    if by_hour:
        grouped = f"{_event_hour()}, {grouped}"
    how = _q("decided_how") if by_how else "''"
    hour = _event_hour() if by_hour else "%s"
    return (
        f"{target}SELECT {hour}, {_columns(*keys)}, '', '', {how}, '', 0, {_q('bucket')}, {sums} "
        f"{source} AND {_q('kind')} = %s AND {_q('bucket')} IS NOT NULL "
        f"GROUP BY {grouped}, {_q('bucket')}"
    )


def _event_hour() -> str:
    """The UTC hour of an event's ``occurred_at``, as the database stores ``MeasureHour.hour``.

    PostgreSQL: a ``timestamptz`` truncated in UTC whatever the session's time zone. SQLite:
    Django keeps a datetime as UTC text, ``YYYY-MM-DD HH:MM:SS`` with ``.ffffff`` when there are
    microseconds; an hour (no microseconds) is ``YYYY-MM-DD HH:00:00``, which ``strftime`` gives.
    """
    column = _q("occurred_at")
    if connection.vendor == "postgresql":
        return f"(date_trunc('hour', {column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
    if connection.vendor == "sqlite":
        return f"strftime('%%Y-%%m-%%d %%H:00:00', {column})"
    raise NotImplementedError(f"no hour of an event on {connection.vendor}")


def _day_statement() -> str:
    """The INSERT … SELECT of a day's rows from its hours: ``(day, start, end)``."""
    kept = (*DIMENSIONS, "bucket")
    return (
        f"INSERT INTO {_q(MeasureDay._meta.db_table)} "  # noqa: S608  (names from the models)
        f"({_columns('day', *kept, 'count', 'seconds_sum')}) "
        f"SELECT %s, {_columns(*kept)}, SUM({_q('count')}), SUM({_q('seconds_sum')}) "
        f"FROM {_q(MeasureHour._meta.db_table)} WHERE {_q('hour')} >= %s AND {_q('hour')} < %s "
        f"GROUP BY {_columns(*kept)}"
    )


def _serialised() -> None:
    """Inside a rebuild's transaction: wait for any other rebuild to finish first."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


# --- rebuilding -------------------------------------------------------------------------------


def _hour_rebuild(hour: dt.datetime) -> tuple[int, int]:
    """Rebuild one hour's rows in one transaction; (events, rows written)."""
    # The hour is both the rows' ``hour`` and the start of the events' range.
    start = connection.ops.adapt_datetimefield_value(hour)
    end = connection.ops.adapt_datetimefield_value(hour + HOUR)
    rows = 0
    with transaction.atomic():
        _serialised()
        MeasureHour.objects.filter(hour=hour).delete()
        with connection.cursor() as cursor:
            for sql, extra in _hour_statements():
                cursor.execute(sql, [start, start, end, *extra])
                rows += max(cursor.rowcount, 0)
        counted = MeasureHour.objects.filter(hour=hour, bucket=COUNT_ROW).aggregate(n=Sum("count"))
        events = int(counted["n"] or 0)
        AggregatedHour.objects.update_or_create(
            hour=hour, defaults={"events": events, "rows": rows, "built_at": timezone.now()}
        )
    return events, rows


def _day_rebuild(day: dt.date) -> int:
    """Rebuild one local day's rows from its hours, in one transaction; the rows written."""
    start, end = _local_day_bounds(day)
    params = [
        connection.ops.adapt_datefield_value(day),
        connection.ops.adapt_datetimefield_value(start),
        connection.ops.adapt_datetimefield_value(end),
    ]
    with transaction.atomic():
        _serialised()
        MeasureDay.objects.filter(day=day).delete()
        with connection.cursor() as cursor:
            cursor.execute(_day_statement(), params)
            return max(cursor.rowcount, 0)


def _day_hours_rebuild(day: dt.date, hours: list[dt.datetime]) -> tuple[int, int, int]:
    """Rebuild consecutive hours of one local day, then the day, in one transaction; (events,
    hourly rows, daily rows)."""
    first, end = hours[0], hours[-1] + HOUR
    adapt = connection.ops.adapt_datetimefield_value
    hour_rows = 0
    with transaction.atomic():
        _serialised()
        MeasureHour.objects.filter(hour__gte=first, hour__lt=end).delete()
        with connection.cursor() as cursor:
            for sql, extra in _hour_statements(by_hour=True):
                cursor.execute(sql, [adapt(first), adapt(end), *extra])
                hour_rows += max(cursor.rowcount, 0)
        built = _hours_built(first, end)
        now = timezone.now()
        marks = []
        for hour in hours:  # an hour without events is built too: no rows, 0 events
            events, rows = built.get(hour, (0, 0))
            marks.append(AggregatedHour(hour=hour, events=events, rows=rows, built_at=now))
        AggregatedHour.objects.bulk_create(
            marks,
            update_conflicts=True,
            unique_fields=["hour"],
            update_fields=["events", "rows", "built_at"],
        )
        day_rows = _day_rebuild(day)
    return sum(events for events, _rows in built.values()), hour_rows, day_rows


def _hours_built(first: dt.datetime, end: dt.datetime) -> dict[dt.datetime, tuple[int, int]]:
    """(events, rows) of each hour in ``[first, end)`` with rows, from its ``MeasureHour`` rows:
    what the hour-by-hour rebuild records for it."""
    found = (
        MeasureHour.objects.filter(hour__gte=first, hour__lt=end)
        .values("hour")
        .annotate(events=Sum("count", filter=Q(bucket=COUNT_ROW)), rows=Count("id"))
        .order_by()
    )
    return {row["hour"]: (int(row["events"] or 0), row["rows"]) for row in found}


def _hours_between(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Each UTC hour that begins in ``[the hour of start, end)``."""
    hours, hour = [], _hour_floor(start)
    while hour < end:
        hours.append(hour)
        hour += HOUR
    return hours


def _rebuild(hours: list[dt.datetime]) -> AggregationReport:
    began = time.monotonic()
    report = AggregationReport()
    for hour in hours:
        events, rows = _hour_rebuild(hour)
        report.hours += 1
        report.events += events
        report.hour_rows += rows
    if hours:
        report.first_hour, report.last_hour = hours[0], hours[-1]
    days = sorted({_local_day(hour) for hour in hours})
    _days_into(report, days)
    report.seconds = time.monotonic() - began
    return report


def _days_into(report: AggregationReport, days: Iterable[dt.date]) -> None:
    for day in days:
        report.day_rows += _day_rebuild(day)
        report.days += 1
        report.day_list.append(day)
    if report.days:
        figures_forget()  # the dashboards' cached figures, once the days are committed


def _aware(moment: dt.datetime, name: str) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError(f"{name} must be timezone-aware")
    return moment


def hours_rebuild(*, start: dt.datetime, end: dt.datetime) -> AggregationReport:
    """Rebuild every UTC hour beginning in ``[hour of start, end)``, one transaction each, then
    the local days those hours touch (whole: from all of each day's hours).

    A range of ``RANGE_FROM_HOURS`` or more (a backfill, the demo's months of history) is
    rebuilt a local day at a time instead (``_range_rebuild``): the same rows, far fewer
    statements."""
    start, end = _aware(start, "start"), _aware(end, "end")
    if end < start:
        raise ValueError("end is before start")
    hours = _hours_between(start, end)
    if len(hours) >= RANGE_FROM_HOURS:
        return _range_rebuild(hours)
    return _rebuild(hours)


def _range_rebuild(hours: list[dt.datetime]) -> AggregationReport:
    """Rebuild consecutive hours a local day at a time: per day, in one transaction, the day's
    hours of the range by three statements grouped also by the hour, their ``AggregatedHour``
    rows upserted at once, then the day itself (from all its hours). The rows are those the
    hour-by-hour rebuild writes."""
    began = time.monotonic()
    report = AggregationReport()
    by_day: dict[dt.date, list[dt.datetime]] = {}
    for hour in hours:
        by_day.setdefault(_local_day(hour), []).append(hour)
    for day, day_hours in by_day.items():
        events, rows, day_rows = _day_hours_rebuild(day, day_hours)
        report.hours += len(day_hours)
        report.events += events
        report.hour_rows += rows
        report.day_rows += day_rows
        report.days += 1
        report.day_list.append(day)
    if hours:
        report.first_hour, report.last_hour = hours[0], hours[-1]
        figures_forget()  # the dashboards' cached figures, once the days are committed
    report.seconds = time.monotonic() - began
    return report


def hours_list_rebuild(*, hours: Iterable[dt.datetime]) -> AggregationReport:
    """Rebuild the UTC hours these moments fall in (each once, in its own transaction), then the
    local days they touch: for sparse data (tests, a few hours found wrong), where a range
    would be mostly empty hours."""
    return _rebuild(sorted({_hour_floor(_aware(moment, "hour")) for moment in hours}))


def days_rebuild(*, days: Iterable[dt.date]) -> AggregationReport:
    """Rebuild these local days from the hourly rows already built (one transaction each)."""
    began = time.monotonic()
    report = AggregationReport()
    _days_into(report, sorted(set(days)))
    report.seconds = time.monotonic() - began
    return report


def _first_hour_due(current: dt.datetime) -> dt.datetime:
    """The oldest hour this run rebuilds: the hour after the last one built (or the first
    event's, before any was built), and never later than the hour before ``current``."""
    previous = current - HOUR
    last = AggregatedHour.objects.aggregate(last=Max("hour"))["last"]
    if last is not None:
        return min(previous, last + HOUR)
    first = Event.objects.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    return min(previous, _hour_floor(first)) if first is not None else previous


def measures_aggregate(*, now: dt.datetime | None = None) -> AggregationReport:
    """The periodic job: rebuild the hour before ``now``'s and ``now``'s own, after any hours
    missed since the last run (at most ``CATCH_UP_HOURS`` a run, oldest first), and their days.

    While catching up, a run stops at its limit without the latest hours, so the last hour
    built stays the watermark and the next run carries on from it."""
    current = _hour_floor(now or timezone.now())
    hours = _hours_between(_first_hour_due(current), current + HOUR)
    return _rebuild(hours[:CATCH_UP_HOURS])
