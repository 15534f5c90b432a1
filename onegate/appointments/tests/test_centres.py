"""A centre closing for a day or moving: bookings are kept, marked, and every person told."""

from __future__ import annotations

import pytest
from django.utils import timezone

from onegate.appointments.constants import BookingStatus
from onegate.appointments.models import Slot
from onegate.appointments.services import (
    booking_create,
    booking_reschedule,
    centre_day_close,
    centre_move,
)
from onegate.appointments.tests.support import (
    bangkok_centre,
    chiang_mai_centre,
    make_slot,
    someone,
    visit_services,
)
from onegate.audit.models import AuditEvent
from onegate.identity.constants import StaffRole
from onegate.identity.staff_rules import StaffChangeRefused
from onegate.identity.tests.organisation_fixtures import staff_member
from onegate.notify.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    visit_services()
    return bangkok_centre()


def test_closing_a_day_moves_its_bookings_and_offers_a_new_time(centre):
    admin = staff_member("admin@example.test", StaffRole.AGENCY_ADMIN, centre.agency_slug)
    me, other = someone(), someone()
    slot = make_slot(centre, in_days=3)
    other_day = make_slot(centre, in_days=4)
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=slot.pk)
    kept = booking_create(actor=other.user, person_id=other.person_id, slot_id=other_day.pk)
    day = timezone.localtime(slot.starts_at).date()

    moved = centre_day_close(
        actor=admin, centre=centre, date=day, reason_en="a burst pipe", reason_th="ท่อน้ำแตก"
    )

    assert moved == [booking.reference]
    booking.refresh_from_db()
    kept.refresh_from_db()
    slot.refresh_from_db()
    assert (booking.status, kept.status) == (BookingStatus.MOVED, BookingStatus.BOOKED)
    assert (slot.is_open, slot.booked) == (False, 0)
    assert centre.exceptions.get(date=day).reason_en == "a burst pipe"
    told = Message.objects.get(event="appointments.centre_closed", user=me.user, channel="inbox")
    assert "a burst pipe" in told.body
    assert f"/appointments/{booking.reference}/" in told.body
    assert AuditEvent.objects.filter(action="appointments.centre_day_closed").exists()
    # The person chooses a new time, and the booking is booked again.
    rebooked = booking_reschedule(actor=me.user, booking=booking, slot_id=make_slot(centre).pk)
    assert rebooked.status == BookingStatus.BOOKED


def test_only_the_agencys_administrator_closes_a_day(centre):
    officer = staff_member(
        "officer@example.test", StaffRole.CENTRE_OFFICER, centre.agency_slug, centre=centre
    )
    slot = make_slot(centre)
    with pytest.raises(StaffChangeRefused):
        centre_day_close(
            actor=officer,
            centre=centre,
            date=timezone.localtime(slot.starts_at).date(),
            reason_en="x",
            reason_th="x",
        )
    slot.refresh_from_db()
    assert slot.is_open


def test_a_centre_that_moves_tells_its_booked_people_where_it_went(centre):
    new_centre = chiang_mai_centre()
    me = someone()
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=make_slot(centre).pk)

    moved = centre_move(actor=None, centre=centre, to=new_centre)

    assert moved == [booking.reference]
    booking.refresh_from_db()
    centre.refresh_from_db()
    assert booking.status == BookingStatus.MOVED
    assert (centre.is_active, centre.moved_to_id) == (False, new_centre.pk)
    assert not Slot.objects.filter(centre=centre, is_open=True).exists()
    assert Slot.objects.filter(centre=new_centre).exists()  # slots made at the new place
    told = Message.objects.get(event="appointments.centre_moved", user=me.user, channel="inbox")
    assert "Chiang Mai centre" in told.body


def test_a_centre_moved_elsewhere_is_caught_up_by_the_job(centre):
    from onegate.appointments.services import centres_closed_catch_up
    from onegate.identity.services.service_centres import service_centre_move

    new_centre = chiang_mai_centre()
    me = someone()
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=make_slot(centre).pk)
    service_centre_move(actor=None, centre=centre, to=new_centre)  # as identity's admin does

    assert centres_closed_catch_up() == 1
    assert centres_closed_catch_up() == 0  # once only
    booking.refresh_from_db()
    assert booking.status == BookingStatus.MOVED
    assert Message.objects.filter(event="appointments.centre_moved", user=me.user).count() >= 1
