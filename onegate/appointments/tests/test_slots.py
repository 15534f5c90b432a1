"""Slots come from opening hours, less closures, public holidays and services done online."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from onegate.appointments.models import PublicHoliday, Slot
from onegate.appointments.services import slots_generate
from onegate.appointments.tests.support import PASSPORT, bangkok_centre, visit_services
from onegate.identity.services.service_centres import (
    ExceptionDay,
    HoursPeriod,
    service_centre_hours_set,
)

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def centre():
    visit_services()
    return bangkok_centre()


def _local_times(day: dt.date) -> list[str]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    slots = Slot.objects.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
    return [f"{timezone.localtime(s.starts_at):%H:%M}" for s in slots.order_by("starts_at")]


def test_a_weekday_is_cut_into_half_hours_for_the_service_that_needs_a_visit(centre):
    made = slots_generate(centre=centre, start=MONDAY, days=1)
    # 08:30 to 16:30 is 16 half hours; only the passport needs a visit.
    assert made == 16
    assert set(Slot.objects.values_list("service_slug", flat=True)) == {PASSPORT}
    times = _local_times(MONDAY)
    assert (times[0], times[-1]) == ("08:30", "16:00")
    assert Slot.objects.all()[0].capacity == 2


def test_lunch_weekends_closures_and_holidays_have_no_slots(centre):
    week = [
        HoursPeriod(day, *hours)
        for day in range(5)
        for hours in ((dt.time(8, 30), dt.time(12)), (dt.time(13), dt.time(16, 30)))
    ]
    closed = ExceptionDay(date=MONDAY + dt.timedelta(days=1), reason_en="Flood", reason_th="น้ำท่วม")
    service_centre_hours_set(actor=None, centre=centre, weekly=week, exceptions=[closed])
    PublicHoliday.objects.create(
        date=MONDAY + dt.timedelta(days=2), name_en="A holiday", name_th="วันหยุด"
    )

    slots_generate(centre=centre, start=MONDAY, days=7)

    assert "12:00" not in _local_times(MONDAY) and "12:30" not in _local_times(MONDAY)
    assert len(_local_times(MONDAY)) == 14
    assert _local_times(MONDAY + dt.timedelta(days=1)) == []  # closed: flood
    assert _local_times(MONDAY + dt.timedelta(days=2)) == []  # public holiday
    assert _local_times(MONDAY + dt.timedelta(days=5)) == []  # Saturday


def test_generating_again_adds_nothing_and_keeps_bookings(centre):
    first = slots_generate(centre=centre, start=MONDAY, days=3)
    Slot.objects.filter(pk=Slot.objects.all()[0].pk).update(booked=1)
    again = slots_generate(centre=centre, start=MONDAY, days=3)
    assert (first, again) == (48, 0)
    assert Slot.objects.filter(booked=1).count() == 1


def test_the_songkran_holidays_are_loaded_with_thai_names():
    songkran = PublicHoliday.objects.get(date=dt.date(2026, 4, 13))
    assert songkran.name_th == "วันสงกรานต์"
    assert PublicHoliday.objects.filter(date__year=2027).count() == 25
    assert PublicHoliday.objects.filter(date__year=2026).count() == 23


def test_the_command_makes_slots(centre, capsys):
    call_command(
        "appointments_generate_slots",
        "--centre",
        centre.slug,
        "--start",
        "2026-11-30",
        "--days",
        "1",
    )
    assert "16 slots made" in capsys.readouterr().out
