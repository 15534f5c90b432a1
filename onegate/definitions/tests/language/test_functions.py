"""The rules' function library, through CEL as a rule calls it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import cel
import pytest

from onegate.definitions.language.functions import day_timestamp, library


def run(expression: str, today: dt.date = dt.date(2026, 4, 10), **variables: Any) -> Any:
    context = cel.Context(variables=variables, functions=library(today))
    return cel.compile(expression).execute(context)


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        ("2000-05-17", "2018-05-16", 17),
        ("2000-05-17", "2018-05-17", 18),
        ("2000-02-29", "2018-02-28", 17),  # born on 29 February: a year older on 1 March
        ("2000-02-29", "2018-03-01", 18),
        ("2000-02-29", "2020-02-29", 20),
        ("2000-12-31", "2001-01-01", 0),
    ],
)
def test_age_on_counts_whole_years(birth: str, on: str, age: int) -> None:
    assert run(f"age_on(date('{birth}'), date('{on}'))") == age


def test_today_is_pinned_and_a_day_at_midnight_utc() -> None:
    assert run("today()") == dt.datetime(2026, 4, 10, tzinfo=dt.UTC)
    assert run("today() == date('2026-04-10')") is True


def test_days_and_months() -> None:
    assert run("days_between(date('2026-01-31'), date('2026-03-01'))") == 29
    assert run("add_days(date('2026-12-31'), 1) == date('2027-01-01')") is True
    assert run("add_months(date('2026-08-31'), 6) == date('2027-02-28')") is True
    assert run("add_months(date('2026-03-31'), -1) == date('2026-02-28')") is True


def test_working_days_skip_weekends_and_songkran() -> None:
    # Friday 10 April 2026; Songkran is Monday 13 to Wednesday 15 April.
    assert run("add_working_days(today(), 1) == date('2026-04-16')") is True
    assert run("working_days_between(today(), date('2026-04-16'))") == 1
    assert run("working_days_between(date('2026-04-16'), today())") == -1
    assert run("is_working_day(date('2026-04-14'))") is False
    assert run("add_working_days(date('2026-04-16'), -1) == today()") is True


def test_working_days_over_a_long_span_count_each_holiday_once() -> None:
    # 2026 has 261 weekdays and 20 public holidays on weekdays in the bundled file.
    days = run("working_days_between(date('2025-12-31'), date('2026-12-31'))")
    assert days == 261 - len([1 for d in _weekday_holidays_2026()])


def _weekday_holidays_2026() -> list[dt.date]:
    from onegate.appointments.public_holidays import holiday_rows

    return [r.date for r in holiday_rows() if r.date.year == 2026 and r.date.weekday() < 5]


def test_an_empty_answer_gives_null() -> None:
    assert run("add_months(answers.arrival, 6) == null", answers={"arrival": None}) is True


def test_a_date_function_given_text_fails() -> None:
    with pytest.raises(RuntimeError, match="takes dates"):
        run("age_on('2000-01-01', today())")


def test_day_timestamp_is_midnight_utc() -> None:
    assert day_timestamp(dt.date(2026, 1, 2)).isoformat() == "2026-01-02T00:00:00+00:00"
