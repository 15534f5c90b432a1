"""The database itself refuses double booking, whoever writes (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from onegate.appointments.constants import BookingStatus
from onegate.appointments.models import Booking, Slot
from onegate.appointments.references import reference_new
from onegate.appointments.tests.support import bangkok_centre, make_slot, someone, visit_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot():
    visit_services()
    return make_slot(bangkok_centre(), capacity=1)


def _booking(slot: Slot, who, status: str = BookingStatus.BOOKED) -> Booking:
    return Booking.objects.create(
        reference=reference_new(),
        person_id=who.person_id,
        person_name_en="Someone",
        booked_by=who.user,
        slot=slot,
        service_slug=slot.service_slug,
        status=status,
    )


def test_a_slot_cannot_count_more_places_taken_than_it_has(slot):
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity + 1)
    slot.refresh_from_db()
    assert slot.booked == 0


def test_a_person_cannot_hold_two_booked_appointments_for_one_service(slot):
    me = someone()
    other_slot = make_slot(slot.centre, hour=15, capacity=1)
    _booking(slot, me)
    with pytest.raises(IntegrityError), transaction.atomic():
        _booking(other_slot, me)
    # A cancelled or finished one does not count.
    _booking(other_slot, me, status=BookingStatus.CANCELLED)
    _booking(other_slot, me, status=BookingStatus.CHECKED_IN)
    assert Booking.objects.filter(person_id=me.person_id).count() == 3


def test_references_are_unique(slot):
    me, other = someone(), someone()
    first = _booking(slot, me)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            reference=first.reference,
            person_id=other.person_id,
            person_name_en="Other",
            booked_by=other.user,
            slot=slot,
            service_slug=slot.service_slug,
            status=BookingStatus.CANCELLED,
        )
