"""Generated service performance: a seeded, believable history of journeys and cases, as events.

The demo (``insights.demo``) loads the last few months of its live services from here, and the
benchmarks (``bench/insights_data.py``) ten million events. A journey starts, walks the
definition's pages in order (each page viewed, now and then sent with an error, sometimes the
last one the person saw), is sent, decided (by the rules within seconds, or by an officer within
days) and now and then rated. Journeys start with the rhythm of the week and of the local day.
Each later version of a service does better than the one before it: fewer errors, fewer people
lost, quicker journeys, happier people.

Nothing here is about anyone: events hold no personal data, and the generator makes up none.
The same seed gives the same events; a day's journeys of a service depend only on the seed, the
service and the day, so any window of days can be made again exactly.

``events_generate`` yields rows in time order, as tuples in ``EVENT_COLUMNS`` order;
``events_write`` stores them (COPY on PostgreSQL, batched inserts elsewhere).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter

from django.db import connection
from django.utils import timezone

from onegate.insights.constants import Channel, EventKind, SlaResult
from onegate.insights.histogram import bucket_of
from onegate.insights.models import Event

__all__ = [
    "EVENT_COLUMNS",
    "EventRow",
    "ServiceProfile",
    "events_generate",
    "events_write",
]

# The Event columns a row gives, in order (``id`` is the database's).
EVENT_COLUMNS = (
    "occurred_at", "service_slug", "version", "channel", "kind", "page_id", "outcome",
    "decided_how", "sla", "rating", "seconds", "bucket", "dedup",
)  # fmt: skip
EventRow = tuple[
    dt.datetime, str, int, str, str, str, str, str, str, int, int | None, int | None, str | None
]

# How many journeys start, relative to an ordinary weekday (Monday first), and in each local hour.
WEEKDAY_WEIGHTS = (1.0, 1.05, 1.0, 0.95, 0.85, 0.45, 0.35)
HOUR_WEIGHTS = (
    0.15, 0.08, 0.05, 0.04, 0.05, 0.12, 0.35, 0.7, 1.1, 1.4, 1.5, 1.4,
    1.2, 1.3, 1.35, 1.3, 1.15, 1.0, 1.0, 1.15, 1.2, 1.0, 0.7, 0.35,
)  # fmt: skip
CHANNEL_SHARES = ((Channel.ONLINE.value, 0.82), (Channel.ASSISTED.value, 0.13),
                  (Channel.PAPER.value, 0.05))  # fmt: skip


@dataclass(frozen=True)
class _ChannelTraits:
    errors: float  # times the page's error rate: an officer keying in makes fewer
    losses: float  # times the page's drop-off: a person at a counter rarely walks away
    survey: float  # the share of sent applications whose confirmation page is rated


CHANNEL_TRAITS = {
    Channel.ONLINE.value: _ChannelTraits(errors=1.0, losses=1.0, survey=0.35),
    Channel.ASSISTED.value: _ChannelTraits(errors=0.5, losses=0.3, survey=0.10),
    Channel.PAPER.value: _ChannelTraits(errors=0.7, losses=0.05, survey=0.0),  # staff don't rate
}

# Satisfaction, 1 to 5, of the first version and of the last: skewed to 4 and 5 either way.
RATINGS_FIRST = (5, 6, 10, 35, 44)
RATINGS_LAST = (2, 3, 6, 31, 58)
RESUME_SHARE = 0.04  # of pages, after which the person saves and comes back another time
DELETED_SHARE = 0.3  # of abandoned drafts, deleted by the person (the rest expire)
DRAFT_DAYS = 30  # an untouched draft expires (the definitions' default ``draft_days``)
MAX_RETRIES = 2  # a page sent with an error at most this many times before it is right
RULES_SECONDS = 6.0  # the worker's median from sending to the rules' decision


@dataclass(frozen=True)
class ServiceProfile:
    """What shapes one service's generated history."""

    slug: str
    pages: tuple[str, ...]  # the definition's page ids, in the order people see them
    versions: tuple[int, ...] = (1,)  # the version numbers applied on, oldest first
    # When each version after the first took over; empty: the window split evenly between them.
    took_over: tuple[dt.datetime, ...] = ()
    starts_per_day: float = 40.0  # journeys begun on an ordinary weekday
    auto_share: float = 0.9  # of decisions, made by the rules
    refuse_share: float = 0.08  # of decisions, refusals
    sla_working_days: int = 5


@dataclass(frozen=True)
class _Page:
    id: str
    error: float  # the chance that a try is refused
    drop: float  # the chance that the person leaves here
    ineligible: float  # the chance that the eligibility rules stop them here
    dwell: float  # median seconds spent on the page


@dataclass(frozen=True)
class _Quality:
    """How well a version works, from 0 (the first) to 1 (the last of several)."""

    errors: float
    losses: float
    pace: float
    auto_bonus: float
    ratings: tuple[float, ...]  # cumulative weights of 1..5


def _quality(index: int, count: int) -> _Quality:
    q = index / (count - 1) if count > 1 else 0.5  # one version alone: middling
    weights = [a + (b - a) * q for a, b in zip(RATINGS_FIRST, RATINGS_LAST, strict=True)]
    cumulative = tuple(sum(weights[: n + 1]) for n in range(len(weights)))
    return _Quality(1 - 0.5 * q, 1 - 0.5 * q, 1 - 0.25 * q, 0.03 * q, cumulative)


def _pages(profile: ServiceProfile, seed: int) -> list[_Page]:
    """Each page's character, fixed by the seed and the service: one page is the hard one."""
    rng = random.Random(f"{seed}:{profile.slug}:pages")  # noqa: S311 (made-up data, no secret)
    hard = rng.randrange(len(profile.pages))
    pages = []
    for n, page_id in enumerate(profile.pages):
        error = 0.25 if n == hard else rng.uniform(0.02, 0.10)
        drop = 0.08 if n == 0 else rng.uniform(0.01, 0.04)  # many look at the first page only
        ineligible = (0.03, 0.01)[n] if n < 2 else 0.0  # the facts are known early
        pages.append(_Page(page_id, error, drop, ineligible, rng.uniform(25, 110)))
    return pages


class _History:
    """One service's journeys: the pages, the versions and when each took over."""

    def __init__(self, profile: ServiceProfile, seed: int, start: float, end: float) -> None:
        if not profile.pages or not profile.versions:
            raise ValueError(f"{profile.slug}: a profile needs pages and versions")
        self.profile = profile
        self.seed = seed
        self.pages = _pages(profile, seed)
        count = len(profile.versions)
        self.qualities = [_quality(n, count) for n in range(count)]
        if profile.took_over:
            self.switches = [moment.timestamp() for moment in profile.took_over]
        else:
            self.switches = [start + (end - start) * n / count for n in range(1, count)]
        self.sla_seconds = profile.sla_working_days * 86400 * 7 / 5  # working days, roughly

    def journey(self, rng: random.Random, t: float) -> list[tuple]:
        """The events of one journey begun at ``t`` (seconds since the epoch), any in the future
        included (the caller drops those)."""
        index = bisect.bisect_right(self.switches, t)
        quality, version = self.qualities[index], self.profile.versions[index]
        channel = _pick_channel(rng.random())
        traits = CHANNEL_TRAITS[channel]
        base = (self.profile.slug, version, channel)
        rows: list[tuple] = [(t, *base, EventKind.STARTED.value, "", "", "", "", 0, None, None)]
        begun = t
        for page in self.pages:
            t += rng.uniform(1, 4)
            if rng.random() < RESUME_SHARE:
                t += rng.lognormvariate(math.log(20 * 3600), 1.0)  # saved, back another day
            rows.append((t, *base, EventKind.PAGE_VIEWED.value, page.id, "", "", "", 0, None, None))
            ended = self._page(rng, rows, base, page, t, quality, traits)
            if ended is None:
                return rows
            t = ended
        t += rng.uniform(2, 10)  # "check your answers", then send
        seconds = int(t - begun)
        rows.append(
            (t, *base, EventKind.SUBMITTED.value, "", "", "", "", 0, seconds, bucket_of(seconds))
        )
        if rng.random() < traits.survey:
            rating = bisect.bisect_left(quality.ratings, rng.random() * quality.ratings[-1]) + 1
            when = t + rng.uniform(10, 90)
            rows.append((when, *base, EventKind.RATED.value, "", "", "", "", rating, None, None))
        rows.append(self._decision(rng, t, base, quality))
        return rows

    def _page(
        self,
        rng: random.Random,
        rows: list[tuple],
        base: tuple,
        page: _Page,
        t: float,
        quality: _Quality,
        traits: _ChannelTraits,
    ) -> float | None:
        """One page's tries; returns when it was completed, or None when the journey ends here."""
        dwell = rng.lognormvariate(math.log(page.dwell * quality.pace), 0.7)
        if rng.random() < page.ineligible:
            rows.append(
                (t + dwell, *base, EventKind.INELIGIBLE.value, page.id, "", "", "", 0, None, None)
            )
            return None
        error = page.error * quality.errors * traits.errors
        tries = 0
        while tries < MAX_RETRIES and rng.random() < error:
            t += dwell * 0.6
            dwell *= 0.5  # the second try is quicker: only the wrong answer is changed
            rows.append(
                (t, *base, EventKind.PAGE_INVALID.value, page.id, "", "", "", 0, None, None)
            )
            tries += 1
        if rng.random() < page.drop * quality.losses * traits.losses:
            left = t + dwell * rng.random()
            if rng.random() < DELETED_SHARE:
                gone = left + rng.lognormvariate(math.log(1800), 1.0)
            else:
                gone = left + DRAFT_DAYS * 86400
            rows.append(
                (gone, *base, EventKind.ABANDONED.value, page.id, "", "", "", 0, None, None)
            )
            return None
        t += dwell
        rows.append((t, *base, EventKind.PAGE_COMPLETED.value, page.id, "", "", "", 0, None, None))
        return t

    def _decision(self, rng: random.Random, sent: float, base: tuple, quality: _Quality) -> tuple:
        refuse = self.profile.refuse_share
        if rng.random() < min(0.99, self.profile.auto_share + quality.auto_bonus):
            wait = rng.lognormvariate(math.log(RULES_SECONDS), 0.8)
            outcome = "refuse" if rng.random() < refuse else "approve"
            how, sla = "rules", SlaResult.MET.value
        else:
            wait = rng.lognormvariate(math.log(self.sla_seconds * 0.45), 0.6)
            refused = rng.random() < refuse * 2  # what the rules cannot approve is harder
            outcome = "refuse" if refused else "approve"
            how = "four_eyes" if refused else "officer"  # refusals are checked by a second officer
            sla = SlaResult.MET.value if wait <= self.sla_seconds else SlaResult.MISSED.value
        seconds = max(1, int(wait))
        kind = EventKind.DECIDED.value
        return (sent + wait, *base, kind, "", outcome, how, sla, 0, seconds, bucket_of(seconds))


def _pick_channel(draw: float) -> str:
    for channel, share in CHANNEL_SHARES:
        if draw < share:
            return channel
        draw -= share
    return CHANNEL_SHARES[0][0]


def _local_midnights(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The local midnights from the day of ``start`` to the one after the day ``end`` falls in."""
    zone = timezone.get_default_timezone()
    day = start.astimezone(zone).date()
    last = (end - dt.timedelta(microseconds=1)).astimezone(zone).date()
    midnights = []
    while day <= last + dt.timedelta(days=1):
        midnights.append(dt.datetime.combine(day, dt.time(), tzinfo=zone))
        day += dt.timedelta(days=1)
    return midnights


def _starts(
    rng: random.Random, profile: ServiceProfile, midnight: dt.datetime, window: tuple[float, float],
    scale: float,
) -> list[float]:  # fmt: skip
    """When the day's journeys begin: the week's and the day's rhythm, within the window."""
    start, end = window
    base = midnight.timestamp()
    # Each local hour's weight times the part of it inside the window (a day cut by the window).
    weights = []
    for hour, weight in enumerate(HOUR_WEIGHTS):
        low, high = max(start, base + hour * 3600), min(end, base + (hour + 1) * 3600)
        weights.append(weight * max(0.0, high - low) / 3600)
    inside = sum(weights)
    noise = rng.uniform(0.85, 1.15)
    expected = profile.starts_per_day * scale * WEEKDAY_WEIGHTS[midnight.weekday()] * noise
    count = int(expected * inside / sum(HOUR_WEIGHTS) + rng.random())
    if count == 0 or inside == 0:
        return []
    hours = rng.choices(range(24), weights=weights, k=count)
    starts = []
    for hour in hours:
        low = max(start, base + hour * 3600)
        high = min(end, base + (hour + 1) * 3600)
        starts.append(rng.uniform(low, high))
    starts.sort()
    return starts


def events_generate(
    *,
    services: Sequence[ServiceProfile],
    start: dt.datetime,
    end: dt.datetime,
    seed: int,
    scale: float = 1.0,
    dedup_prefix: str | None = None,
) -> Iterator[EventRow]:
    """The events of the journeys begun in ``[start, end)``, in time order, those that would
    happen at or after ``end`` left out (drafts not abandoned yet, cases not decided yet).

    ``scale`` multiplies every service's journeys per day. With ``dedup_prefix`` each row's
    ``dedup`` is the prefix and its position (so generated rows can be found and removed
    again); otherwise it is None.
    """
    low, high = start.timestamp(), end.timestamp()
    histories = [_History(profile, seed, low, high) for profile in services]
    midnights = _local_midnights(start, end)
    bounds = [midnight.timestamp() for midnight in midnights]
    later: dict[int, list[tuple]] = {}
    position = 0
    for day, midnight in enumerate(midnights[:-1]):
        today, tomorrow = later.pop(day, []), bounds[day + 1]
        for history in histories:
            key = f"{seed}:{history.profile.slug}:{midnight.date().isoformat()}"
            rng = random.Random(key)  # noqa: S311 (made-up data, no secret)
            for begun in _starts(rng, history.profile, midnight, (low, high), scale):
                for row in history.journey(rng, begun):
                    if row[0] >= high:
                        continue  # not happened yet
                    if row[0] < tomorrow:
                        today.append(row)
                    else:
                        later.setdefault(bisect.bisect_right(bounds, row[0]) - 1, []).append(row)
        today.sort(key=itemgetter(0))
        for row in today:
            dedup = None if dedup_prefix is None else f"{dedup_prefix}{position}"
            position += 1
            yield (dt.datetime.fromtimestamp(row[0], dt.UTC), *row[1:], dedup)


def _batches(rows: Iterable[EventRow], size: int) -> Iterator[list[EventRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def events_write(rows: Iterable[EventRow], *, batch: int = 50_000) -> int:
    """Store generated rows as events; returns how many. In the caller's transaction if any.

    PostgreSQL takes them with COPY (one COPY per batch); other databases with one prepared
    INSERT executed for every row of a batch.
    """
    written = 0
    if connection.vendor == "postgresql":
        columns = ", ".join(EVENT_COLUMNS)
        statement = f"COPY {Event._meta.db_table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor:
            for chunk in _batches(rows, batch):
                with cursor.copy(statement) as copy:
                    for row in chunk:
                        copy.write_row(row)
                written += len(chunk)
        return written
    # One prepared INSERT run for every row (``executemany``): the ORM's bulk_create compiles a
    # statement per few dozen rows on SQLite (its limit on parameters), several times slower.
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in EVENT_COLUMNS)
    marks = ", ".join(["%s"] * len(EVENT_COLUMNS))
    statement = f"INSERT INTO {quote(Event._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for chunk in _batches(rows, batch):
            cursor.executemany(statement, [(adapt(row[0]), *row[1:]) for row in chunk])
            written += len(chunk)
    return written
