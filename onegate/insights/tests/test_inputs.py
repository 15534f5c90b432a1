"""A service owner's figures for a month: saved and audited; refused (and the refusal audited)
for someone not allowed, a month in the future or before 2000, bad figures, a stale form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from onegate.audit.constants import InsightsAction
from onegate.audit.models import AuditEvent
from onegate.definitions.tests.support import service_owner
from onegate.identity.constants import StaffRole
from onegate.identity.tests.organisation_fixtures import staff_member
from onegate.insights.measures import service_measures
from onegate.insights.models import ServicePeriodInput
from onegate.insights.periods import Period
from onegate.insights.services.inputs import InputsRefused, service_inputs_save
from onegate.insights.tests.measure_rows import (
    SLUG,
    published_fishing,  # noqa: F401 (the fixture "owner")
)

pytestmark = pytest.mark.usefixtures("owner")


def last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def save(actor, **changes):
    figures: dict[str, Any] = {
        "service_slug": SLUG,
        "month": last_month(),
        "paper_applications": 120,
        "phone_applications": 30,
        "paper_cost": Decimal("180.50"),
        "digital_cost": None,
        "note": "From the district offices' ledgers",
        "lock_version": None,
    } | changes
    return service_inputs_save(actor=actor, **figures)


def audited(action):
    return list(AuditEvent.objects.filter(action=action).order_by("created_at"))


def refusal(actor, **changes) -> str:
    with pytest.raises(InputsRefused) as refused:
        save(actor, **changes)
    assert refused.value.message  # a sentence to show, not only a code
    return refused.value.code


def test_the_owner_saves_a_months_figures_and_it_is_audited(owner):
    row = save(owner, month=last_month() + dt.timedelta(days=9))  # any day of the month

    row.refresh_from_db()
    assert (row.month, row.paper_applications, row.phone_applications) == (last_month(), 120, 30)
    assert (row.paper_cost, row.digital_cost, row.lock_version) == (Decimal("180.50"), None, 1)
    assert row.updated_by == owner
    (event,) = audited(InsightsAction.INPUTS_SAVED)
    assert event.subject_id == f"{SLUG}/{last_month():%Y-%m}"
    assert event.payload["before"] is None
    assert event.payload["after"]["paper_cost"] == "180.50"


def test_saving_again_over_the_version_seen_updates_the_row(owner):
    first = save(owner)

    again = save(owner, paper_applications=140, digital_cost=Decimal("12"), lock_version=1)

    assert (again.pk, again.lock_version, again.paper_applications) == (first.pk, 2, 140)
    assert ServicePeriodInput.objects.get().digital_cost == Decimal("12.00")
    latest = audited(InsightsAction.INPUTS_SAVED)[-1]
    before, after = latest.payload["before"], latest.payload["after"]
    assert (before["paper_applications"], after["paper_applications"]) == (120, 140)


def test_a_stale_form_is_refused_and_changes_nothing(owner):
    save(owner)
    save(owner, paper_applications=140, lock_version=1)  # someone else, meanwhile

    assert refusal(owner, paper_applications=999, lock_version=1) == "stale"
    assert refusal(owner, paper_applications=999, lock_version=None) == "stale"
    assert ServicePeriodInput.objects.get().paper_applications == 140
    refused = audited(InsightsAction.INPUTS_REFUSED)
    assert [event.payload["code"] for event in refused] == ["stale", "stale"]


def test_a_form_drawn_from_a_row_that_is_not_there_is_stale(owner):
    assert refusal(owner, lock_version=3) == "stale"
    assert not ServicePeriodInput.objects.exists()


def test_another_agencys_owner_is_refused_and_the_refusal_audited():
    other = service_owner("owner@land-transport.test", agency="land-transport")

    assert refusal(other) == "not_allowed"

    assert not ServicePeriodInput.objects.exists()
    (event,) = audited(InsightsAction.INPUTS_REFUSED)
    assert (event.actor_id, event.payload["code"]) == (str(other.pk), "not_allowed")


def test_a_team_lead_who_may_see_the_figures_may_not_enter_them():
    lead = staff_member("lead@immigration.test", StaffRole.TEAM_LEAD, "immigration")

    assert refusal(lead) == "not_allowed"


def test_an_unknown_service_is_refused(owner):
    assert refusal(owner, service_slug="no-such-service") == "not_found"


@pytest.mark.parametrize(
    "month",
    [
        pytest.param("future", id="next month"),
        pytest.param(dt.date(1999, 12, 1), id="before 2000"),
        pytest.param("2026-11", id="not a date"),
    ],
)
def test_a_month_not_allowed_is_refused(owner, month):
    if month == "future":
        month = (timezone.localdate().replace(day=28) + dt.timedelta(days=5)).replace(day=1)

    assert refusal(owner, month=month) == "month"
    assert not ServicePeriodInput.objects.exists()


def test_the_current_month_and_january_2000_are_allowed(owner):
    save(owner, month=timezone.localdate())
    save(owner, month=dt.date(2000, 1, 31))

    assert ServicePeriodInput.objects.count() == 2


@pytest.mark.parametrize(
    "changes",
    [
        {"paper_applications": -1},
        {"phone_applications": 10_000_001},
        {"paper_applications": "12"},
        {"paper_cost": Decimal("1.005")},
        {"digital_cost": Decimal("-1")},
        {"paper_cost": "NaN"},
        {"paper_cost": Decimal("100000000")},
        {"note": "x" * 2001},
    ],
)
def test_figures_that_cannot_be_right_are_refused(owner, changes):
    assert refusal(owner, **changes) == "invalid"
    assert not ServicePeriodInput.objects.exists()


def test_the_note_loses_control_characters(owner):
    row = save(owner, note="Ledgers\x00 of\r\nthe \x1b[31mdistricts ")

    assert row.note == "Ledgers of\nthe [31mdistricts"


def test_the_saved_figures_bring_paper_and_phone_into_take_up(owner):
    month = last_month()
    save(owner, month=month, paper_applications=40, phone_applications=10)

    whole_month = Period(month, (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(1))
    measures = service_measures(service_slug=SLUG, period=whole_month)

    assert measures.outside == {"paper": 40, "phone": 10}
    assert measures.take_up == 0.0  # nobody applied online
