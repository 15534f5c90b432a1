"""A service's performance figures, worked out from the daily aggregates.

Every figure here is read from ``MeasureDay`` (never from the raw events) with one grouped
query per page: the database adds up the days, Python adds up what is left (channels, outcomes,
ratings, pages) and reads the percentiles off the duration histograms (``histogram.py``). The
service owners' figures (``ServicePeriodInput``) bring in paper and phone applications made
outside OneGate and the cost of a transaction; where a month has no cost, the current
published definition's ``performance`` baseline stands in.

The definitions of every figure are in ``docs/insights.md``; they are repeated next to the
code that computes them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, DateField, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, TruncMonth, TruncWeek
from django.utils.translation import gettext as _

from onegate.core.languages import format_date, pick
from onegate.definitions.constants import RELEASED_STATES
from onegate.definitions.language import CompiledDefinition
from onegate.definitions.language.model import Performance
from onegate.definitions.selectors import (
    definition_published_current,
    definition_version_numbered,
)
from onegate.insights.constants import COUNT_ROW, Channel, EventKind
from onegate.insights.histogram import percentile
from onegate.insights.models import MeasureDay, ServicePeriodInput
from onegate.insights.periods import Period

__all__ = [
    "Costs",
    "Duration",
    "Measures",
    "PageStep",
    "Series",
    "SeriesPoint",
    "figures_forget",
    "figures_generation",
    "measures_by_service",
    "service_measures",
    "service_series",
    "service_versions",
    "versions_compare",
]

K = EventKind
# The events a page of the funnel counts; the headline figures leave them out of their query.
PAGE_KINDS = (K.PAGE_VIEWED, K.PAGE_COMPLETED, K.PAGE_INVALID, K.INELIGIBLE, K.ABANDONED)
HEADLINE_KINDS = (K.STARTED, K.SUBMITTED, K.DECIDED, K.RATED)
# A series has a point a day up to this many days, and a point a week (from Monday) beyond.
DAILY_POINTS_UP_TO = 92
DIGITAL_CHANNELS = (Channel.ONLINE, Channel.ASSISTED)
CENT = Decimal("0.01")


# --- what the pages show -----------------------------------------------------------------------


@dataclass(frozen=True)
class Duration:
    """How long something took, read from a histogram (``histogram.percentile``)."""

    count: int
    median: float | None  # seconds; None with nothing counted
    p90: float | None


@dataclass(frozen=True)
class PageStep:
    """One page of the funnel, in the definition's page order."""

    page_id: str
    title: str  # in the current language, from the version's definition (the id if unknown)
    viewed: int
    completed: int
    invalid: int
    ineligible: int
    abandoned: int
    error_rate: float | None  # invalid / viewed: the pages where people fail validation most


@dataclass(frozen=True)
class Costs:
    """What the service's transactions cost, against doing every one of them on paper."""

    paper_cost: Decimal  # per transaction: the months' figures weighted by days, or the baseline
    digital_cost: Decimal
    digital_transactions: int  # online + assisted digital
    paper_transactions: int  # paper keyed in + the owners' paper and phone volumes
    cost_per_transaction: Decimal | None  # actual_total / all transactions
    paper_baseline_total: Decimal  # every transaction at the paper cost
    actual_total: Decimal
    savings: Decimal  # paper_baseline_total - actual_total


@dataclass(frozen=True)
class Measures:
    """Every figure of one service (one version, or all) over a period."""

    service_slug: str
    version: int | None  # None: all versions
    period: Period
    started: int
    submitted: dict[str, int]  # by Channel value, every channel present
    submitted_total: int
    outside: dict[str, int]  # {"paper", "phone"}: the owners' figures, pro rata; {} for a version
    take_up: float | None  # online / (submitted_total + outside)
    completion_rate: float | None  # submitted_total / started
    time_to_complete: Duration  # started to sent, online and assisted digital
    decided: int
    approved: int
    refused: int
    decided_automatically: int
    auto_decision_rate: float | None  # decided_automatically / decided
    time_to_decision: Duration  # sent to decided
    sla_met: int
    sla_missed: int
    sla_rate: float | None  # sla_met / (sla_met + sla_missed)
    ratings: dict[int, int]  # 1..5, every key present
    satisfaction: float | None  # (4s + 5s) / all ratings
    funnel: list[PageStep]
    costs: Costs | None  # None for one version, and for a service with no costs known

    @property
    def transactions(self) -> int:
        """Applications through every channel, those made outside OneGate included."""
        return self.submitted_total + sum(self.outside.values())


@dataclass(frozen=True)
class SeriesPoint:
    """A day or a week of a series."""

    start: dt.date
    end: dt.date
    label: str  # the day, or "Week from …", in the current language
    started: int
    submitted: dict[str, int]  # by Channel value, every channel present
    submitted_total: int
    completion_rate: float | None
    auto_decision_rate: float | None
    median_decision_seconds: float | None
    satisfaction: float | None
    sla_rate: float | None


@dataclass(frozen=True)
class Series:
    """A service's figures over time: a point a day up to 92 days, a week (Monday on) beyond."""

    service_slug: str
    version: int | None
    period: Period
    step: str  # "day" or "week"
    points: list[SeriesPoint]


# --- the figures' cache --------------------------------------------------------------------------
# The grouped reads below change only when the aggregation rebuilds days, so each is kept in
# Django's cache (the database cache in the embedded setup, Redis at scale) under a key holding
# the current *generation*: a number the aggregation replaces once its rows are committed
# (``figures_forget``), which sets aside everything cached before. What else goes into a figure
# (the owners' monthly figures, the definition's page titles and cost baseline) is read afresh
# on each request: an owner's save shows at once, in any language.

GENERATION_KEY = "insights:figures:generation"
FIGURES_CACHE_SECONDS = 3600  # a generation's entries outlive it by at most this
T = TypeVar("T")


def figures_generation() -> int | None:
    """The current generation of the aggregates (None when the cache keeps nothing)."""
    found = cache.get(GENERATION_KEY)
    if found is None:
        # None before any aggregation, or the key was evicted: a new number, never one used
        # before, so nothing cached under an older one can be read back.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        found = cache.get(GENERATION_KEY)
    return found if isinstance(found, int) else None


def figures_forget() -> None:
    """The aggregates changed: every figure cached so far is set aside. The aggregation calls
    it after rebuilding days.

    Inside a transaction, twice: at once, so that the transaction's own reads see its rows,
    and when it commits, so that what another request cached meanwhile from the rows as they
    were before is never read again."""

    def renew() -> None:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)

    if transaction.get_connection().in_atomic_block:
        renew()
    transaction.on_commit(renew)  # at once outside a transaction


def _remembered(parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, kept in the cache for the current generation under ``parts``."""
    generation = figures_generation()
    if generation is None:
        return compute()
    digest = hashlib.sha256(repr((generation, *parts)).encode()).hexdigest()
    key = f"insights:figures:{digest}"
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, FIGURES_CACHE_SECONDS)
    return found


# --- adding up the aggregate rows --------------------------------------------------------------


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class _Tally:
    """The grouped ``MeasureDay`` rows of one service (and day, week or month), added up.

    Kept in the cache (pickled), so it holds plain counters only."""

    started: int = 0
    submitted: Counter[str] = field(default_factory=Counter)
    decided: int = 0
    approved: int = 0
    refused: int = 0
    automatic: int = 0
    sla: Counter[str] = field(default_factory=Counter)
    ratings: Counter[int] = field(default_factory=Counter)
    pages: dict[str, Counter[str]] = field(default_factory=dict)
    to_complete: Counter[int] = field(default_factory=Counter)  # histogram bucket: count
    to_decision: Counter[int] = field(default_factory=Counter)

    def add(self, row: Mapping[str, Any]) -> None:
        """One grouped row of ``_grouped``."""
        kind, count, bucket = row["kind"], int(row["n"] or 0), row["bucket"]
        if bucket != COUNT_ROW:
            # Only the histograms the figures use are read (``_TO_COMPLETE``, ``_TO_DECISION``).
            if kind == K.SUBMITTED:
                self.to_complete[bucket] += count
            elif kind == K.DECIDED:
                self.to_decision[bucket] += count
        elif kind == K.STARTED:
            self.started += count
        elif kind == K.SUBMITTED:
            self.submitted[row["by_channel"]] += count
        elif kind == K.DECIDED:
            self._add_decided(row, count)
        elif kind == K.RATED and 1 <= row["rating"] <= 5:
            self.ratings[row["rating"]] += count
        elif kind in PAGE_KINDS and row.get("page_id"):
            self.pages.setdefault(row["page_id"], Counter())[kind] += count

    def _add_decided(self, row: Mapping[str, Any], count: int) -> None:
        self.decided += count
        self.approved += count if row["outcome"] == "approve" else 0
        self.refused += count if row["outcome"] == "refuse" else 0
        self.automatic += count if row["by_how"] == "rules" else 0
        if row["sla"]:
            self.sla[row["sla"]] += count

    def merge(self, other: _Tally) -> None:
        self.started += other.started
        self.decided += other.decided
        self.approved += other.approved
        self.refused += other.refused
        self.automatic += other.automatic
        self.submitted.update(other.submitted)
        self.sla.update(other.sla)
        self.ratings.update(other.ratings)
        self.to_complete.update(other.to_complete)
        self.to_decision.update(other.to_decision)
        for page_id, kinds in other.pages.items():
            self.pages.setdefault(page_id, Counter()).update(kinds)

    # the figures

    def submitted_by_channel(self) -> dict[str, int]:
        return {channel.value: self.submitted[channel.value] for channel in Channel}

    def sla_rate(self) -> float | None:
        return _ratio(self.sla["met"], self.sla["met"] + self.sla["missed"])

    def satisfaction(self) -> float | None:
        return _ratio(self.ratings[4] + self.ratings[5], sum(self.ratings.values()))


def _duration(histogram: Mapping[int, int]) -> Duration:
    return Duration(
        count=sum(histogram.values()),
        median=percentile(histogram, 0.5),
        p90=percentile(histogram, 0.9),
    )


# The aggregate rows the figures read. Count rows: the headline kinds, and the pages' kinds for
# a funnel. Histograms: time to decision, and time to complete of the digital channels only (a
# paper form keyed in times the officer's typing, not the person).
_HEADLINE_COUNTS = Q(bucket=COUNT_ROW, kind__in=HEADLINE_KINDS)
_PAGE_COUNTS = Q(bucket=COUNT_ROW, kind__in=PAGE_KINDS)
_TO_DECISION = Q(bucket__gte=0, kind=K.DECIDED)
_TO_COMPLETE = Q(bucket__gte=0, kind=K.SUBMITTED) & ~Q(channel=Channel.PAPER)


def _day_rows(
    *,
    start: dt.date,
    end: dt.date,
    slugs: Collection[str],
    version: int | None = None,
) -> QuerySet[MeasureDay]:
    """The ``MeasureDay`` rows of the services (and version) from ``start`` to ``end``."""
    rows = MeasureDay.objects.filter(day__gte=start, day__lte=end)
    if len(slugs) == 1:
        rows = rows.filter(service_slug=next(iter(slugs)))
    else:
        rows = rows.filter(service_slug__in=sorted(slugs))
    if version is not None:
        rows = rows.filter(version=version)
    return rows


def _grouped(
    rows: QuerySet[MeasureDay],
    *,
    by: Sequence[str] = (),
    pages: bool = False,
    to_complete: bool = True,
) -> QuerySet[MeasureDay, dict[str, Any]]:
    """The rows the figures need, summed in SQL over the days and versions, grouped by ``by``
    (``service_slug``, ``point``, ``month``: annotated by the caller) and the dimensions; with
    ``pages`` the funnel's rows (by page), with ``to_complete`` the time-to-complete histogram.

    A histogram's bars are read by bucket alone: their channel and how decided are blanked, so
    a week of a busy service's decisions is some 50 rows, not 300. (Blanking what a count row
    does not use as well gains little, and makes the planner misjudge the groups and sort.)"""
    wanted = _HEADLINE_COUNTS | _TO_DECISION
    if to_complete:
        wanted |= _TO_COMPLETE
    dimensions = ["kind", "by_channel", "outcome", "by_how", "sla", "rating", "bucket"]
    if pages:
        wanted |= _PAGE_COUNTS
        dimensions.append("page_id")
    rows = rows.filter(wanted).annotate(
        by_channel=_count_rows_only("channel"), by_how=_count_rows_only("decided_how")
    )
    return rows.values(*by, *dimensions).annotate(n=Sum("count")).order_by()


def _count_rows_only(name: str) -> Case:
    """The column on count rows, blank on a histogram's."""
    return Case(When(bucket__gte=0, then=Value("")), default=F(name))


def _tallies(rows: Iterable[Mapping[str, Any]], by: Sequence[str]) -> dict[tuple[Any, ...], _Tally]:
    found: dict[tuple[Any, ...], _Tally] = {}
    for row in rows:
        key = tuple(_key_part(row[name]) for name in by)
        found.setdefault(key, _Tally()).add(row)
    return found


def _key_part(value: Any) -> Any:
    # TruncMonth and TruncWeek give a datetime on some databases; dates everywhere else.
    return value.date() if isinstance(value, dt.datetime) else value


# --- the owners' figures and the costs ---------------------------------------------------------


def _month_share(period: Period, month: dt.date) -> Fraction:
    """The part of ``month`` the period covers: its days in the period over the month's days."""
    first = month.replace(day=1)
    length = Period.of_month(first).days
    return Fraction(period.days_in(first), length)


def _half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def _outside(period: Period, inputs: Mapping[dt.date, ServicePeriodInput]) -> dict[str, int]:
    """Paper and phone applications from the owners' monthly figures, pro rata by the days of
    each month the period covers, rounded to whole applications once, at the end."""
    paper, phone = Fraction(0), Fraction(0)
    for month in period.months():
        given = inputs.get(month)
        if given is not None:
            share = _month_share(period, month)
            paper += given.paper_applications * share
            phone += given.phone_applications * share
    return {"paper": _half_up(paper), "phone": _half_up(phone)}


def _unit_cost(
    period: Period,
    inputs: Mapping[dt.date, ServicePeriodInput],
    baseline: Performance | None,
    name: str,
) -> Decimal | None:
    """The cost per transaction over the period: each month's figure (the baseline when the
    owners gave none) weighted by its days in the period; None when a month has no cost at all."""
    weighted = Decimal(0)
    for month in period.months():
        given = inputs.get(month)
        cost = getattr(given, name, None) if given is not None else None
        if cost is None:
            cost = getattr(baseline, name, None) if baseline is not None else None
        if cost is None:
            return None
        weighted += Decimal(period.days_in(month)) * Decimal(cost)
    return (weighted / Decimal(period.days)).quantize(CENT, rounding=ROUND_HALF_UP)


def _costs(
    tally: _Tally,
    outside: Mapping[str, int],
    period: Period,
    inputs: Mapping[dt.date, ServicePeriodInput],
    baseline: Performance | None,
) -> Costs | None:
    paper_cost = _unit_cost(period, inputs, baseline, "paper_cost")
    digital_cost = _unit_cost(period, inputs, baseline, "digital_cost")
    if paper_cost is None or digital_cost is None:
        return None
    digital = sum(tally.submitted[channel.value] for channel in DIGITAL_CHANNELS)
    paper = tally.submitted[Channel.PAPER.value] + sum(outside.values())
    baseline_total = (digital + paper) * paper_cost
    actual_total = digital * digital_cost + paper * paper_cost
    per_transaction = None
    if digital + paper:
        per_transaction = (actual_total / (digital + paper)).quantize(CENT, ROUND_HALF_UP)
    return Costs(
        paper_cost=paper_cost,
        digital_cost=digital_cost,
        digital_transactions=digital,
        paper_transactions=paper,
        cost_per_transaction=per_transaction,
        paper_baseline_total=baseline_total,
        actual_total=actual_total,
        savings=baseline_total - actual_total,
    )


def _inputs(
    slugs: Collection[str], months: Sequence[dt.date]
) -> dict[str, dict[dt.date, ServicePeriodInput]]:
    """The owners' figures for the services and months (one query), by service, then month."""
    found: dict[str, dict[dt.date, ServicePeriodInput]] = {}
    if not months:
        return found
    rows = ServicePeriodInput.objects.filter(
        service_slug__in=list(slugs), month__gte=min(months), month__lte=max(months)
    )
    for row in rows:
        found.setdefault(row.service_slug, {})[row.month] = row
    return found


# --- the funnel --------------------------------------------------------------------------------


def _funnel(tally: _Tally, compiled: CompiledDefinition | None) -> list[PageStep]:
    """The definition's pages in order, then any other page met in the data (by id)."""
    titles = {page.id: pick(page.title) for page in compiled.model.pages} if compiled else {}
    order = list(titles) + sorted(page_id for page_id in tally.pages if page_id not in titles)
    steps = []
    for page_id in order:
        kinds = tally.pages.get(page_id, Counter())
        viewed, invalid = kinds[K.PAGE_VIEWED], kinds[K.PAGE_INVALID]
        steps.append(
            PageStep(
                page_id=page_id,
                title=titles.get(page_id, page_id),
                viewed=viewed,
                completed=kinds[K.PAGE_COMPLETED],
                invalid=invalid,
                ineligible=kinds[K.INELIGIBLE],
                abandoned=kinds[K.ABANDONED],
                error_rate=_ratio(invalid, viewed),
            )
        )
    return steps


def _version_compiled(service_slug: str, version: int | None) -> CompiledDefinition | None:
    """The version's definition (the current published one for all versions); None if none."""
    if version is None:
        return definition_published_current(slug=service_slug)
    return definition_version_numbered(slug=service_slug, number=version)


# --- the figures -------------------------------------------------------------------------------


def _measures(
    tally: _Tally,
    *,
    service_slug: str,
    version: int | None,
    period: Period,
    funnel: list[PageStep],
    outside: dict[str, int],
    costs: Costs | None,
) -> Measures:
    submitted = tally.submitted_by_channel()
    total = sum(submitted.values())
    return Measures(
        service_slug=service_slug,
        version=version,
        period=period,
        started=tally.started,
        submitted=submitted,
        submitted_total=total,
        outside=outside,
        take_up=_ratio(submitted[Channel.ONLINE.value], total + sum(outside.values())),
        completion_rate=_ratio(total, tally.started),
        time_to_complete=_duration(tally.to_complete),
        decided=tally.decided,
        approved=tally.approved,
        refused=tally.refused,
        decided_automatically=tally.automatic,
        auto_decision_rate=_ratio(tally.automatic, tally.decided),
        time_to_decision=_duration(tally.to_decision),
        sla_met=tally.sla["met"],
        sla_missed=tally.sla["missed"],
        sla_rate=tally.sla_rate(),
        ratings={rating: tally.ratings[rating] for rating in range(1, 6)},
        satisfaction=tally.satisfaction(),
        funnel=funnel,
        costs=costs,
    )


def _all_versions(
    tally: _Tally,
    *,
    service_slug: str,
    period: Period,
    inputs: Mapping[dt.date, ServicePeriodInput],
    baseline: Performance | None,
    funnel: list[PageStep],
) -> Measures:
    outside = _outside(period, inputs)
    return _measures(
        tally,
        service_slug=service_slug,
        version=None,
        period=period,
        funnel=funnel,
        outside=outside,
        costs=_costs(tally, outside, period, inputs, baseline),
    )


def _service_tally(service_slug: str, period: Period, version: int | None) -> _Tally:
    """The service's rows over the period added up, funnel pages and histograms included."""

    def compute() -> _Tally:
        rows = _day_rows(start=period.start, end=period.end, slugs=[service_slug], version=version)
        return _tallies(_grouped(rows, pages=True), ()).get((), _Tally())

    return _remembered(("service", service_slug, period, version), compute)


def service_measures(*, service_slug: str, period: Period, version: int | None = None) -> Measures:
    """Every figure of the service over the period, for all its versions or for one.

    Three queries: the grouped aggregates (kept in the cache until the aggregation next runs),
    the version's definition (page order and titles, the cost baseline) and, for all versions,
    the owners' figures.
    """
    tally = _service_tally(service_slug, period, version)
    compiled = _version_compiled(service_slug, version)
    funnel = _funnel(tally, compiled)
    if version is not None:
        return _measures(
            tally,
            service_slug=service_slug,
            version=version,
            period=period,
            funnel=funnel,
            outside={},
            costs=None,
        )
    inputs = _inputs([service_slug], period.months()).get(service_slug, {})
    baseline = compiled.model.performance if compiled is not None else None
    return _all_versions(
        tally,
        service_slug=service_slug,
        period=period,
        inputs=inputs,
        baseline=baseline,
        funnel=funnel,
    )


def _services_tallies(
    slugs: list[str], start: dt.date, end: dt.date, *, monthly: bool
) -> dict[tuple[Any, ...], _Tally]:
    """The services' rows from ``start`` to ``end`` added up, by service (and month)."""
    by = ("service_slug", "month") if monthly else ("service_slug",)

    def compute() -> dict[tuple[Any, ...], _Tally]:
        rows = _day_rows(start=start, end=end, slugs=slugs)
        if monthly:
            rows = rows.annotate(month=Cast(TruncMonth("day"), DateField()))
        return _tallies(_grouped(rows, by=by), by)

    return _remembered(("services", tuple(slugs), start, end, monthly), compute)


def measures_by_service(
    *, baselines: Mapping[str, Performance | None], periods: Sequence[Period]
) -> dict[tuple[str, dt.date], Measures]:
    """The headline figures (no funnel) of several services, all versions, for each period.

    ``baselines`` gives the services and each one's cost baseline; ``periods`` are one period,
    or calendar months (each whole, or the current one up to today). Keyed by service slug and
    the period's start. Two queries whatever the number of services and periods (one when the
    aggregates are in the cache).
    """
    if not baselines or not periods:
        return {}
    monthly = len(periods) > 1
    if monthly and any(p.start.day != 1 or p.end.month != p.start.month for p in periods):
        raise ValueError("several periods must each be (part of) one calendar month")
    start, end = min(p.start for p in periods), max(p.end for p in periods)
    tallies = _services_tallies(sorted(baselines), start, end, monthly=monthly)
    inputs = _inputs(list(baselines), Period(start, end).months())
    found = {}
    for slug, baseline in baselines.items():
        for period in periods:
            key = (slug, period.start) if monthly else (slug,)
            found[(slug, period.start)] = _all_versions(
                tallies.get(key, _Tally()),
                service_slug=slug,
                period=period,
                inputs=inputs.get(slug, {}),
                baseline=baseline,
                funnel=[],
            )
    return found


def versions_compare(
    *, service_slug: str, period: Period, a: int, b: int
) -> tuple[Measures, Measures]:
    """Two versions of the service side by side, over the same period."""
    return (
        service_measures(service_slug=service_slug, period=period, version=a),
        service_measures(service_slug=service_slug, period=period, version=b),
    )


def service_versions(*, service_slug: str) -> list[int]:
    """The definition versions the service has any figures for, newest first.

    Figures are only ever recorded for a released (published, perhaps since retired) version,
    so each released version is looked up in the aggregates by one indexed probe
    (``insights_day_version``), in one query, rather than reading every row of the service.
    """
    # The definitions app has no selector for a service's version numbers; one indexed read.
    from onegate.definitions.models import DefinitionVersion

    with_figures = MeasureDay.objects.filter(service_slug=service_slug, version=OuterRef("number"))
    numbers = (
        DefinitionVersion.objects.filter(definition__slug=service_slug, status__in=RELEASED_STATES)
        .filter(Exists(with_figures))
        .order_by("-number")
        .values_list("number", flat=True)
    )
    return [number for number in numbers if number is not None]


# --- over time ---------------------------------------------------------------------------------


def _point(tally: _Tally, start: dt.date, end: dt.date, label: str) -> SeriesPoint:
    submitted = tally.submitted_by_channel()
    total = sum(submitted.values())
    return SeriesPoint(
        start=start,
        end=end,
        label=label,
        started=tally.started,
        submitted=submitted,
        submitted_total=total,
        completion_rate=_ratio(total, tally.started),
        auto_decision_rate=_ratio(tally.automatic, tally.decided),
        median_decision_seconds=percentile(tally.to_decision, 0.5),
        satisfaction=tally.satisfaction(),
        sla_rate=tally.sla_rate(),
    )


def _series_tallies(
    service_slug: str, period: Period, version: int | None, *, weekly: bool
) -> dict[dt.date, _Tally]:
    """The service's rows added up by point (a day, or a week cut to the period), by the first
    day of each point; points with nothing in them are left out."""

    def compute() -> dict[dt.date, _Tally]:
        rows = _day_rows(start=period.start, end=period.end, slugs=[service_slug], version=version)
        rows = rows.annotate(point=Cast(TruncWeek("day"), DateField()) if weekly else F("day"))
        grouped = _grouped(rows, by=("point",), to_complete=False)  # the median decision only
        found: dict[dt.date, _Tally] = {}
        for (point,), tally in _tallies(grouped, ("point",)).items():
            found[max(point, period.start)] = tally  # the first week starts with the period
        return found

    return _remembered(("series", service_slug, period, version, weekly), compute)


def service_series(*, service_slug: str, period: Period, version: int | None = None) -> Series:
    """The service's figures a day at a time (up to 92 days) or a week at a time (Monday to
    Sunday, the first and last weeks cut to the period); one query, grouped by day or week
    (kept in the cache until the aggregation next runs)."""
    weekly = period.days > DAILY_POINTS_UP_TO
    found = _series_tallies(service_slug, period, version, weekly=weekly)
    ends: dict[dt.date, dt.date] = {}  # the last day of each point, by its first, in order
    for day in period.each_day():
        start = max(day - dt.timedelta(days=day.weekday()), period.start) if weekly else day
        ends[start] = day
    return Series(
        service_slug=service_slug,
        version=version,
        period=period,
        step="week" if weekly else "day",
        points=[
            _point(found.get(start, _Tally()), start, end, _label(start, weekly=weekly))
            for start, end in ends.items()
        ],
    )


def _label(start: dt.date, *, weekly: bool) -> str:
    if weekly:
        return _("Week from %(date)s") % {"date": format_date(start)}
    return format_date(start)
