"""Making slots: each open centre's opening hours, less its closures and public holidays, cut
into appointments of the centre's length, for each service it offers that needs a visit.

Run daily by ``jobs.generate_slots`` (and ``manage.py appointments_generate_slots``) for the
next ``SLOT_HORIZON_DAYS``. It only adds what is missing: a slot already made (booked or not) is
never changed, so running it twice, or on two hosts at once, makes each slot once (the unique
constraint on centre, service and start, with ``ignore_conflicts``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from onegate.appointments.constants import SLOT_HORIZON_DAYS
from onegate.appointments.models import CentreProfile, PublicHoliday, Slot
from onegate.appointments.visits import visit_requirement
from onegate.audit.constants import AppointmentAction
from onegate.audit.services import audit_record
from onegate.identity.models.organisations import OpeningException, ServiceCentre

__all__ = ["slots_generate"]

Period = tuple[dt.time, dt.time]


def _day_periods(
    centre: ServiceCentre,
    day: dt.date,
    *,
    holidays: set[dt.date],
    exceptions: dict[dt.date, OpeningException],
) -> list[Period]:
    """When ``centre`` is open on ``day``: its week's hours, an exception's, or none."""
    if day in holidays:
        return []
    exception = exceptions.get(day)
    if exception is not None:
        return exception.periods()
    return [(h.opens, h.closes) for h in centre.hours.all() if h.weekday == day.weekday()]


def _cut(
    day: dt.date, periods: Iterable[Period], minutes: int
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Whole appointments of ``minutes`` inside each period, as aware (start, end) pairs."""
    length = dt.timedelta(minutes=minutes)
    found = []
    for opens, closes in periods:
        start = timezone.make_aware(dt.datetime.combine(day, opens))
        end = timezone.make_aware(dt.datetime.combine(day, closes))
        while start + length <= end:
            found.append((start, start + length))
            start += length
    return found


def _centre_slots(
    profile: CentreProfile, days: list[dt.date], holidays: set[dt.date]
) -> list[Slot]:
    centre = profile.centre
    services = [s for s in centre.service_slugs or [] if visit_requirement(s) is not None]
    exceptions = {e.date: e for e in centre.exceptions.all()}
    slots: list[Slot] = []
    for day in days:
        periods = _day_periods(centre, day, holidays=holidays, exceptions=exceptions)
        for start, end in _cut(day, periods, profile.slot_minutes):
            slots.extend(
                Slot(
                    centre=centre,
                    service_slug=service,
                    starts_at=start,
                    ends_at=end,
                    capacity=profile.capacity,
                )
                for service in services
            )
    return slots


def slots_generate(
    *,
    centre: ServiceCentre | None = None,
    start: dt.date | None = None,
    days: int = SLOT_HORIZON_DAYS,
) -> int:
    """Make the missing slots from ``start`` (today) for ``days`` days, at ``centre`` or at every
    open centre that has a location; returns how many were made."""
    first = start or timezone.localdate()
    dates = [first + dt.timedelta(days=n) for n in range(days)]
    holidays = set(PublicHoliday.objects.filter(date__in=dates).values_list("date", flat=True))
    profiles = CentreProfile.objects.select_related("centre").filter(centre__is_active=True)
    if centre is not None:
        profiles = profiles.filter(centre=centre)
    made = 0
    with transaction.atomic():
        for profile in profiles.prefetch_related("centre__hours", "centre__exceptions"):
            wanted = _centre_slots(profile, dates, holidays)
            before = Slot.objects.filter(centre=profile.centre).count()
            Slot.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=500)
            made += Slot.objects.filter(centre=profile.centre).count() - before
        audit_record(
            actor=None,
            action=AppointmentAction.SLOTS_GENERATED,
            subject_type="appointments.slots",
            subject_id=str(centre.pk) if centre else "all",
            purpose="Bookable slots made from opening hours",
            payload={"from": first.isoformat(), "days": days, "made": made},
        )
    return made
