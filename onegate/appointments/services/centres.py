"""Centres as appointments sees them: location and facilities, a day closed, a move, holidays.

Closing a day or moving a centre keeps every booking it touches (nothing is deleted): each is
marked ``moved``, its place given back, and its person told why with a link to choose a new
time (``notifications.CENTRE_CLOSED`` / ``CENTRE_MOVED``). The closure itself is written as
identity's opening exception, so slots are never made for that day again; the move is
identity's ``service_centre_move``. Only the agency's administrators may do either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.appointments import notifications
from onegate.appointments.constants import HOLDING_STATES, BookingStatus, Facility
from onegate.appointments.models import Booking, BookingChange, CentreProfile, PublicHoliday, Slot
from onegate.appointments.public_holidays import DATA_FILE, holiday_rows
from onegate.appointments.services.slots import slots_generate
from onegate.audit.constants import AppointmentAction
from onegate.audit.services import audit_record
from onegate.identity.models.organisations import ServiceCentre
from onegate.identity.permissions import StaffPermission
from onegate.identity.selectors_organisations import centre_address_lines
from onegate.identity.services.service_centres import (
    ExceptionDay,
    HoursPeriod,
    service_centre_hours_set,
    service_centre_move,
)
from onegate.identity.staff_rules import Actor, actor_require

__all__ = [
    "centre_day_close",
    "centre_move",
    "centre_profile_set",
    "centres_closed_catch_up",
    "public_holidays_load",
]

MANAGE = StaffPermission.MANAGE_SERVICE_CENTRES
SUBJECT = "identity.servicecentre"


def centre_profile_set(
    *,
    actor: Actor,
    centre: ServiceCentre,
    latitude: float,
    longitude: float,
    facilities: Sequence[str],
    slot_minutes: int | None = None,
    capacity: int | None = None,
) -> CentreProfile:
    """Set where ``centre`` is and what it offers; ``slot_minutes``/``capacity`` when given."""
    with transaction.atomic():
        actor_require(actor, MANAGE, centre.agency_slug)
        _check_profile(latitude, longitude, facilities)
        profile, _created = CentreProfile.objects.select_for_update().get_or_create(
            centre=centre, defaults={"latitude": latitude, "longitude": longitude}
        )
        profile.latitude, profile.longitude = float(latitude), float(longitude)
        profile.facilities = sorted(set(facilities))
        if slot_minutes is not None:
            profile.slot_minutes = slot_minutes
        if capacity is not None:
            profile.capacity = capacity
        profile.save()
        audit_record(
            actor=actor,
            action=AppointmentAction.CENTRE_PROFILE_SET,
            subject_type=SUBJECT,
            subject_id=centre.pk,
            purpose="Service centre location and facilities set",
            payload={
                "latitude": profile.latitude,
                "longitude": profile.longitude,
                "facilities": profile.facilities,
                "slot_minutes": profile.slot_minutes,
                "capacity": profile.capacity,
            },
        )
        return profile


def _check_profile(latitude: float, longitude: float, facilities: Sequence[str]) -> None:
    problems = {}
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        problems["latitude"] = ValidationError(
            _("Give a latitude from -90 to 90 and a longitude from -180 to 180."),
            code="off_the_earth",
        )
    unknown = sorted(set(facilities) - set(Facility.values))
    if unknown:
        problems["facilities"] = ValidationError(
            _("These are not facilities we know: %(names)s"),
            code="unknown_facility",
            params={"names": ", ".join(unknown)},
        )
    if problems:
        raise ValidationError(problems)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return start, start + dt.timedelta(days=1)


def _move_bookings(
    slots: QuerySet[Slot], *, actor: Actor, at: dt.datetime, event: str, reason: str, extra: Any
) -> list[str]:
    """Close ``slots``; mark their booked appointments ``moved`` and tell each person.

    Locks the bookings first, then the slots (by id), the order the booking services use.
    """
    bookings = list(
        Booking.objects.select_for_update()
        .filter(slot__in=slots, status=BookingStatus.BOOKED)
        .order_by("pk")
    )
    locked = list(Slot.objects.select_for_update().filter(pk__in=slots).order_by("pk"))
    moved = []
    for booking in bookings:
        booking.status = BookingStatus.MOVED
        booking.save(update_fields=["status", "updated_at"])
        BookingChange.objects.create(
            booking=booking,
            at=at,
            from_status=BookingStatus.BOOKED,
            to_status=BookingStatus.MOVED,
            from_slot=booking.slot,
            to_slot=booking.slot,
            actor=actor,
            reason=reason[:200],
        )
        audit_record(
            actor=actor,
            action=AppointmentAction.MOVED,
            subject_type="appointments.booking",
            subject_id=booking.reference,
            purpose="Appointment needs a new time: the centre closed or moved",
            payload={"reference": booking.reference, "reason": reason, "event": event},
        )
        notifications.booking_message(event=event, booking=booking, actor=actor, extra=extra)
        moved.append(booking.reference)
    for slot in locked:  # people already seen today keep their places in the count
        slot.is_open = False
        slot.booked = Booking.objects.filter(slot=slot, status__in=HOLDING_STATES).count()
        slot.save(update_fields=["is_open", "booked"])
    return moved


def _with_closure(centre: ServiceCentre, closure: ExceptionDay) -> list[ExceptionDay]:
    kept = [
        ExceptionDay(
            date=e.date,
            reason_en=e.reason_en,
            reason_th=e.reason_th,
            opens=e.opens,
            closes=e.closes,
        )
        for e in centre.exceptions.all()
        if e.date != closure.date
    ]
    return sorted([*kept, closure], key=lambda day: day.date)


def centre_day_close(
    *,
    actor: Actor,
    centre: ServiceCentre,
    date: dt.date,
    reason_en: str,
    reason_th: str,
    now: dt.datetime | None = None,
) -> list[str]:
    """Close ``centre`` all day on ``date`` (a burst pipe, an election): no more bookings that
    day, and every booked person told, with a link to choose a new time. Returns the references
    of the bookings moved."""
    at = now or timezone.now()
    with transaction.atomic():
        actor_require(actor, MANAGE, centre.agency_slug)
        closure = ExceptionDay(date=date, reason_en=reason_en, reason_th=reason_th)
        weekly = [HoursPeriod(h.weekday, h.opens, h.closes) for h in centre.hours.all()]
        service_centre_hours_set(
            actor=actor, centre=centre, weekly=weekly, exceptions=_with_closure(centre, closure)
        )
        start, end = _day_bounds(date)
        slots = Slot.objects.filter(centre=centre, starts_at__gte=start, starts_at__lt=end)
        reason = {"en": reason_en, "th": reason_th}
        moved = _move_bookings(
            slots,
            actor=actor,
            at=at,
            event=notifications.CENTRE_CLOSED,
            reason=reason_en,
            extra={"reason": reason},
        )
        audit_record(
            actor=actor,
            action=AppointmentAction.CENTRE_DAY_CLOSED,
            subject_type=SUBJECT,
            subject_id=centre.pk,
            purpose="Service centre closed for a day; booked people told",
            payload={"date": date.isoformat(), "reason": reason_en, "bookings_moved": moved},
        )
        return moved


def _tell_of_closed_centre(*, actor: Actor, centre: ServiceCentre, at: dt.datetime) -> list[str]:
    """Close the future slots of a centre that closed or moved, marking their bookings moved:
    told where it went (``CENTRE_MOVED``), or that it closed (``CENTRE_CLOSED``)."""
    slots = Slot.objects.filter(centre=centre, starts_at__gte=at, is_open=True)
    to = centre.moved_to
    if to is None:
        reason = {"en": "the centre has closed", "th": "ศูนย์บริการปิดทำการแล้ว"}
        return _move_bookings(
            slots,
            actor=actor,
            at=at,
            event=notifications.CENTRE_CLOSED,
            reason=reason["en"],
            extra={"reason": reason},
        )
    new_address = {
        language: ", ".join(centre_address_lines(to, language)) for language in ("en", "th")
    }
    return _move_bookings(
        slots,
        actor=actor,
        at=at,
        event=notifications.CENTRE_MOVED,
        reason="centre moved",
        extra={"new_centre": {"en": to.name_en, "th": to.name_th}, "new_address": new_address},
    )


def centre_move(
    *, actor: Actor, centre: ServiceCentre, to: ServiceCentre, now: dt.datetime | None = None
) -> list[str]:
    """Move ``centre`` to ``to`` (identity closes it and points it there): its future bookings
    are marked moved and each person told where the centre is now, with a link to choose a new
    time. Returns the references of the bookings moved."""
    at = now or timezone.now()
    with transaction.atomic():
        moved_centre = service_centre_move(actor=actor, centre=centre, to=to)
        moved = _tell_of_closed_centre(actor=actor, centre=moved_centre, at=at)
        slots_generate(centre=to)
        audit_record(
            actor=actor,
            action=AppointmentAction.CENTRE_MOVED,
            subject_type=SUBJECT,
            subject_id=centre.pk,
            purpose="Service centre moved; booked people told",
            payload={"moved_to": str(to.pk), "bookings_moved": moved},
        )
        return moved


def centres_closed_catch_up(*, now: dt.datetime | None = None) -> int:
    """For centres closed or moved some other way (identity's admin, say), do what
    ``centre_move`` does for their open future slots; returns the bookings moved.

    Run by ``jobs.tell_of_closed_centres``, so nobody keeps an appointment at a closed door.
    """
    at = now or timezone.now()
    closed = ServiceCentre.objects.filter(
        is_active=False, slots__starts_at__gte=at, slots__is_open=True
    ).distinct()
    total = 0
    for centre in closed.select_related("moved_to"):
        with transaction.atomic():
            moved = _tell_of_closed_centre(actor=None, centre=centre, at=at)
            if centre.moved_to is not None:
                slots_generate(centre=centre.moved_to)
            audit_record(
                actor=None,
                action=AppointmentAction.CENTRE_MOVED,
                subject_type=SUBJECT,
                subject_id=centre.pk,
                purpose="Closed service centre's bookings moved; booked people told",
                payload={
                    "moved_to": str(centre.moved_to_id or ""),
                    "bookings_moved": moved,
                },
            )
            total += len(moved)
    return total


def public_holidays_load(*, path: Path = DATA_FILE) -> int:
    """Add or correct the public holidays in the bundled file; returns how many rows it has."""
    rows = holiday_rows(path)
    with transaction.atomic():
        for row in rows:
            PublicHoliday.objects.update_or_create(
                date=row.date, defaults={"name_en": row.name_en, "name_th": row.name_th}
            )
        audit_record(
            actor=None,
            action=AppointmentAction.HOLIDAYS_LOADED,
            subject_type="appointments.publicholiday",
            subject_id="all",
            purpose="Public holidays loaded from the bundled file",
            payload={"rows": len(rows), "first": _iso(rows[:1]), "last": _iso(rows[-1:])},
        )
    return len(rows)


def _iso(rows: Iterable[Any]) -> str:
    return next((row.date.isoformat() for row in rows), "")
