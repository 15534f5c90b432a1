"""Periods typed into the performance pages: the presets, dates, and every way they can be wrong
(each with its message and field, the page still getting a period to show)."""

from __future__ import annotations

import datetime as dt

import pytest

from onegate.insights.periods import Period, month_range_parse, period_last, period_parse

TODAY = dt.date(2026, 11, 25)
LAST_30 = Period(dt.date(2026, 10, 27), TODAY)


def messages(errors):
    return [(error.field, error.message) for error in errors]


def test_nothing_asked_is_the_last_30_days_including_today():
    period, errors = period_parse({}, today=TODAY)
    assert (period, errors) == (LAST_30, [])
    assert period.days == 30


@pytest.mark.parametrize(
    ("days", "start"),
    [("7", dt.date(2026, 11, 19)), ("90", dt.date(2026, 8, 28)), ("365", dt.date(2025, 11, 26))],
)
def test_a_preset_is_that_many_days_ending_today(days, start):
    period, errors = period_parse({"days": days}, today=TODAY)
    assert errors == []
    assert period == Period(start, TODAY)
    assert period.days == int(days)


@pytest.mark.parametrize("days", ["8", "0", "-7", "abc", "๗", "99999999999999999999"])
def test_an_unknown_preset_is_refused_with_the_default_period(days):
    period, errors = period_parse({"days": days}, today=TODAY)
    assert period == LAST_30
    assert messages(errors) == [("days", "Choose a period of 7, 30, 90 or 365 days")]


def test_dates_from_and_to_are_both_included():
    period, errors = period_parse({"from": "2026-10-01", "to": "2026-10-31"}, today=TODAY)
    assert errors == []
    assert period == Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert period.days == 31


def test_dates_win_over_a_preset_and_to_defaults_to_today():
    period, errors = period_parse({"from": "2026-11-01", "days": "7"}, today=TODAY)
    assert (period, errors) == (Period(dt.date(2026, 11, 1), TODAY), [])


def test_only_an_end_date_gives_the_default_length_up_to_it():
    period, errors = period_parse({"to": "2026-10-31"}, today=TODAY)
    assert (period, errors) == (Period(dt.date(2026, 10, 2), dt.date(2026, 10, 31)), [])


@pytest.mark.parametrize("typed", ["2026-02-30", "1/11/2026", "2026-1-1", "๒๕๖๙-๑๑-๐๑", "x" * 5000])
def test_a_start_that_is_not_a_real_date_is_refused(typed):
    period, errors = period_parse({"from": typed, "to": "2026-11-20"}, today=TODAY)
    assert period == LAST_30
    assert messages(errors) == [("from", "Enter the start date as a real date, like 2026-11-01")]


def test_an_end_that_is_not_a_real_date_is_refused():
    period, errors = period_parse({"from": "2026-11-01", "to": "2026-13-01"}, today=TODAY)
    assert period == LAST_30
    assert messages(errors) == [("to", "Enter the end date as a real date, like 2026-11-30")]


def test_a_reversed_range_is_refused():
    period, errors = period_parse({"from": "2026-11-20", "to": "2026-11-01"}, today=TODAY)
    assert period == LAST_30
    assert messages(errors) == [("from", "The start date must be on or before the end date")]


def test_366_days_are_allowed_and_367_refused():
    allowed, errors = period_parse({"from": "2025-11-25", "to": "2026-11-25"}, today=TODAY)
    assert (allowed.days, errors) == (366, [])
    period, errors = period_parse({"from": "2025-11-24", "to": "2026-11-25"}, today=TODAY)
    assert period == LAST_30
    assert messages(errors) == [("from", "The period can be at most 366 days")]


def test_an_end_in_the_future_is_refused_even_by_one_day():
    period, errors = period_parse({"from": "2026-11-01", "to": "2026-11-26"}, today=TODAY)
    assert period == LAST_30
    assert messages(errors) == [("to", "The end date cannot be in the future")]


def test_a_buddhist_era_year_is_in_the_future_and_too_long():
    period, errors = period_parse({"from": "2569-11-01", "to": "2569-11-30"}, today=TODAY)
    assert period == LAST_30
    assert messages(errors) == [("to", "The end date cannot be in the future")]


@pytest.mark.parametrize(
    "params",
    [{"to": "0001-01-05"}, {"from": "0001-01-01"}, {"from": "1999-12-31", "to": "2000-01-05"}],
)
def test_a_date_before_2000_is_refused_without_crashing(params):
    period, errors = period_parse(params, today=TODAY)
    assert period == period_last(30, today=TODAY)
    assert [error.message for error in errors] == ["Enter a date on or after 1 January 2000"]


def test_a_period_may_start_on_1_january_2000():
    period, errors = period_parse({"from": "2000-01-01", "to": "2000-12-31"}, today=TODAY)
    assert (period, errors) == (Period(dt.date(2000, 1, 1), dt.date(2000, 12, 31)), [])


def test_a_period_knows_its_months_and_the_days_it_has_in_each():
    period = Period(dt.date(2026, 11, 16), dt.date(2027, 1, 2))
    assert period.months() == [dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)]
    assert [period.days_in(month) for month in period.months()] == [15, 31, 2]
    assert period.days_in(dt.date(2026, 10, 1)) == 0
    assert Period.of_month(dt.date(2026, 11, 7), today=TODAY) == Period(dt.date(2026, 11, 1), TODAY)
    assert Period.of_month(dt.date(2026, 2, 7), today=TODAY).days == 28


# --- the open data's months ----------------------------------------------------------------------


def test_the_open_data_defaults_to_the_last_12_months_with_this_one():
    months, errors = month_range_parse({}, today=TODAY)
    assert errors == []
    assert (months[0], months[-1], len(months)) == (dt.date(2025, 12, 1), dt.date(2026, 11, 1), 12)


def test_months_from_and_to_are_both_included():
    months, errors = month_range_parse({"from": "2026-01", "to": "2026-03"}, today=TODAY)
    assert (months, errors) == ([dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)], [])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"from": "2026-13"}, [("from", "Enter the first month as a real month, like 2026-01")]),
        ({"to": "26-01"}, [("to", "Enter the last month as a real month, like 2026-12")]),
        ({"from": "2026-05", "to": "2026-04"},
         [("from", "The first month must be on or before the last month")]),
        ({"from": "2024-10", "to": "2026-10"}, [("from", "The data can cover at most 24 months")]),
        ({"to": "2026-12"}, [("to", "The last month cannot be in the future")]),
    ],
)  # fmt: skip
def test_wrong_months_are_refused_with_the_last_12_months(params, expected):
    months, errors = month_range_parse(params, today=TODAY)
    assert len(months) == 12
    assert months[-1] == dt.date(2026, 11, 1)
    assert messages(errors) == expected


def test_24_months_are_allowed():
    months, errors = month_range_parse({"from": "2024-12", "to": "2026-11"}, today=TODAY)
    assert (len(months), errors) == (24, [])


@pytest.mark.parametrize("params", [{"to": "0001-01"}, {"from": "1999-12"}])
def test_a_month_before_2000_is_refused_without_crashing(params):
    months, errors = month_range_parse(params, today=TODAY)
    assert len(months) == 12
    assert [error.message for error in errors] == ["Enter a month from January 2000 on"]
