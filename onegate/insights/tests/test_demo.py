"""The demo's performance history (``insights.demo``): four months of every live service, loaded
once a day without ever doubling, the owners' figures entered as the owners, the measures
plausible, and nothing in it about anyone."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from onegate.audit.constants import InsightsAction
from onegate.audit.models import AuditEvent
from onegate.cases.tests.factories import demo_services  # noqa: F401  (fixture)
from onegate.core.management.commands.demo_setup import DEMO_LOADERS
from onegate.definitions.selectors import definitions_published
from onegate.identity.constants import StaffRole
from onegate.identity.tests.organisation_fixtures import staff_member
from onegate.insights import demo
from onegate.insights.constants import COUNT_ROW, Channel, EventKind
from onegate.insights.measures import service_measures
from onegate.insights.models import Event, MeasureDay, ServicePeriodInput
from onegate.insights.periods import Period

ETA = "electronic-travel-authority"
DAY = dt.timedelta(days=1)
AGENCIES = ("immigration", "health", "land-transport", "civil-registration")

pytestmark = pytest.mark.usefixtures("demo_services")


@pytest.fixture
def owners(demo_services: None) -> dict[str, object]:  # noqa: F811
    """A service owner of each demo service's agency."""
    return {
        agency: staff_member(f"owner.{agency}@example.test", StaffRole.SERVICE_OWNER, agency)
        for agency in AGENCIES
    }


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())


def test_the_demo_setup_loads_the_history_after_the_services_are_published():
    commands = [name for name, _args in DEMO_LOADERS]

    assert commands.index("load_demo_insights") > commands.index("load_demo_definitions")


def test_a_load_gives_every_live_service_four_months_once_a_day(owners):
    today = timezone.localdate()

    # when the demo is set up
    out = io.StringIO()
    call_command("load_demo_insights", stdout=out)

    # then every live service has the 120 whole days before today, and today is left to the
    # demo's real journeys
    loaded = Event.objects.filter(dedup__startswith=demo.DEDUP_PREFIX)
    first = loaded.order_by("occurred_at").values_list("occurred_at", flat=True)[0]
    last = loaded.order_by("-occurred_at").values_list("occurred_at", flat=True)[0]
    assert demo.HISTORY_DAYS == 120
    assert _midnight(today - 120 * DAY) <= first < _midnight(today - 119 * DAY)
    assert _midnight(today - DAY) <= last < _midnight(today)
    slugs = {item.slug for item in definitions_published()}
    assert set(loaded.values_list("service_slug", flat=True).distinct()) == slugs
    count = loaded.count()
    assert count > 10_000
    assert f"Performance history: {count:,} events from {today - 120 * DAY}" in out.getvalue()
    days = MeasureDay.objects.count()
    assert days > 0

    # and loading again the same day changes nothing
    again = demo.load_demo_insights()
    assert (again.already, again.events, again.months_entered) == (True, 0, 0)
    assert Event.objects.count() == count and MeasureDay.objects.count() == days


def test_a_later_day_replaces_the_history_and_keeps_real_events(owners, monkeypatch):
    monkeypatch.setattr(demo, "HISTORY_DAYS", 14)  # the same rules, fewer days to make
    today = timezone.localdate()
    # given the demo loaded two days ago, and a real journey's event since
    before = demo.load_demo_insights(today=today - 2 * DAY)
    real = Event.objects.create(
        occurred_at=_midnight(today - DAY), service_slug=ETA, version=1,
        channel=Channel.ONLINE, kind=EventKind.STARTED,
    )  # fmt: skip

    # when the demo is loaded again today
    later = demo.load_demo_insights()

    # then the history moved by two days, is not doubled, and the real event is still there
    assert not later.already and later.first_day == today - 14 * DAY
    remade = Event.objects.filter(dedup__startswith=demo.DEDUP_PREFIX)
    assert remade.count() == later.events
    assert 0.7 * before.events < later.events < 1.3 * before.events
    stale = f"{demo.DEDUP_PREFIX}{today - 2 * DAY:%Y%m%d}:"
    assert not remade.filter(dedup__startswith=stale).exists()
    assert Event.objects.filter(pk=real.pk).exists()
    assert Event.objects.count() == later.events + 1


def test_the_measures_are_plausible_and_nothing_is_about_anyone(owners, monkeypatch):
    # 45 days: always some of last month, which the owners gave figures for
    monkeypatch.setattr(demo, "HISTORY_DAYS", 45)
    demo.load_demo_insights()
    yesterday = timezone.localdate() - DAY

    measures = service_measures(
        service_slug=ETA, period=Period(start=yesterday - 44 * DAY, end=yesterday)
    )

    # the travel authority's last 45 days, as its dashboard shows them
    assert measures.started > 450
    assert 0.6 < (measures.completion_rate or 0) < 0.95
    assert 0.5 < (measures.take_up or 0) < 0.95  # online, of every channel and owners' paper
    assert measures.outside["paper"] > 0
    assert (measures.auto_decision_rate or 0) > 0.85  # decided by its rules
    assert 0 < (measures.time_to_decision.median or 0) < 60  # seconds
    assert (measures.satisfaction or 0) > 0.7
    assert (measures.sla_rate or 0) > 0.9
    assert [step.page_id for step in measures.funnel][:2] == ["your_passport", "your_trip"]
    assert measures.funnel[0].viewed >= measures.funnel[-1].viewed > 0
    assert measures.costs is not None and measures.costs.savings > 0
    assert MeasureDay.objects.filter(service_slug=ETA, bucket=COUNT_ROW).exists()
    # nothing about anyone: pages of the definitions, the closed lists, and a note naming no one
    pages = {page.id for item in definitions_published() for page in item.compiled.model.pages}
    assert set(Event.objects.values_list("page_id", flat=True).distinct()) <= pages | {""}
    assert set(Event.objects.values_list("kind", flat=True).distinct()) <= set(EventKind.values)
    assert set(Event.objects.values_list("outcome", flat=True).distinct()) <= {
        "", "approve", "refuse",
    }  # fmt: skip
    assert set(ServicePeriodInput.objects.values_list("note", flat=True)) == {demo.OWNERS_NOTE}


def test_the_owners_figures_are_entered_by_each_services_owner(owners, monkeypatch):
    monkeypatch.setattr(demo, "HISTORY_DAYS", 1)  # the figures do not depend on the history
    demo.load_demo_insights()

    rows = list(ServicePeriodInput.objects.filter(service_slug=ETA).order_by("month"))
    this_month = timezone.localdate().replace(day=1)
    assert demo.INPUT_MONTHS == 4 == len(rows)
    assert rows[-1].month == (this_month - DAY).replace(day=1)  # the last whole month
    assert rows[0].month == (this_month - 100 * DAY).replace(day=1)  # four months back
    assert {row.updated_by for row in rows} == {owners["immigration"]}
    assert rows[0].paper_applications > rows[3].paper_applications > 0  # paper falls
    # as the dashboard's form would: each month audited, every demo service's four months
    saved = AuditEvent.objects.filter(action=InsightsAction.INPUTS_SAVED)
    assert saved.count() == ServicePeriodInput.objects.count() == 5 * demo.INPUT_MONTHS
