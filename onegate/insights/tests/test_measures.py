"""The measures of a service, checked against figures worked out by hand from daily aggregate
rows written straight into ``MeasureDay`` (the aggregation is tested on its own)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from onegate.insights.constants import EventKind
from onegate.insights.measures import (
    measures_by_service,
    service_measures,
    service_series,
    service_versions,
    versions_compare,
)
from onegate.insights.models import ServicePeriodInput
from onegate.insights.periods import Period
from onegate.insights.services.aggregation import hours_list_rebuild
from onegate.insights.services.recording import event_record
from onegate.insights.tests.measure_rows import (
    ASSISTED,
    NOV_3,
    NOV_20,
    ONLINE,
    PAPER,
    SLUG,
    counted,
    fishing_v2,
    november,
    published_fishing,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.usefixtures("owner")

K = EventKind
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def bucket_value_of_power_of_two(exponent: int) -> float:
    """The value a percentile reads back for a duration of exactly 2**exponent seconds: such a
    duration opens bucket 8*exponent + 1 (R = 2**(1/8)), whose geometric middle is
    R**(8*exponent + 0.5) = 2**(exponent + 1/16)."""
    return 2 ** (exponent + 1 / 16)


def owners_november(**figures) -> ServicePeriodInput:
    values = {"paper_applications": 15, "phone_applications": 5} | figures
    return ServicePeriodInput.objects.create(
        service_slug=SLUG, month=dt.date(2026, 11, 1), **values
    )


def test_the_headline_measures_match_the_hand_computed_figures():
    november()
    owners_november(paper_cost=Decimal("180.00"))

    m = service_measures(service_slug=SLUG, period=NOVEMBER)

    assert (m.version, m.period, m.started) == (None, NOVEMBER, 40)
    assert m.submitted == {"online": 20, "assisted": 3, "paper": 2}
    assert m.submitted_total == 25
    assert m.outside == {"paper": 15, "phone": 5}
    assert m.take_up == pytest.approx(20 / 45)  # online over every channel, outside included
    assert m.completion_rate == pytest.approx(25 / 40)
    assert (m.decided, m.approved, m.refused, m.decided_automatically) == (22, 18, 4, 18)
    assert m.auto_decision_rate == pytest.approx(18 / 22)
    assert (m.sla_met, m.sla_missed) == (20, 2)
    assert m.sla_rate == pytest.approx(20 / 22)
    assert m.ratings == {1: 1, 2: 1, 3: 2, 4: 3, 5: 5}
    assert m.satisfaction == pytest.approx((3 + 5) / 12)


def test_percentiles_come_from_the_histogram_without_paper_in_time_to_complete():
    november()

    m = service_measures(service_slug=SLUG, period=NOVEMBER)

    # 10 durations: the 5th (median, nearest rank) is 256 s, the 9th (p90) 1024 s.
    assert m.time_to_complete.count == 10
    assert m.time_to_complete.median == pytest.approx(bucket_value_of_power_of_two(8))
    assert m.time_to_complete.p90 == pytest.approx(bucket_value_of_power_of_two(10))
    # 22 decisions: the 11th is one of the rules' 2 s, the 20th an officer's 131072 s.
    assert m.time_to_decision.count == 22
    assert m.time_to_decision.median == pytest.approx(bucket_value_of_power_of_two(1))
    assert m.time_to_decision.p90 == pytest.approx(bucket_value_of_power_of_two(17))


def test_costs_use_the_owners_paper_cost_and_the_baseline_digital_cost():
    november()
    owners_november(paper_cost=Decimal("180.00"))  # no digital cost: the baseline's 10 baht

    costs = service_measures(service_slug=SLUG, period=NOVEMBER).costs

    assert costs is not None
    assert (costs.paper_cost, costs.digital_cost) == (Decimal("180.00"), Decimal("10.00"))
    # digital: 20 online + 3 assisted = 23; paper: 2 keyed in + 15 paper + 5 phone = 22
    assert (costs.digital_transactions, costs.paper_transactions) == (23, 22)
    # on paper: 45 x 180 = 8100; actual: 23 x 10 + 22 x 180 = 230 + 3960 = 4190
    assert costs.paper_baseline_total == Decimal("8100.00")
    assert costs.actual_total == Decimal("4190.00")
    assert costs.savings == Decimal("3910.00")  # 8100 - 4190 = 23 x (180 - 10)
    assert costs.cost_per_transaction == Decimal("93.11")  # 4190 / 45 = 93.111…


def test_without_owners_figures_take_up_and_costs_use_the_baseline_alone():
    november()

    m = service_measures(service_slug=SLUG, period=NOVEMBER)

    assert m.outside == {"paper": 0, "phone": 0}
    assert m.take_up == pytest.approx(20 / 25)
    assert m.costs is not None
    assert (m.costs.paper_cost, m.costs.digital_cost) == (Decimal("200.00"), Decimal("10.00"))
    # 23 digital x (200 - 10) saved; 2 paper keyed in cost 200 each
    assert m.costs.savings == Decimal("4370.00")
    assert m.costs.actual_total == Decimal("630.00")  # 23 x 10 + 2 x 200


def test_owners_figures_count_pro_rata_by_days_of_each_month_in_the_period():
    ServicePeriodInput.objects.create(service_slug=SLUG, month=dt.date(2026, 11, 1),
        paper_applications=20, phone_applications=4, paper_cost=Decimal("180"))  # fmt: skip
    ServicePeriodInput.objects.create(service_slug=SLUG, month=dt.date(2026, 12, 1),
        paper_applications=31, phone_applications=0)  # fmt: skip
    counted(dt.date(2026, 11, 20), K.SUBMITTED, 10, channel=ONLINE)
    period = Period(dt.date(2026, 11, 16), dt.date(2026, 12, 15))  # 15 of 30 days, 15 of 31

    m = service_measures(service_slug=SLUG, period=period)

    # paper: 20 x 15/30 + 31 x 15/31 = 10 + 15; phone: 4 x 15/30 = 2
    assert m.outside == {"paper": 25, "phone": 2}
    assert m.take_up == pytest.approx(10 / 37)
    assert m.costs is not None
    # paper cost: November's 180 for 15 days, December's baseline 200 for 15 days: 190
    assert m.costs.paper_cost == Decimal("190.00")
    assert m.costs.digital_cost == Decimal("10.00")
    assert m.costs.savings == Decimal("1800.00")  # 10 online x (190 - 10)


def test_the_funnel_follows_the_definitions_pages_then_pages_met_only_in_the_data():
    november()

    funnel = service_measures(service_slug=SLUG, period=NOVEMBER).funnel

    assert [(s.page_id, s.title) for s in funnel] == [
        ("trip", "Your trip"),
        ("boat_details", "Your boat"),
        ("old_page", "old_page"),
    ]
    trip, boat, old = funnel
    assert (trip.viewed, trip.completed, trip.invalid, trip.ineligible, trip.abandoned) == (
        40, 36, 8, 3, 1)  # fmt: skip
    assert trip.error_rate == pytest.approx(8 / 40)
    assert boat.error_rate == pytest.approx(1 / 10)
    assert (old.viewed, old.error_rate) == (5, 0.0)


def test_the_funnels_titles_are_in_the_current_language():
    november()

    with translation.override("th"):
        funnel = service_measures(service_slug=SLUG, period=NOVEMBER).funnel

    assert [step.title for step in funnel[:2]] == ["การเดินทางของคุณ", "เรือของคุณ"]


def test_a_period_with_nothing_in_it_has_no_rates():
    m = service_measures(service_slug=SLUG, period=NOVEMBER)

    assert (m.started, m.submitted_total, m.decided) == (0, 0, 0)
    assert m.take_up is m.completion_rate is m.auto_decision_rate is m.sla_rate is None
    assert m.satisfaction is None
    assert (m.time_to_decision.count, m.time_to_decision.median) == (0, None)
    assert m.costs is not None and m.costs.cost_per_transaction is None
    assert [step.viewed for step in m.funnel] == [0, 0]


def test_rows_outside_the_period_or_of_another_service_do_not_count():
    counted(dt.date(2026, 10, 31), K.STARTED, 7)
    counted(dt.date(2026, 12, 1), K.STARTED, 7)
    counted(NOV_3, K.STARTED, 7, service="another-service")
    counted(dt.date(2026, 11, 30), K.STARTED, 2)

    assert service_measures(service_slug=SLUG, period=NOVEMBER).started == 2


def test_the_measures_cost_three_queries(django_assert_max_num_queries):
    november()
    owners_november()
    service_measures(service_slug=SLUG, period=NOVEMBER)  # the definition compiled and cached

    with django_assert_max_num_queries(3):
        service_measures(service_slug=SLUG, period=NOVEMBER)


# --- versions ----------------------------------------------------------------------------------


def two_versions(owner) -> None:
    fishing_v2(owner)
    counted(NOV_3, K.STARTED, 40, version=1)
    counted(NOV_3, K.SUBMITTED, 20, version=1, channel=ONLINE)
    counted(NOV_3, K.SUBMITTED, 5, version=1, channel=PAPER)
    counted(NOV_20, K.STARTED, 10, version=2)
    counted(NOV_20, K.SUBMITTED, 8, version=2, channel=ONLINE)
    counted(NOV_20, K.SUBMITTED, 1, version=2, channel=ASSISTED)
    counted(NOV_20, K.PAGE_VIEWED, 10, version=2, page_id="trip")
    counted(NOV_3, K.PAGE_VIEWED, 40, version=1, page_id="trip")


def test_one_version_counts_only_its_own_applications(owner):
    two_versions(owner)
    owners_november()

    m = service_measures(service_slug=SLUG, period=NOVEMBER, version=2)

    assert (m.version, m.started, m.submitted_total) == (2, 10, 9)
    assert m.completion_rate == pytest.approx(9 / 10)
    # The owners' figures are for the service, not a version: take-up among OneGate's channels.
    assert (m.outside, m.costs) == ({}, None)
    assert m.take_up == pytest.approx(8 / 9)
    first = m.funnel[0]
    assert (first.page_id, first.title, first.viewed) == ("trip", "Your fishing trip", 10)


def test_all_versions_add_up_and_use_the_current_versions_page_titles(owner):
    two_versions(owner)

    m = service_measures(service_slug=SLUG, period=NOVEMBER)

    assert (m.started, m.submitted_total) == (50, 34)
    assert (m.funnel[0].title, m.funnel[0].viewed) == ("Your fishing trip", 50)


def test_two_versions_compare_side_by_side(owner):
    two_versions(owner)

    one, two = versions_compare(service_slug=SLUG, period=NOVEMBER, a=1, b=2)

    assert (one.version, one.completion_rate, one.take_up) == (1, 25 / 40, 20 / 25)
    assert (two.version, two.completion_rate, two.take_up) == (2, 9 / 10, 8 / 9)
    assert one.funnel[0].title == "Your trip"


def test_the_versions_with_figures_are_listed_newest_first(owner):
    two_versions(owner)
    counted(NOV_3, K.STARTED, 1, service="another-service", version=7)

    assert service_versions(service_slug=SLUG) == [2, 1]


def test_a_version_that_does_not_exist_has_no_figures_and_page_ids_as_titles():
    counted(NOV_3, K.PAGE_VIEWED, 3, version=9, page_id="trip")

    m = service_measures(service_slug=SLUG, period=NOVEMBER, version=9)

    assert [(s.page_id, s.title, s.viewed) for s in m.funnel] == [("trip", "trip", 3)]


# --- over time ---------------------------------------------------------------------------------


def test_a_month_is_a_point_a_day():
    november()

    series = service_series(service_slug=SLUG, period=NOVEMBER)

    assert series.step == "day"
    assert len(series.points) == 30
    nov_3, nov_20 = series.points[2], series.points[19]
    assert (nov_3.start, nov_3.end, nov_3.label) == (NOV_3, NOV_3, "3 November 2026")
    assert (nov_3.started, nov_3.submitted["online"]) == (40, 12)
    assert nov_3.completion_rate == pytest.approx(12 / 40)
    assert nov_20.submitted == {"online": 8, "assisted": 3, "paper": 2}
    assert nov_20.auto_decision_rate == pytest.approx(18 / 22)
    assert nov_20.median_decision_seconds == pytest.approx(bucket_value_of_power_of_two(1))
    assert nov_20.satisfaction == pytest.approx(8 / 12)
    assert nov_20.sla_rate == pytest.approx(20 / 22)
    assert series.points[0].started == 0 and series.points[0].completion_rate is None


def test_92_days_are_still_daily_and_93_are_weekly_from_monday():
    assert service_series(service_slug=SLUG, period=Period(dt.date(2026, 8, 31),
                                                           NOVEMBER.end)).step == "day"  # fmt: skip
    counted(dt.date(2026, 8, 30), K.STARTED, 1)  # a Sunday: the first, cut, week
    counted(dt.date(2026, 8, 31), K.STARTED, 2)  # a Monday
    counted(dt.date(2026, 9, 6), K.STARTED, 4)  # the Sunday of that week
    period = Period(dt.date(2026, 8, 30), NOVEMBER.end)  # 93 days

    series = service_series(service_slug=SLUG, period=period)

    assert series.step == "week"
    starts = [point.start for point in series.points]
    assert starts[:3] == [dt.date(2026, 8, 30), dt.date(2026, 8, 31), dt.date(2026, 9, 7)]
    assert starts[-1] == dt.date(2026, 11, 30)  # a Monday: the last week is one day
    assert (series.points[0].end, series.points[0].started) == (dt.date(2026, 8, 30), 1)
    assert (series.points[1].end, series.points[1].started) == (dt.date(2026, 9, 6), 6)
    assert series.points[1].label == "Week from 31 August 2026"
    assert len(series.points) == 15


def test_a_series_for_one_version_leaves_the_others_out(owner):
    two_versions(owner)

    series = service_series(service_slug=SLUG, period=NOVEMBER, version=1)

    assert sum(point.started for point in series.points) == 40


# --- from events, through the aggregation --------------------------------------------------------


def utc(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def test_events_recorded_and_aggregated_give_the_same_measures():
    # Bangkok is UTC+7: 31 October 17:00 UTC is 1 November 00:00 there.
    moments = {
        "before": utc(2026, 10, 31, 16, 59),  # 31 October 23:59 in Bangkok: not November
        "first": utc(2026, 10, 31, 17, 0),  # 1 November 00:00 in Bangkok
        "start": utc(2026, 11, 2, 18, 30),  # 3 November
        "send": utc(2026, 11, 3, 2, 0),
        "decide": utc(2026, 11, 20, 5, 0),
        "after": utc(2026, 11, 30, 17, 30),  # 1 December in Bangkok
    }
    events: list[tuple[str, str, int, dict[str, Any]]] = [
        ("before", K.STARTED, 4, {}),
        ("first", K.STARTED, 1, {}),
        ("start", K.STARTED, 12, {}),
        ("start", K.PAGE_VIEWED, 12, {"page_id": "trip"}),
        ("start", K.PAGE_INVALID, 3, {"page_id": "trip"}),
        ("send", K.SUBMITTED, 10, {"seconds": 256}),
        ("decide", K.DECIDED, 8, {"outcome": "approve", "decided_how": "rules", "sla": "met",
                                  "seconds": 2}),
        ("decide", K.DECIDED, 2, {"outcome": "refuse", "decided_how": "officer",
                                  "sla": "missed", "seconds": 131072}),
        ("decide", K.RATED, 6, {"rating": 5}),
        ("decide", K.RATED, 4, {"rating": 3}),
        ("after", K.STARTED, 5, {}),
    ]  # fmt: skip
    for moment, kind, n, extra in events:
        for _ in range(n):
            event_record(kind=kind, service_slug=SLUG, version=1, channel=ONLINE,
                         occurred_at=moments[moment], **extra)  # fmt: skip

    hours_list_rebuild(hours=moments.values())
    m = service_measures(service_slug=SLUG, period=NOVEMBER)

    assert (m.started, m.submitted_total, m.decided, m.decided_automatically) == (13, 10, 10, 8)
    assert m.completion_rate == pytest.approx(10 / 13)
    assert (m.auto_decision_rate, m.sla_rate, m.satisfaction) == (0.8, 0.8, 0.6)
    assert m.time_to_complete.median == pytest.approx(bucket_value_of_power_of_two(8))
    assert m.time_to_decision.median == pytest.approx(bucket_value_of_power_of_two(1))
    assert m.time_to_decision.p90 == pytest.approx(bucket_value_of_power_of_two(17))
    trip = m.funnel[0]
    assert (trip.viewed, trip.invalid, trip.error_rate) == (12, 3, 0.25)


def test_several_periods_at_once_must_be_calendar_months():
    across = Period(dt.date(2026, 11, 16), dt.date(2026, 12, 15))

    with pytest.raises(ValueError, match="calendar month"):
        measures_by_service(baselines={SLUG: None}, periods=[NOVEMBER, across])
