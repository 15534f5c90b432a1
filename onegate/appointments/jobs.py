"""Appointments' periodic jobs (run by ``manage.py scheduler``, see ``onegate.core.scheduling``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from onegate.appointments.constants import REMINDER_FROM
from onegate.appointments.services import (
    booking_reminders_send,
    centres_closed_catch_up,
    slots_generate,
)
from onegate.core.scheduling import periodic


# The day-before reminder: every 15 minutes from 9am, so a booking made later in the day for
# tomorrow is still reminded that day. Each booking is reminded once (``reminded_at``).
@periodic(every=timedelta(minutes=15))
def send_appointment_reminders() -> None:
    if timezone.localtime().time() >= REMINDER_FROM:
        booking_reminders_send()


# Keep three weeks of slots ahead. Idempotent: only missing slots are made.
@periodic(every=timedelta(hours=6))
def generate_appointment_slots() -> None:
    slots_generate()


# A centre closed or moved outside ``centre_move`` (identity's admin): its booked people are told
# within minutes and offered a new time.
@periodic(every=timedelta(minutes=5))
def tell_of_closed_centres() -> None:
    centres_closed_catch_up()
