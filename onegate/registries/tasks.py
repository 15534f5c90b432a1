"""The registries' background work: delivering registry events to subscribed agencies.

Each attempt is one run of ``event_deliver``; a failure is retried with exponential backoff
(30 s, 1 min, 2 min … capped at an hour) by ``retrying_task``, so with ``DELIVERY_ATTEMPTS``
attempts an agency that is down is retried for about an hour before the delivery is given up.
"""

from __future__ import annotations

from datetime import timedelta

from onegate.core.tasks import retrying_task
from onegate.registries.models.events import DELIVERY_ATTEMPTS

# A module import, not a name: the services module enqueues this task, so the two import each
# other, and a name imported from a half-initialised module would not exist yet.
from onegate.registries.services import events as event_services


@retrying_task(
    max_attempts=DELIVERY_ATTEMPTS,
    base_delay=timedelta(seconds=30),
    max_delay=timedelta(hours=1),
    queue_name="default",
)
def event_deliver(*, delivery_id: str) -> str:
    """Deliver one registry event to one agency (at least once; a delivered one is a no-op)."""
    return str(event_services.event_delivery_attempt(delivery_id=delivery_id))
