"""The rules' function library: pure date arithmetic in Thai working days, and nothing else.

CEL sees a date as a timestamp at midnight UTC of that day. Every function here is pure: no
database, no clock except ``today()``, which the evaluation pins (``RuleInputs.today``, an
example's ``today``) and which otherwise is the day in Asia/Bangkok. Public holidays come from
the bundled file of the appointments module, read once.

A function given what it cannot take raises ``TypeError`` (a value of the wrong type) or
``FunctionRefused`` (a value it cannot use: a date that does not exist, out of the calendar),
with a translated message the checks show the service designer as it is.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from onegate.appointments.public_holidays import holiday_rows

__all__ = [
    "FUNCTION_NAMES",
    "FunctionRefused",
    "as_day",
    "cel_type_name",
    "day_timestamp",
    "library",
]

UTC = dt.UTC
MAX_WORKING_DAYS = 3_650
FUNCTION_NAMES = (
    "today",
    "date",
    "age_on",
    "days_between",
    "add_days",
    "add_months",
    "add_working_days",
    "working_days_between",
    "is_working_day",
)


class FunctionRefused(ValueError):
    """A value of the right type that a function cannot use; the message is translated."""


def cel_type_name(value: Any) -> str:
    """The CEL type of a value the ``cel`` package gave back."""
    kinds = [(bool, "bool"), (int, "int"), (float, "double"), (str, "string"), (bytes, "bytes"),
             (dt.datetime, "timestamp"), (dt.timedelta, "duration"), (list, "list"),
             (dict, "map")]  # fmt: skip
    if value is None:
        return "null"
    return next((name for kind, name in kinds if isinstance(value, kind)), type(value).__name__)


def day_timestamp(day: dt.date) -> dt.datetime:
    """A day as CEL sees it: the timestamp at midnight UTC."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC)


def as_day(value: Any, function: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    values = {"function": function, "type": cel_type_name(value)}
    raise TypeError(_("%(function)s() takes dates, not %(type)s") % values)


def _as_int(value: Any, function: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        values = {"function": function, "type": cel_type_name(value)}
        raise TypeError(_("%(function)s() takes a whole number of days, not %(type)s") % values)
    return value


@functools.cache
def _holidays() -> frozenset[dt.date]:
    return frozenset(row.date for row in holiday_rows())


def working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays()


def date(text: Any) -> dt.datetime:
    if not isinstance(text, str):
        message = _("date() takes text like '2026-01-31', not %(type)s")
        raise TypeError(message % {"type": cel_type_name(text)})
    try:
        return day_timestamp(dt.date.fromisoformat(text))
    except ValueError:
        message = _("date() takes an existing day written as YYYY-MM-DD, not “%(text)s”")
        raise FunctionRefused(message % {"text": text[:40]}) from None


def age_on(birth: Any, on: Any) -> int:
    """Whole years; a person born on 29 February turns a year older on 1 March in other years."""
    born, day = as_day(birth, "age_on"), as_day(on, "age_on")
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def days_between(start: Any, end: Any) -> int:
    return (as_day(end, "days_between") - as_day(start, "days_between")).days


def add_days(day: Any, count: Any) -> dt.datetime:
    return day_timestamp(as_day(day, "add_days") + dt.timedelta(days=_as_int(count, "add_days")))


def add_months(day: Any, count: Any) -> dt.datetime:
    """The same day ``count`` months later; the month's last day when it is shorter."""
    start = as_day(day, "add_months")
    months = start.year * 12 + start.month - 1 + _as_int(count, "add_months")
    year, month = divmod(months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day_timestamp(dt.date(year, month + 1, min(start.day, last)))


def add_working_days(day: Any, count: Any) -> dt.datetime:
    """The ``count``-th working day after ``day`` (before it when negative)."""
    current, left = as_day(day, "add_working_days"), _as_int(count, "add_working_days")
    if abs(left) > MAX_WORKING_DAYS:
        message = _("add_working_days() counts at most %(count)s days")
        raise FunctionRefused(message % {"count": MAX_WORKING_DAYS})
    step = dt.timedelta(days=1 if left >= 0 else -1)
    while left:
        current += step
        if working_day(current):
            left += -1 if left > 0 else 1
    return day_timestamp(current)


def working_days_between(start: Any, end: Any) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when it is before)."""
    first, last = as_day(start, "working_days_between"), as_day(end, "working_days_between")
    low, high = min(first, last), max(first, last)
    weeks, rest = divmod((high - low).days, 7)
    weekdays = weeks * 5 + sum(
        1 for offset in range(1, rest + 1) if (low + dt.timedelta(days=offset)).weekday() < 5
    )
    holidays = sum(1 for day in _holidays() if low < day <= high and day.weekday() < 5)
    return (weekdays - holidays) * (1 if last >= first else -1)


def is_working_day(day: Any) -> bool:
    return working_day(as_day(day, "is_working_day"))


def _null_passes(function: Callable[..., Any]) -> Callable[..., Any]:
    """An empty answer in gives null out, so ``add_months(answers.arrival, 6)`` waits for it."""

    @functools.wraps(function)
    def call(*args: Any) -> Any:
        if any(arg is None for arg in args):
            return None
        try:
            return function(*args)
        except FunctionRefused:
            raise
        except (OverflowError, ValueError):
            message = _("%(function)s() gives a day outside the calendar (years 1 to 9999)")
            raise FunctionRefused(message % {"function": function.__name__}) from None

    return call


_PURE = {
    name: _null_passes(function)
    for name, function in (
        ("date", date),
        ("age_on", age_on),
        ("days_between", days_between),
        ("add_days", add_days),
        ("add_months", add_months),
        ("add_working_days", add_working_days),
        ("working_days_between", working_days_between),
        ("is_working_day", is_working_day),
    )
}


def library(today: dt.date) -> dict[str, Callable[..., Any]]:
    """The functions a rule may call, with ``today()`` pinned to ``today``."""
    now = day_timestamp(today)
    return {"today": lambda: now, **_PURE}
