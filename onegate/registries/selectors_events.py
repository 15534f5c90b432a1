"""Tell us once, as the person sees it: which agencies have been told about their latest moves.

For the person's own page (which the Identity work adds): the caller must have established that
the signed-in user is this person. It reads delivery states, not the person's registry data, so
it writes no access record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Prefetch

from onegate.catalogue.selectors import Catalogue, catalogue_current
from onegate.core.languages import pick
from onegate.registries.constants import DeliveryStatus, EventType
from onegate.registries.models import EventDelivery, RegistryEvent

__all__ = ["AddressChange", "AgencyDelivery", "address_change_deliveries_for"]

LATEST_CHANGES = 5


@dataclass(frozen=True)
class AgencyDelivery:
    """One agency's copy of one change: told, still being told, or not told."""

    agency_slug: str
    agency_name: str  # in the current language; the slug if the catalogue does not know it
    status: DeliveryStatus
    when: dt.datetime | None  # delivered at, or the last attempt; None before the first attempt

    @property
    def status_label(self) -> str:
        return str(self.status.label)


@dataclass(frozen=True)
class AddressChange:
    """A reported change of address and its delivery to each subscribed agency."""

    event_id: uuid.UUID
    reported_at: dt.datetime
    moved_on: dt.date
    deliveries: tuple[AgencyDelivery, ...]


def address_change_deliveries_for(
    *, person_id: str | uuid.UUID, limit: int = LATEST_CHANGES
) -> list[AddressChange]:
    """The person's latest address changes, newest first, each with its per-agency status."""
    deliveries = EventDelivery.objects.select_related("subscription").order_by(
        "subscription__agency_slug"
    )
    events = (
        RegistryEvent.objects.filter(person_id=person_id, event_type=EventType.ADDRESS_CHANGED)
        .order_by("-created_at")
        .prefetch_related(Prefetch("deliveries", queryset=deliveries))[:limit]
    )
    catalogue = catalogue_current()
    return [
        AddressChange(
            event_id=event.id,
            reported_at=event.created_at,
            moved_on=dt.date.fromisoformat(event.payload["moved_on"]),
            deliveries=tuple(_agency_delivery(d, catalogue) for d in event.deliveries.all()),
        )
        for event in events
    ]


def _agency_delivery(delivery: EventDelivery, catalogue: Catalogue) -> AgencyDelivery:
    slug = delivery.subscription.agency_slug
    agency = catalogue.agency(slug)
    status = DeliveryStatus(delivery.status)
    when = delivery.delivered_at if status == DeliveryStatus.DELIVERED else delivery.last_attempt_at
    return AgencyDelivery(
        agency_slug=slug,
        agency_name=pick(agency.name) if agency else slug,
        status=status,
        when=when,
    )
