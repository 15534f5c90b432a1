"""Identity as a subscriber to the registries' events: a death ends the account's link; an ID
card reported lost or cancelled means a link proved with it must be proved again.

Why through the registry's outbox and not a direct call: the registries feed identity, never
the other way round (they must not import it), and the outbox is how every other subscriber
hears of a change. The event, and its delivery to identity, are written in the registry's own
transaction, so a recorded death is never lost between the two apps; the task worker delivers it
at least once, retrying while identity fails, and the ``LocalInbox`` applies each event id once
(its ``ReceivedEvent`` row is written in the same transaction as the effect). A remote registry
node would send the same events by webhook; the effect here would not change.

Identity subscribes itself (migration ``identity.0003``): agency ``identity``, receiver
``identity``, events ``person.died`` and ``id_card.status_changed``. The registries find this
module by name (``receivers.receiver_get`` imports every app's ``event_receivers``).
"""

from __future__ import annotations

import uuid
from typing import Any

from onegate.identity.models import IdentityLink
from onegate.identity.models.proofing import LinkEndReason, ReproofReason
from onegate.identity.services.links import identity_link_end, identity_links_lower_for_card
from onegate.registries.constants import CardStatus, EventType
from onegate.registries.receivers import EventMessage, LocalInbox, register_receiver

RECEIVER = "identity"

# Card statuses that make a link proved with that card need proving again. A card REPLACED by a
# newer one was renewed at a registry office in person: the person's identity is not in doubt.
LOWERING_STATUSES = {
    CardStatus.LOST: ReproofReason.ID_CARD_LOST,
    CardStatus.CANCELLED: ReproofReason.ID_CARD_CANCELLED,
}


def registry_event_apply(message: EventMessage, agency: str) -> None:
    """What identity does with one registry event (inside the inbox's transaction)."""
    person_id = _uuid(message.data.get("person_id"))
    if person_id is None:
        return  # not about anyone identity could have linked
    if message.type == EventType.PERSON_DIED:
        _person_died(person_id)
    elif message.type == EventType.ID_CARD_STATUS_CHANGED:
        status = str(message.data.get("status", ""))
        reason = LOWERING_STATUSES.get(CardStatus(status)) if status in CardStatus.values else None
        if reason is not None:
            identity_links_lower_for_card(
                person_id=person_id, card_id=str(message.data.get("card_id", "")), reason=reason
            )


def _uuid(value: Any) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


def _person_died(person_id: str) -> None:
    link = IdentityLink.objects.filter(person_id=person_id).select_related("user").first()
    if link is not None:
        identity_link_end(account=link.user, reason=LinkEndReason.DIED, actor=None)


@register_receiver(RECEIVER)
class IdentityInbox(LocalInbox):
    """The ``local`` inbox, with identity's effect."""

    def __init__(self) -> None:
        super().__init__(effect=registry_event_apply)
