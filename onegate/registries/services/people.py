"""The population register's writes about a person's life: a death, and an ID card's status.

Both publish a registry event in the same transaction (``services.events.event_publish``), so
every agency subscribed to it hears of the change at least once and none hears of a change that
rolled back. OneGate's own identity service is one of those subscribers: a death ends the
person's account link, and a card reported lost or cancelled means an account proved with that
card must be proved again (``onegate.identity.event_receivers``).

The payloads say what changed and no more: a death carries its date; a card carries its record
key and its old and new status, never its laser code.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import RegistryAction
from onegate.audit.services import audit_record
from onegate.registries.constants import CardStatus, EventType
from onegate.registries.models import NationalIdCard, Person, RegistryEvent
from onegate.registries.services.events import event_publish

__all__ = ["id_card_status_change", "person_death_record"]


def person_death_record(
    *, person: Person, date_of_death: dt.date, actor: AbstractBaseUser | None, purpose: str
) -> RegistryEvent:
    """Record that ``person`` died on ``date_of_death``, and tell subscribed agencies.

    Raises ``ValidationError`` for a date in the future or before the person's birth, and for a
    person whose death is already recorded (a correction is another process); nothing is written.
    """
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        _check_death(locked, date_of_death)
        locked.date_of_death = date_of_death
        locked.save(update_fields=["date_of_death", "updated_at"])
        audit_record(
            actor=actor,
            action=RegistryAction.DEATH_RECORDED,
            subject_type="registries.Person",
            subject_id=locked.id,
            purpose=purpose,
            payload={"date_of_death": date_of_death.isoformat()},
        )
        return event_publish(
            person=locked,
            event_type=EventType.PERSON_DIED,
            payload={"person_id": str(locked.id), "date_of_death": date_of_death.isoformat()},
            actor=actor,
            purpose=purpose,
            facts=["person.date_of_death"],
        )


def _check_death(person: Person, date_of_death: dt.date) -> None:
    if person.date_of_death is not None:
        raise ValidationError(_("A death is already recorded for this person."), code="recorded")
    if date_of_death > timezone.localdate():
        raise ValidationError(_("The date of death cannot be in the future."), code="future")
    if date_of_death < person.date_of_birth:
        raise ValidationError(
            _("The date of death cannot be before the date of birth."), code="before_birth"
        )


def id_card_status_change(
    *, card: NationalIdCard, status: CardStatus, actor: AbstractBaseUser | None, purpose: str
) -> RegistryEvent:
    """Mark ``card`` replaced, reported lost or cancelled, and tell subscribed agencies.

    A card never becomes valid again (a found card has already been replaced or cancelled), and
    setting the status it already has is refused; nothing is written then.
    """
    with transaction.atomic():
        locked = NationalIdCard.objects.select_for_update().select_related("person").get(pk=card.pk)
        if status == CardStatus.VALID or status == locked.status:
            raise ValidationError(
                _("An ID card can only be marked replaced, lost or cancelled, once."),
                code="status",
            )
        previous = locked.status
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        payload = {
            "person_id": str(locked.person_id),
            "card_id": str(locked.id),
            "status": str(status),
            "previous_status": str(previous),
        }
        audit_record(
            actor=actor,
            action=RegistryAction.ID_CARD_STATUS_CHANGED,
            subject_type="registries.NationalIdCard",
            subject_id=locked.id,
            purpose=purpose,
            payload=payload,
        )
        return event_publish(
            person=locked.person,
            event_type=EventType.ID_CARD_STATUS_CHANGED,
            payload=payload,
            actor=actor,
            purpose=purpose,
            facts=["person.id_card"],
        )
