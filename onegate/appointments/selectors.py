"""Reads for the appointment pages: centres near a place, free slots, and bookings, each checked
against who is asking.

A person's bookings are read only for someone the signed-in person may act for
(``acting.acting_option``); asking for another person's booking by its reference gives
``None`` (the page's 404) and an audit record. A centre's day is read only by staff who may see
it there (``staff_can`` with ``appointments.view_day`` at that centre), and each read is audited:
the list names people.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from onegate.appointments.constants import BookingStatus, Facility
from onegate.appointments.geo import Point, haversine_km, point_of_postcode, point_of_sub_district
from onegate.appointments.models import Booking, CentreProfile, Slot
from onegate.appointments.references import reference_normalise
from onegate.appointments.services.bookings import booking_refusal_record
from onegate.audit.constants import AppointmentAction
from onegate.audit.services import audit_record
from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import pick
from onegate.identity.acting import acting_option
from onegate.identity.models.organisations import ServiceCentre
from onegate.identity.permissions import StaffPermission, staff_can, staff_centre_scope
from onegate.identity.selectors_organisations import centre_address_lines
from onegate.registries import divisions

__all__ = [
    "CentreHit",
    "booking_get_for",
    "bookings_of",
    "centre_address_text",
    "centres_find",
    "day_bookings",
    "free_slots_by_day",
    "service_title",
    "service_titles",
    "staff_centres",
]


def service_title(slug: str, language: str | None = None) -> str:
    service = catalogue_current().service(slug)
    return pick(service.title, language) if service else slug


def service_titles(slugs: list[str], language: str | None = None) -> dict[str, str]:
    """The titles of several services from one look at the catalogue (one revision check)."""
    catalogue = catalogue_current()
    found = {slug: catalogue.service(slug) for slug in set(slugs)}
    return {slug: pick(s.title, language) if s else slug for slug, s in found.items()}


def centre_address_text(centre: ServiceCentre, language: str | None = None) -> str:
    return ", ".join(centre_address_lines(centre, language))


@dataclass(frozen=True)
class CentreHit:
    """A centre the locator found, with how far it is from the place asked about (if any)."""

    centre: ServiceCentre
    profile: CentreProfile
    distance_km: float | None = None
    facilities: tuple[str, ...] = field(default=())

    @property
    def province_code(self) -> str:
        return str(self.centre.address.get("sub_district_code", ""))[:2]

    def facility_labels(self) -> list[str]:
        labels = dict(Facility.choices)
        return [str(labels[name]) for name in self.facilities if name in labels]


def _open_centres(service_slug: str) -> list[tuple[ServiceCentre, CentreProfile]]:
    profiles = CentreProfile.objects.select_related("centre").filter(centre__is_active=True)
    return [
        (profile.centre, profile)
        for profile in profiles.order_by("centre__slug")
        if service_slug in (profile.centre.service_slugs or [])
    ]


def centres_find(
    *,
    service_slug: str,
    province_code: str = "",
    postcode: str = "",
    sub_district_code: str = "",
) -> tuple[list[CentreHit], Point | None]:
    """Open centres offering ``service_slug``: in a province, or nearest first from a postcode's
    or a sub-district's area. Also returns the point distances were measured from."""
    origin = None
    if sub_district_code:
        origin = point_of_sub_district(sub_district_code)
    elif postcode:
        origin = point_of_postcode(postcode)
    hits = []
    for centre, profile in _open_centres(service_slug):
        distance = None
        if origin is not None:
            distance = haversine_km(origin, Point(profile.latitude, profile.longitude))
        hit = CentreHit(centre, profile, distance, tuple(profile.facilities or ()))
        if province_code and hit.province_code != province_code:
            continue
        hits.append(hit)
    if origin is not None:
        hits.sort(key=lambda hit: (hit.distance_km or 0.0, hit.centre.slug))
    return hits, origin


def province_name(code: str, language: str) -> str:
    place = divisions.province(code)
    return place.name(language) if place else ""


def free_slots_by_day(
    *, centre: ServiceCentre, service_slug: str, now: dt.datetime | None = None, days: int = 21
) -> list[tuple[dt.date, list[Slot]]]:
    """The slots someone could book now, grouped by local day, earliest first."""
    at = now or timezone.now()
    slots = Slot.objects.filter(
        centre=centre,
        service_slug=service_slug,
        is_open=True,
        starts_at__gt=at,
        starts_at__lt=at + dt.timedelta(days=days),
        booked__lt=F("capacity"),
    ).order_by("starts_at")
    grouped: dict[dt.date, list[Slot]] = defaultdict(list)
    for slot in slots:
        grouped[timezone.localtime(slot.starts_at).date()].append(slot)
    return sorted(grouped.items())


def bookings_of(*, user: Any, person_id: str) -> list[Booking]:
    """The bookings of ``person_id``, newest appointment first, if ``user`` may act for them."""
    option = acting_option(user, person_id)
    if option is None:
        return []
    found = (
        Booking.objects.filter(person_id=person_id)
        .select_related("slot__centre")
        .order_by("-slot__starts_at")
    )
    return [b for b in found if option.covers(b.service_slug)]


def booking_get_for(*, user: Any, reference: str) -> Booking | None:
    """The booking with ``reference`` if ``user`` may act for its person; else None, and the
    attempt is audited when the booking exists."""
    normalised = reference_normalise(reference)
    if normalised is None:
        return None
    booking = Booking.objects.filter(reference=normalised).select_related("slot__centre").first()
    if booking is None:
        return None
    option = acting_option(user, str(booking.person_id))
    if option is None or not option.covers(booking.service_slug):
        booking_refusal_record(
            actor=user, reference=normalised, action="view", person_id=str(booking.person_id)
        )
        return None
    return booking


def staff_centres(user: Any) -> list[ServiceCentre]:
    """The open centres whose day ``user`` may see."""
    ids = staff_centre_scope(user, StaffPermission.VIEW_APPOINTMENT_DAY)
    return list(ServiceCentre.objects.filter(pk__in=ids).order_by("name_en"))


def day_bookings(*, user: Any, centre_id: uuid.UUID, day: dt.date) -> list[Booking] | None:
    """The bookings at a centre on ``day`` by time (cancelled ones left out), or None when
    ``user`` may not see that centre's day. Each read is audited."""
    if not staff_can(user, StaffPermission.VIEW_APPOINTMENT_DAY, centre_id=centre_id):
        return None
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    found = list(
        Booking.objects.filter(
            slot__centre_id=centre_id,
            slot__starts_at__gte=start,
            slot__starts_at__lt=start + dt.timedelta(days=1),
        )
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("slot")
        .order_by("slot__starts_at", "person_name_en")
    )
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AppointmentAction.DAY_VIEWED,
            subject_type="identity.servicecentre",
            subject_id=centre_id,
            purpose="Centre officer read the day's appointments",
            payload={"date": day.isoformat(), "bookings": len(found)},
        )
    return found
