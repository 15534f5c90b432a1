"""Demo data for tell us once: the agencies that want to hear when someone moves.

Each subscribes to ``address.changed`` with the ``local`` receiver (an inbox inside this node), so
the demo needs no agency systems running. The slugs are agencies of the demo catalogue
(``onegate/catalogue/data/demo_catalogue.yaml``); that catalogue has no revenue department, so
the Department of Land Transport (which collects vehicle tax) stands in for tax.
"""

from __future__ import annotations

from onegate.registries.constants import EventType
from onegate.registries.models import AgencySubscription
from onegate.registries.services.events import agency_subscription_set

# Who is told about a move, and why they care.
DEMO_SUBSCRIBERS = (
    "health",  # the health centre a person is registered with follows their address
    "land-transport",  # driving licences and vehicle registrations carry the address; vehicle tax
    "education",  # school places depend on where a family lives
)


def load_demo_subscriptions() -> list[AgencySubscription]:
    """Subscribe the demo agencies to changes of address (safe to run again)."""
    return [
        agency_subscription_set(
            agency_slug=slug,
            event_type=EventType.ADDRESS_CHANGED,
            receiver="local",
            actor=None,
            purpose="load demo data",
        )
        for slug in DEMO_SUBSCRIBERS
    ]
