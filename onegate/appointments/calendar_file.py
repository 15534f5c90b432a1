"""A booking as a calendar file (iCalendar, RFC 5545) people can add to their phone's calendar.

Made with the ``icalendar`` package. The event's UID is the booking's reference at this site,
so adding the file again after a change updates the same event instead of adding a second one;
``SEQUENCE`` counts the booking's changes for the same reason. Times are written in UTC.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from onegate.appointments.constants import BookingStatus
from onegate.appointments.models import Booking
from onegate.appointments.selectors import centre_address_text, service_title
from onegate.core.languages import current_language

PRODUCT_ID = "-//OneGate//Appointments//EN"
UID_DOMAIN = "appointments.onegate"


def booking_calendar(booking: Booking, *, link: str) -> bytes:
    """The ``.ics`` file of ``booking`` in the current language; a cancelled or moved booking
    gives a cancelled event, so calendars that had it drop it."""
    language = current_language()
    slot, centre = booking.slot, booking.slot.centre
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{booking.reference}@{UID_DOMAIN}")
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", slot.starts_at.astimezone(dt.UTC))
    event.add("dtend", slot.ends_at.astimezone(dt.UTC))
    event.add("sequence", booking.changes.count())
    event.add(
        "summary",
        _("%(service)s at %(centre)s")
        % {"service": service_title(booking.service_slug, language), "centre": centre.name},
    )
    event.add("location", f"{centre.name}, {centre_address_text(centre, language)}")
    event.add(
        "description",
        _("Reference: %(reference)s. See or change the appointment: %(link)s")
        % {"reference": booking.reference, "link": link},
    )
    event.add("url", link)
    cancelled = booking.status in (BookingStatus.CANCELLED, BookingStatus.MOVED)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("Appointment tomorrow"))
        alarm.add("trigger", dt.timedelta(days=-1))
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
