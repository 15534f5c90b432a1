"""Booking, rescheduling and cancelling: for oneself or someone acted for, with clear refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onegate.appointments.constants import BookingStatus
from onegate.appointments.models import Booking, BookingChange
from onegate.appointments.services import (
    BookingRefused,
    booking_cancel,
    booking_create,
    booking_reschedule,
)
from onegate.appointments.tests.support import (
    ONLINE_ONLY,
    bangkok_centre,
    make_slot,
    someone,
    visit_services,
)
from onegate.audit.models import AuditEvent
from onegate.identity.tests.acting_fixtures import make_household
from onegate.notify.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    visit_services()
    return bangkok_centre()


def test_a_person_books_a_slot_and_is_told(centre):
    me = someone()
    slot = make_slot(centre, capacity=2)

    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=slot.pk)

    slot.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert booking.reference.startswith("AP-")
    assert slot.booked == 1
    assert AuditEvent.objects.filter(action="appointments.booked", subject_id=booking.reference)
    inbox = Message.objects.get(event="appointments.booked", channel="inbox", user=me.user)
    assert booking.reference in inbox.body
    assert "Apply for a passport" in inbox.subject


def test_the_last_place_goes_to_one_person_only(centre):
    slot = make_slot(centre, capacity=1)
    first, second = someone(), someone()
    booking_create(actor=first.user, person_id=first.person_id, slot_id=slot.pk)

    with pytest.raises(BookingRefused) as refused:
        booking_create(actor=second.user, person_id=second.person_id, slot_id=slot.pk)

    assert refused.value.code == "full"
    assert "last place" in str(refused.value.message)
    assert Booking.objects.filter(slot=slot).count() == 1


def test_a_past_slot_cannot_be_booked(centre):
    me = someone()
    slot = make_slot(centre, in_days=-1)
    with pytest.raises(BookingRefused) as refused:
        booking_create(actor=me.user, person_id=me.person_id, slot_id=slot.pk)
    assert refused.value.code == "past"
    assert "passed" in str(refused.value.message)


def test_a_service_done_online_cannot_be_booked(centre):
    me = someone()
    slot = make_slot(centre, service=ONLINE_ONLY)
    with pytest.raises(BookingRefused) as refused:
        booking_create(actor=me.user, person_id=me.person_id, slot_id=slot.pk)
    assert refused.value.code == "not_needed"


def test_one_booked_appointment_per_person_and_service(centre):
    me = someone()
    first, other = make_slot(centre, hour=10, capacity=3), make_slot(centre, hour=11, capacity=3)
    booking_create(actor=me.user, person_id=me.person_id, slot_id=first.pk)
    with pytest.raises(BookingRefused) as refused:
        booking_create(actor=me.user, person_id=me.person_id, slot_id=other.pk)
    assert refused.value.code == "already"


def test_a_parent_books_for_their_child_and_the_child_is_named(centre):
    household = make_household()
    slot = make_slot(centre)
    booking = booking_create(
        actor=household.parent_user, person_id=str(household.child.pk), slot_id=slot.pk
    )
    assert booking.person_name_en == "Niran Jaidee"
    assert booking.booked_by == household.parent_user
    # The message about the child goes to the parent, who acts for them.
    assert Message.objects.filter(
        event="appointments.booked", user=household.parent_user, channel="inbox"
    ).exists()


def test_nobody_books_for_a_stranger(centre):
    me, stranger = someone(), someone("Other", "Person")
    slot = make_slot(centre)
    with pytest.raises(BookingRefused) as refused:
        booking_create(actor=me.user, person_id=stranger.person_id, slot_id=slot.pk)
    assert refused.value.code == "not_allowed"
    assert AuditEvent.objects.filter(action="appointments.refused", actor_id=str(me.user.pk))
    assert not Booking.objects.exists()


def test_rescheduling_moves_the_place_and_tells_the_person(centre):
    me = someone()
    old, new = make_slot(centre, hour=10), make_slot(centre, hour=14)
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=old.pk)

    moved = booking_reschedule(actor=me.user, booking=booking, slot_id=new.pk)

    old.refresh_from_db()
    new.refresh_from_db()
    assert (moved.slot_id, moved.status) == (new.pk, BookingStatus.BOOKED)
    assert (old.booked, new.booked) == (0, 1)
    assert BookingChange.objects.filter(booking=booking).count() == 2
    assert Message.objects.filter(event="appointments.rescheduled", user=me.user).exists()


def test_rescheduling_into_a_full_slot_keeps_the_old_one(centre):
    me, other = someone(), someone()
    old, full = make_slot(centre, hour=10), make_slot(centre, hour=14, capacity=1)
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=old.pk)
    booking_create(actor=other.user, person_id=other.person_id, slot_id=full.pk)

    with pytest.raises(BookingRefused):
        booking_reschedule(actor=me.user, booking=booking, slot_id=full.pk)

    booking.refresh_from_db()
    old.refresh_from_db()
    assert (booking.slot_id, booking.status, old.booked) == (old.pk, BookingStatus.BOOKED, 1)


def test_cancelling_gives_the_place_back(centre):
    me, next_person = someone(), someone()
    slot = make_slot(centre, capacity=1)
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=slot.pk)

    booking_cancel(actor=me.user, booking=booking, reason="Cannot come")

    booking.refresh_from_db()
    slot.refresh_from_db()
    assert (booking.status, slot.booked) == (BookingStatus.CANCELLED, 0)
    assert Message.objects.filter(event="appointments.cancelled", user=me.user).exists()
    # The freed place can be booked by someone else.
    booking_create(actor=next_person.user, person_id=next_person.person_id, slot_id=slot.pk)


def test_cancelling_someone_elses_booking_is_not_found_and_audited(centre):
    me, stranger = someone(), someone("Other", "Person")
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=make_slot(centre).pk)
    with pytest.raises(Booking.DoesNotExist):
        booking_cancel(actor=stranger.user, booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    refusal = AuditEvent.objects.get(action="appointments.refused", subject_id=booking.reference)
    assert refusal.actor_id == str(stranger.user.pk)
    assert refusal.payload["action"] == "cancel"


def test_an_appointment_that_has_started_cannot_be_cancelled(centre):
    me = someone()
    slot = make_slot(centre)
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=slot.pk)
    later = slot.starts_at + dt.timedelta(minutes=1)
    with pytest.raises(BookingRefused) as refused:
        booking_cancel(actor=me.user, booking=booking, now=later)
    assert refused.value.code == "not_changeable"
    assert timezone.now() < slot.starts_at
