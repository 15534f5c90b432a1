"""Writes to appointments: bookings (``bookings``), slots (``slots``), centres (``centres``).

Each public function is a service in the house style: keyword-only arguments, one transaction,
the row locked before its state is checked, an audit record and any message in the same
transaction.
"""

from onegate.appointments.services.bookings import (
    BookingRefused,
    booking_cancel,
    booking_check_in,
    booking_create,
    booking_mark_no_show,
    booking_refusal_record,
    booking_reminders_send,
    booking_reschedule,
)
from onegate.appointments.services.centres import (
    centre_day_close,
    centre_move,
    centre_profile_set,
    centres_closed_catch_up,
    public_holidays_load,
)
from onegate.appointments.services.slots import slots_generate

__all__ = [
    "BookingRefused",
    "booking_cancel",
    "booking_check_in",
    "booking_create",
    "booking_mark_no_show",
    "booking_refusal_record",
    "booking_reminders_send",
    "booking_reschedule",
    "centre_day_close",
    "centre_move",
    "centre_profile_set",
    "centres_closed_catch_up",
    "public_holidays_load",
    "slots_generate",
]
