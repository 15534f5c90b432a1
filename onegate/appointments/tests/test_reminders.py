"""The day-before reminder: once per booking, only for booked appointments tomorrow."""

from __future__ import annotations

import pytest
from django.utils import timezone

from onegate.appointments import jobs
from onegate.appointments.services import booking_cancel, booking_create, booking_reminders_send
from onegate.appointments.tests.support import bangkok_centre, make_slot, someone, visit_services
from onegate.core.scheduling import registry
from onegate.notify.models import Message

pytestmark = pytest.mark.django_db


def test_tomorrows_appointments_are_reminded_once():
    visit_services()
    centre = bangkok_centre()
    me, cancelled, later = someone(), someone(), someone()
    tomorrow = make_slot(centre, in_days=1, capacity=3)
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=tomorrow.pk)
    gone = booking_create(actor=cancelled.user, person_id=cancelled.person_id, slot_id=tomorrow.pk)
    booking_cancel(actor=cancelled.user, booking=gone)
    booking_create(actor=later.user, person_id=later.person_id, slot_id=make_slot(centre).pk)

    first = booking_reminders_send()
    second = booking_reminders_send()

    assert (first, second) == (1, 0)
    reminders = Message.objects.filter(event="appointments.reminder", channel="inbox")
    assert [m.user_id for m in reminders] == [me.user.pk]
    booking.refresh_from_db()
    assert booking.reminded_at is not None


def test_the_jobs_are_registered():
    assert f"{jobs.__name__}.send_appointment_reminders" in registry
    assert f"{jobs.__name__}.generate_appointment_slots" in registry
    assert f"{jobs.__name__}.tell_of_closed_centres" in registry


def test_the_reminder_reads_the_date_in_thai_for_thai_readers():
    visit_services()
    centre = bangkok_centre()
    me = someone()
    me.user.preferred_language = "th"
    me.user.save(update_fields=["preferred_language"])
    slot = make_slot(centre, in_days=1)
    booking_create(actor=me.user, person_id=me.person_id, slot_id=slot.pk)
    booking_reminders_send()
    message = Message.objects.get(event="appointments.reminder", channel="inbox")
    day = timezone.localtime(slot.starts_at).date()
    assert message.language == "th"
    assert "เตือนความจำ" in message.subject
    assert str(day.year + 543) in message.body  # Buddhist Era
    assert "ขอหนังสือเดินทาง" in message.body
