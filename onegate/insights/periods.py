"""The periods the performance pages and the open data cover, read from what people type.

A period is a run of whole local (Asia/Bangkok) days, both ends included. ``period_parse`` reads
a dashboard's ``from``/``to`` dates (YYYY-MM-DD) or a ``days`` preset; ``month_range_parse`` reads
the open data's ``from``/``to`` months (YYYY-MM). Neither raises on anything typed: each returns a
usable default with a list of errors (a translated message and the field it is about), so a page
always renders, with the error shown above it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from onegate.insights.constants import MAX_RANGE_DAYS

__all__ = [
    "MAX_MONTHS",
    "PRESET_DAYS",
    "Period",
    "PeriodError",
    "month_add",
    "month_range_parse",
    "period_parse",
]

# The ranges a dashboard offers as links ("last 7 days", …).
PRESET_DAYS = (7, 30, 90, 365)
# The open data: at most this many months in one download; 12 when none are asked for.
MAX_MONTHS = 24
DEFAULT_MONTHS = 12
# ASCII digits only: ``\d`` would take Thai digits, which ``date.fromisoformat`` then refuses.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


@dataclass(frozen=True)
class Period:
    """Local days from ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def each_day(self) -> Iterator[dt.date]:
        for offset in range(self.days):
            yield self.start + dt.timedelta(days=offset)

    def months(self) -> list[dt.date]:
        """The calendar months the period touches, each as its first day."""
        found, month = [], self.start.replace(day=1)
        while month <= self.end:
            found.append(month)
            month = month_add(month, 1)
        return found

    def days_in(self, month: dt.date) -> int:
        """How many of the period's days fall in ``month`` (any day of it)."""
        first = month.replace(day=1)
        last = month_add(first, 1) - dt.timedelta(days=1)
        overlap = (min(last, self.end) - max(first, self.start)).days + 1
        return max(0, overlap)

    @classmethod
    def of_month(cls, month: dt.date, *, today: dt.date | None = None) -> Period:
        """The calendar month of ``month``; the current month ends ``today``."""
        first = month.replace(day=1)
        last = month_add(first, 1) - dt.timedelta(days=1)
        if today is not None and first <= today < last:
            last = today
        return cls(first, last)


@dataclass(frozen=True)
class PeriodError:
    """Why what was typed could not be used: ``field`` is the parameter (``from``, ``to``,
    ``days``), ``message`` the translated sentence to show."""

    field: str
    message: str


def month_add(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after ``month``'s (before, when negative)."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def _typed(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    return value.strip() if isinstance(value, str) else ""


def _date(text: str) -> dt.date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def period_last(days: int, *, today: dt.date) -> Period:
    """The ``days`` days up to and including ``today``."""
    return Period(today - dt.timedelta(days=days - 1), today)


def period_parse(
    params: Mapping[str, str], *, today: dt.date, default_days: int = 30
) -> tuple[Period, list[PeriodError]]:
    """The period asked for, and what was wrong with it (the default period when anything was).

    ``from`` and ``to`` (either may be left out: ``to`` is then today and ``from`` the default
    number of days before it) win over ``days``, which must be one of ``PRESET_DAYS``.
    """
    default = period_last(default_days, today=today)
    start_text, end_text = _typed(params, "from"), _typed(params, "to")
    if start_text or end_text:
        return _dates_parse(start_text, end_text, today=today, default=default)
    days_text = _typed(params, "days")
    if not days_text:
        return default, []
    if days_text.isascii() and days_text.isdigit() and int(days_text) in PRESET_DAYS:
        return period_last(int(days_text), today=today), []
    message = _("Choose a period of 7, 30, 90 or 365 days")
    return default, [PeriodError("days", message)]


def _dates_parse(
    start_text: str, end_text: str, *, today: dt.date, default: Period
) -> tuple[Period, list[PeriodError]]:
    errors: list[PeriodError] = []
    start = _date(start_text) if start_text else None
    end = _date(end_text) if end_text else today
    if start_text and start is None:
        message = _("Enter the start date as a real date, like 2026-11-01")
        errors.append(PeriodError("from", message))
    if end is None:
        errors.append(PeriodError("to", _("Enter the end date as a real date, like 2026-11-30")))
    if errors or end is None:
        return default, errors
    if start is None:  # the default length, ending at ``end`` (and never before the earliest)
        start = max(EARLIEST, end - dt.timedelta(days=default.days - 1)) if end >= EARLIEST else end
    if min(start, end) < EARLIEST:  # no service ran before; and older dates overflow in UTC
        name = "to" if end < EARLIEST else "from"
        return default, [PeriodError(name, _("Enter a date on or after 1 January 2000"))]
    if end > today:
        errors.append(PeriodError("to", _("The end date cannot be in the future")))
    if start > end:
        errors.append(PeriodError("from", _("The start date must be on or before the end date")))
    elif (end - start).days + 1 > MAX_RANGE_DAYS:
        message = _("The period can be at most %(days)s days") % {"days": MAX_RANGE_DAYS}
        errors.append(PeriodError("from", message))
    return (default, errors) if errors else (Period(start, end), [])


# The earliest day a period or the open data may start: before OneGate, and far enough from year 1
# that a day turned into UTC never overflows.
EARLIEST = dt.date(2000, 1, 1)


def _month(text: str) -> dt.date | None:
    if not _MONTH.fullmatch(text):
        return None
    year, month = int(text[:4]), int(text[5:])
    return dt.date(year, month, 1) if year >= 1 and 1 <= month <= 12 else None


def month_range_parse(
    params: Mapping[str, str], *, today: dt.date
) -> tuple[list[dt.date], list[PeriodError]]:
    """The months the open data is asked for (first days, oldest first), and what was wrong.

    ``from``/``to`` are YYYY-MM; ``to`` defaults to the current month and ``from`` to 11 months
    before ``to``. On any error: the last 12 months, the current one included.
    """
    this_month = today.replace(day=1)
    default = [month_add(this_month, -offset) for offset in range(DEFAULT_MONTHS - 1, -1, -1)]
    start_text, end_text = _typed(params, "from"), _typed(params, "to")
    errors: list[PeriodError] = []
    start = _month(start_text) if start_text else None
    end = _month(end_text) if end_text else this_month
    if start_text and start is None:
        errors.append(PeriodError("from", _("Enter the first month as a real month, like 2026-01")))
    if end is None:
        errors.append(PeriodError("to", _("Enter the last month as a real month, like 2026-12")))
    if errors or end is None:
        return default, errors
    if start is None:  # a year's months, ending at ``end`` (and never before the earliest)
        start = max(EARLIEST, month_add(end, -(DEFAULT_MONTHS - 1)) if end >= EARLIEST else end)
    if min(start, end) < EARLIEST:
        name = "to" if end < EARLIEST else "from"
        return default, [PeriodError(name, _("Enter a month from January 2000 on"))]
    if end > this_month:
        errors.append(PeriodError("to", _("The last month cannot be in the future")))
    count = (end.year - start.year) * 12 + end.month - start.month + 1
    if count < 1:
        message = _("The first month must be on or before the last month")
        errors.append(PeriodError("from", message))
    elif count > MAX_MONTHS:
        message = _("The data can cover at most %(months)s months") % {"months": MAX_MONTHS}
        errors.append(PeriodError("from", message))
    if errors:
        return default, errors
    return [month_add(start, offset) for offset in range(count)], []
