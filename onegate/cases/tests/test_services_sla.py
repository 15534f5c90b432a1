"""The clock on a case: due on the day the person was promised, counted in Thai working days,
"due soon" the working day before, "breached" after, and no clock once decided."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from onegate.cases.constants import CaseStatus
from onegate.cases.sla import SlaState, sla_due_on, sla_state, working_days_left
from onegate.runner.notifications import decide_by

BANGKOK = dt.timezone(dt.timedelta(hours=7))


def case(due: dt.date, status: str = CaseStatus.REFERRED) -> SimpleNamespace:
    return SimpleNamespace(sla_due_on=due, status=status)


def test_the_due_day_is_the_one_the_acknowledgement_promised():
    for day in range(1, 28):
        sent = dt.datetime(2026, 12, day, 15, 0, tzinfo=BANGKOK)
        assert sla_due_on(sent, 5) == decide_by(sent, 5)


def test_weekends_and_public_holidays_do_not_count():
    # Friday 4 December 2026; Saturday 5 December (King Bhumibol's birthday) and Monday
    # 7 December (its substitute day) are not working days, nor Thursday 10 December
    # (Constitution Day)
    sent = dt.datetime(2026, 12, 4, 9, 0, tzinfo=BANGKOK)

    assert sla_due_on(sent, 1) == dt.date(2026, 12, 8)
    assert sla_due_on(sent, 3) == dt.date(2026, 12, 11)


def test_sent_late_in_the_evening_counts_from_that_day_in_bangkok():
    late = dt.datetime(2026, 12, 1, 23, 30, tzinfo=BANGKOK)  # 16:30 UTC the same day

    assert sla_due_on(late.astimezone(dt.UTC), 1) == dt.date(2026, 12, 2)


def test_the_queue_warns_the_working_day_before_and_after_the_day():
    due = dt.date(2026, 12, 16)  # a Wednesday

    assert sla_state(case(due), today=dt.date(2026, 12, 14)) == SlaState.OK
    assert sla_state(case(due), today=dt.date(2026, 12, 15)) == SlaState.DUE_SOON
    assert sla_state(case(due), today=due) == SlaState.DUE_SOON
    assert sla_state(case(due), today=dt.date(2026, 12, 17)) == SlaState.BREACHED
    assert working_days_left(case(due), today=dt.date(2026, 12, 14)) == 2
    assert working_days_left(case(due), today=dt.date(2026, 12, 18)) == -2


def test_a_decided_case_has_no_clock():
    long_ago = timezone.localdate() - dt.timedelta(days=90)

    for status in (CaseStatus.APPROVED, CaseStatus.REFUSED, CaseStatus.WITHDRAWN):
        assert sla_state(case(long_ago, status)) == ""
    assert sla_state(case(long_ago)) == SlaState.BREACHED
