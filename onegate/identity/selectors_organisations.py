"""Reads about organisations: who works in an agency, and where service centres are and when open.

Staff lists are personal data about staff, so ``staff_of_agency`` takes the acting user and
checks ``identity.view_staff`` in that agency in the same call. Service centres are public
information (anyone may look up where to go and when), so their reads take no user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet

from onegate.identity.models.organisations import (
    OpeningException,
    OpeningHours,
    ServiceCentre,
    StaffMembership,
)
from onegate.identity.permissions import StaffPermission, staff_can
from onegate.registries.addresses import ValidAddress, address_lines
from onegate.registries.models import Address

__all__ = [
    "DayHours",
    "centre_address_lines",
    "centre_current",
    "centre_hours_on",
    "centre_week",
    "centres_with_hours",
    "staff_of_agency",
]

# A centre moved more times than this in a row is a mistake in the data, not a history.
MOVE_CHAIN_LIMIT = 20


def staff_of_agency(
    *, actor: object, agency_slug: str, include_ended: bool = False
) -> QuerySet[StaffMembership]:
    """The agency's staff roles, current first; ``PermissionDenied`` unless ``actor`` may."""
    if not staff_can(actor, StaffPermission.VIEW_STAFF, agency_slug=agency_slug):
        raise PermissionDenied(StaffPermission.VIEW_STAFF)
    memberships = StaffMembership.objects.filter(agency_slug=agency_slug).select_related(
        "user", "team", "centre", "granted_by", "ended_by"
    )
    if not include_ended:
        memberships = memberships.filter(ended_at__isnull=True)
    return memberships.order_by("ended_at", "user__email", "role")


def centres_with_hours() -> QuerySet[ServiceCentre]:
    """Service centres with their hours and exceptions fetched, for listing."""
    return ServiceCentre.objects.select_related("moved_to").prefetch_related(
        Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
        Prefetch("exceptions", queryset=OpeningException.objects.order_by("date")),
    )


def centre_current(centre: ServiceCentre) -> ServiceCentre:
    """Where a centre is now: itself, or the centre it moved to (following later moves too)."""
    seen = {centre.pk}
    while centre.moved_to_id is not None and len(seen) <= MOVE_CHAIN_LIMIT:
        centre = ServiceCentre.objects.get(pk=centre.moved_to_id)
        if centre.pk in seen:
            break
        seen.add(centre.pk)
    return centre


@dataclass(frozen=True)
class DayHours:
    """A centre's opening on one date; ``exception`` is the reason when it differs from usual."""

    date: dt.date
    periods: list[tuple[dt.time, dt.time]]
    exception: OpeningException | None

    @property
    def closed(self) -> bool:
        return not self.periods


def centre_hours_on(centre: ServiceCentre, day: dt.date) -> DayHours:
    """When ``centre`` is open on ``day``: its week's hours, unless an exception says otherwise."""
    exception = next((e for e in centre.exceptions.all() if e.date == day), None)
    if exception is not None:
        return DayHours(date=day, periods=exception.periods(), exception=exception)
    periods = [(h.opens, h.closes) for h in centre.hours.all() if h.weekday == day.weekday()]
    return DayHours(date=day, periods=sorted(periods), exception=None)


def centre_week(centre: ServiceCentre, start: dt.date) -> list[DayHours]:
    """Seven days of opening from ``start``, holidays and other exceptions included."""
    return [centre_hours_on(centre, start + dt.timedelta(days=n)) for n in range(7)]


def centre_address_lines(centre: ServiceCentre, language: str | None) -> list[str]:
    """The centre's address as lines, written the Thai way in Thai or English."""
    valid = ValidAddress(**centre.address)
    # An unsaved Address is only the formatter's input shape; it is never stored.
    return address_lines(Address(**valid.model_fields()), language)
