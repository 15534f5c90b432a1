"""Booking states, the groups of them, accessibility facilities and the limits of booking."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class BookingStatus(models.TextChoices):
    """Where a booking is in its life."""

    BOOKED = "booked", _("Booked")  # holds a place in its slot
    CANCELLED = "cancelled", _("Cancelled")  # by the person, someone acting for them, or staff
    CHECKED_IN = "checked_in", _("Checked in")  # the person arrived; staff marked it at the desk
    NO_SHOW = "no_show", _("Did not come")  # the slot passed without the person arriving
    MOVED = "moved", _("Needs a new time")  # the centre closed that day or moved: rebook


# The states that hold a place in a slot: the capacity counts these.
HOLDING_STATES = frozenset({BookingStatus.BOOKED})
# The states a person can still change (choose a new time, cancel).
CHANGEABLE_STATES = frozenset({BookingStatus.BOOKED, BookingStatus.MOVED})
FINAL_STATES = frozenset({BookingStatus.CANCELLED, BookingStatus.CHECKED_IN, BookingStatus.NO_SHOW})


class Facility(models.TextChoices):
    """What a centre offers people with disabilities or small children."""

    STEP_FREE = "step_free", _("Step-free entrance")
    WHEELCHAIR = "wheelchair", _("Wheelchair available to borrow")
    ACCESSIBLE_TOILET = "accessible_toilet", _("Accessible toilet")
    ACCESSIBLE_PARKING = "accessible_parking", _("Accessible parking")
    HEARING_LOOP = "hearing_loop", _("Hearing loop at the counters")
    SIGN_LANGUAGE = "sign_language", _("Thai Sign Language interpreter on request")
    QUIET_ROOM = "quiet_room", _("Quiet waiting room")
    BABY_CHANGING = "baby_changing", _("Baby changing room")


# Slots are generated this far ahead by the daily job (the demo shows three weeks).
SLOT_HORIZON_DAYS = 21
# The default length of a slot and how many people each service sees at once in it.
DEFAULT_SLOT_MINUTES = 30
DEFAULT_CAPACITY = 2
# A slot can be booked until it starts, less this (time to get there is the person's own).
BOOKING_CUTOFF = dt.timedelta(minutes=0)
# The reminder goes out from this time the day before the appointment (local time).
REMINDER_FROM = dt.time(9, 0)
# Bookings shown per page in "your appointments".
BOOKINGS_PAGE_SIZE = 20
