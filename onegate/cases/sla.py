"""The clock on a case: the day its decision is due, in Thai working days, and how close it is.

Working days skip weekends and Thai public holidays, the same days the definitions' rules and
the runner's "we will tell you the decision by" count (``definitions.language.add_working_days``),
so the date a person was promised and the date the queue warns about are one date.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.utils import timezone

from onegate.cases.constants import FINAL_STATES, SLA_WARNING_WORKING_DAYS
from onegate.definitions.language import add_working_days
from onegate.definitions.language.functions import working_days_between

__all__ = ["Clocked", "SlaState", "sla_due_on", "sla_state", "working_days_left"]


class Clocked(Protocol):
    """What the clock reads of a case (a ``Case``, or a row of a queue's values)."""

    status: str
    sla_due_on: dt.date


class SlaState:
    """What the queue shows beside a case's due date."""

    OK = "ok"
    DUE_SOON = "due_soon"  # due within SLA_WARNING_WORKING_DAYS working days (or today)
    BREACHED = "breached"  # the due day has passed without a decision
    NONE = ""  # decided, withdrawn or closed: no clock


def sla_due_on(submitted_at: dt.datetime, working_days: int) -> dt.date:
    """The day the decision is due: ``working_days`` Thai working days after the day it was sent
    (the day in Bangkok)."""
    return add_working_days(timezone.localdate(submitted_at), working_days).date()


def working_days_left(case: Clocked, today: dt.date | None = None) -> int:
    """Working days from ``today`` to the due day (0 on the day, negative once it has passed)."""
    today = today or timezone.localdate()
    return working_days_between(today, case.sla_due_on)


def sla_state(case: Clocked, today: dt.date | None = None) -> str:
    """``SlaState`` of ``case`` on ``today``: "ok", "due_soon", "breached" or "" when final."""
    if case.status in FINAL_STATES:
        return SlaState.NONE
    today = today or timezone.localdate()
    due: dt.date = case.sla_due_on
    if today > due:
        return SlaState.BREACHED
    if working_days_left(case, today) <= SLA_WARNING_WORKING_DAYS:
        return SlaState.DUE_SOON
    return SlaState.OK
