"""The demo's ETA visitors (``cases.demo``): the documented mix, decided by the worker's rules,
every decision replayed in agreement, and loading twice adds nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from onegate.cases.constants import CaseStatus, DecidedBy
from onegate.cases.demo import (
    CONVICTION,
    EXPIRES_SOON_BUT_ENOUGH,
    EXPIRES_TOO_SOON,
    VISITORS,
    WORK,
    eta_visitors,
    load_demo_eta_applicants,
)
from onegate.cases.models import Case
from onegate.cases.tests.factories import demo_services, run_tasks  # noqa: F401  (fixture)
from onegate.registries.models import Person
from onegate.runner.models import Application


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker runs inside this test's transaction: its ``close_old_connections`` would close
    the connection on PostgreSQL (autocommit is off inside a transaction)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def test_the_mix_is_the_documented_one_and_the_same_every_time():
    today = dt.date(2026, 11, 26)
    visitors = eta_visitors(today)

    assert visitors == eta_visitors(today)
    assert len(visitors) == VISITORS == 40
    assert [v.number for v in visitors if v.convicted] == [CONVICTION]
    assert [v.number for v in visitors if v.purpose == "work"] == [WORK]
    too_soon = [v.number for v in visitors if v.expires < v.arrival + dt.timedelta(days=182)]
    assert too_soon == list(EXPIRES_TOO_SOON)
    for number in EXPIRES_SOON_BUT_ENOUGH:
        visitor = visitors[number]
        assert today + dt.timedelta(days=200) <= visitor.expires <= today + dt.timedelta(days=245)
    assert len({v.passport for v in visitors}) == 40
    assert all(v.expires > today for v in visitors)  # all can prove who they are


@pytest.mark.usefixtures("demo_services")
def test_the_visitors_are_decided_automatically_and_every_decision_replays():
    # given the 40 visitors sent what they could
    mix = load_demo_eta_applicants()
    assert (len(mix.sent), len(mix.stopped), mix.already) == (38, 2, 0)

    # when the worker runs: the runner's announcement opens the cases, the rules decide them
    run_tasks()

    cases = Case.objects.filter(application__reference__in=mix.sent)
    assert cases.count() == 38
    automatic = cases.filter(decided_how=DecidedBy.RULES).count()
    assert automatic == 37 and automatic / cases.count() >= 0.95
    by_status = {s: cases.filter(status=s).count() for s in CaseStatus.values}
    assert (by_status["approved"], by_status["referred"], by_status["refused"]) == (36, 1, 1)
    assert cases.get(status=CaseStatus.REFERRED).rules["rule"] == "declared_conviction"
    assert cases.get(status=CaseStatus.REFUSED).rules["rule"] == "comes_to_work"

    out = io.StringIO()
    call_command("decision_replay", "--all", stdout=out)  # raises on any disagreement
    assert "38 replayed, 0 disagree" in out.getvalue()

    # and loading the demo again adds nothing
    counts = (Application.objects.count(), Case.objects.count(), Person.objects.count())
    again = load_demo_eta_applicants()
    run_tasks()
    assert (again.sent, again.stopped, again.already) == ([], [], 40)
    assert (Application.objects.count(), Case.objects.count(), Person.objects.count()) == counts
