"""The generated history (``insights.generator``): the same seed gives the same events, journeys
follow the definition's pages, the figures look like a real service's (mostly online, rules in
seconds and officers in days, ratings skewed to 4 and 5, quieter weekends), the later version
does better, and the rows hold nothing but the documented dimensions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter

import pytest
from django.utils import timezone

from onegate.insights.constants import Channel, EventKind, SlaResult
from onegate.insights.generator import (
    EVENT_COLUMNS,
    ServiceProfile,
    events_generate,
    events_write,
)
from onegate.insights.histogram import bucket_of
from onegate.insights.models import Event

END = dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.UTC)  # a Tuesday, 00:00 in Bangkok
START = END - dt.timedelta(days=28)  # four whole weeks
PAGES = ("your_passport", "your_trip", "purpose_of_visit", "criminal_record", "check")
ETA = ServiceProfile(
    slug="eta", pages=PAGES, versions=(1, 2), starts_per_day=150, auto_share=0.95,
    sla_working_days=3,
)  # fmt: skip
MOVED = ServiceProfile(
    slug="moved", pages=("old", "new", "declare"), versions=(4,), starts_per_day=60,
    auto_share=0.2, sla_working_days=5,
)  # fmt: skip


@pytest.fixture(scope="module")
def rows() -> list[tuple]:
    return list(events_generate(services=[ETA, MOVED], start=START, end=END, seed=7))


def _of(rows: list[tuple], kind: str, **where: object) -> list[tuple]:
    found = [row for row in rows if row[4] == kind]
    for column, value in where.items():
        found = [row for row in found if row[EVENT_COLUMNS.index(column)] == value]
    return found


def test_the_same_seed_gives_the_same_events_and_another_seed_others(rows):
    again = list(events_generate(services=[ETA, MOVED], start=START, end=END, seed=7))
    other = list(events_generate(services=[ETA, MOVED], start=START, end=END, seed=8))

    assert again == rows
    assert other != rows


def test_a_day_is_the_same_whatever_window_it_is_made_in(rows):
    # given one whole local day (Bangkok) inside the four weeks, after version 2 took over
    day_start = END - dt.timedelta(days=10)
    day_end = day_start + dt.timedelta(days=1)
    eta = dataclasses.replace(ETA, took_over=(START + (END - START) / 2,))

    alone = list(events_generate(services=[eta, MOVED], start=day_start, end=day_end, seed=7))

    # then its journeys are those of the long window, less what happens after that day
    started = [row for row in rows if row[4] == "started" and day_start <= row[0] < day_end]
    assert [row for row in alone if row[4] == "started"] == started
    assert len(started) > 100


def test_rows_come_in_time_order_within_the_window_with_the_event_columns(rows):
    columns = tuple(field.name for field in Event._meta.concrete_fields if field.name != "id")
    assert columns == EVENT_COLUMNS
    assert all(len(row) == len(EVENT_COLUMNS) for row in rows)
    times = [row[0] for row in rows]
    assert times == sorted(times)
    assert times[0] >= START and times[-1] < END


def test_rows_hold_only_the_documented_dimensions_and_nothing_about_anyone(rows):
    assert {row[1] for row in rows} == {"eta", "moved"}
    assert {row[2] for row in rows} == {1, 2, 4}
    assert {row[3] for row in rows} == set(Channel.values)
    assert {row[4] for row in rows} == set(EventKind.values)
    assert {row[5] for row in rows} == {"", *PAGES, "old", "new", "declare"}
    assert {row[6] for row in rows} == {"", "approve", "refuse"}
    assert {row[7] for row in rows} == {"", "rules", "officer", "four_eyes"}
    assert {row[8] for row in rows} == set(SlaResult.values)
    assert {row[9] for row in rows} == {0, 1, 2, 3, 4, 5}
    assert {row[12] for row in rows} == {None}


def test_journeys_walk_the_pages_in_the_definitions_order(rows):
    viewed = Counter(row[5] for row in _of(rows, "page_viewed", service_slug="eta"))
    completed = Counter(row[5] for row in _of(rows, "page_completed", service_slug="eta"))

    # each page is seen only by those who completed the one before it, so the funnel narrows
    for before, after in itertools.pairwise(PAGES):
        assert viewed[after] <= completed[before] <= viewed[before]
    assert viewed[PAGES[-1]] < viewed[PAGES[0]]


def test_only_submissions_and_decisions_carry_seconds_and_their_histogram_bucket(rows):
    for row in rows:
        if row[4] in ("submitted", "decided"):
            assert row[10] >= 1 and row[11] == bucket_of(row[10])
        else:
            assert row[10] is None and row[11] is None
    ratings = [row[9] for row in _of(rows, "rated")]
    assert ratings and all(1 <= rating <= 5 for rating in ratings)


def test_the_figures_look_like_a_real_services(rows):
    started = len(_of(rows, "started"))
    submitted = _of(rows, "submitted")
    channels = Counter(row[3] for row in submitted)
    ratings = Counter(row[9] for row in _of(rows, "rated"))
    decisions = _of(rows, "decided", service_slug="eta")

    assert 0.6 < len(submitted) / started < 0.95  # most finish, not everyone
    assert 0.75 < channels["online"] / len(submitted) < 0.9  # mostly online
    assert channels["assisted"] > channels["paper"] > 0  # some assisted, a few paper
    assert (ratings[4] + ratings[5]) / sum(ratings.values()) > 0.7  # skewed to 4 and 5
    minutes = sorted(row[10] for row in submitted)[len(submitted) // 2] / 60
    assert 2 < minutes < 30  # the median journey takes minutes
    by_rules = [row for row in decisions if row[7] == "rules"]
    by_officers = [row for row in decisions if row[7] != "rules"]
    assert len(by_rules) / len(decisions) > 0.9  # this service is decided by its rules
    assert max(row[10] for row in by_rules) < 600  # in seconds
    assert sorted(row[10] for row in by_officers)[len(by_officers) // 2] > 86400  # in days
    sla = Counter(row[8] for row in _of(rows, "decided"))
    assert sla["met"] / (sla["met"] + sla["missed"]) > 0.85  # mostly met


def test_officers_decide_most_of_a_service_whose_rules_refer_most(rows):
    decisions = Counter(row[7] for row in _of(rows, "decided", service_slug="moved"))

    assert decisions["rules"] < decisions["officer"] + decisions["four_eyes"]
    # refusals by officers are confirmed by a second one
    refused = _of(rows, "decided", service_slug="moved", outcome="refuse")
    assert {row[7] for row in refused} <= {"rules", "four_eyes"}


def test_the_later_version_does_better(rows):
    def completion(version: int) -> float:
        started = len(_of(rows, "started", version=version))
        return len(_of(rows, "submitted", version=version)) / started

    def error_rate(version: int) -> float:
        invalid = len(_of(rows, "page_invalid", version=version))
        return invalid / len(_of(rows, "page_viewed", version=version))

    assert completion(2) > completion(1)
    assert error_rate(2) < error_rate(1)
    # the first half of the window was version 1's, the second version 2's
    switch = START + (END - START) / 2
    assert all(row[0] < switch for row in _of(rows, "started", version=1))
    assert all(row[0] >= switch for row in _of(rows, "started", version=2))


def test_weekdays_and_daytime_are_busier_than_weekends_and_nights(rows):
    starts = [timezone.localtime(row[0]) for row in _of(rows, "started")]
    by_weekday = Counter(moment.weekday() for moment in starts)
    by_hour = Counter(moment.hour for moment in starts)

    assert min(by_weekday[day] for day in range(5)) > 1.5 * max(by_weekday[5], by_weekday[6])
    assert by_hour[10] > 10 * by_hour[3]


def test_only_what_happened_in_the_window_is_made():
    # a window of one busy hour, ending mid-morning (in Bangkok): journeys begun in it go on
    # after it, and drafts left in it expire 30 days later
    start = START + dt.timedelta(days=1, hours=10)  # START is midnight in Bangkok
    end = start + dt.timedelta(hours=1)
    rows = list(events_generate(services=[MOVED], start=start, end=end, seed=7, scale=20))

    assert len(rows) > 100
    assert all(start <= row[0] < end for row in rows)
    assert len(_of(rows, "started")) > len(_of(rows, "decided"))


@pytest.mark.django_db
def test_generated_rows_are_stored_as_events_with_their_dedup_prefix():
    end = START + dt.timedelta(days=1)
    rows = list(
        events_generate(services=[MOVED], start=START, end=end, seed=3, dedup_prefix="gen:")
    )

    written = events_write(iter(rows), batch=100)

    assert written == len(rows) == Event.objects.count() > 0
    stored = Event.objects.order_by("occurred_at", "id").first()
    assert stored is not None
    assert (stored.service_slug, stored.version, stored.kind) == ("moved", 4, "started")
    assert stored.occurred_at == rows[0][0]
    stored_keys = set(Event.objects.values_list("dedup", flat=True))
    assert stored_keys == {f"gen:{n}" for n in range(len(rows))}
