"""The address register's writes: a person reports a change of address, once, for everyone.

``address_change_report`` closes the current address, opens the new one, and publishes an
``address.changed`` event to every agency subscribed to it, all in one transaction. Address
periods are inclusive at both ends and never overlap: the old address is lived at *until* the day
before the move (``valid_until = moved_on - 1 day``) and the new one *from* the day of the move.
So a move must come after the day the current address began, and cannot be in the future.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import RegistryAction
from onegate.audit.services import audit_record
from onegate.core.languages import format_date
from onegate.registries.addresses import ValidAddress
from onegate.registries.constants import EventType
from onegate.registries.models import Address, Person, RegistryEvent, SubDistrict
from onegate.registries.services.events import event_publish

__all__ = ["address_change_report"]


def address_change_report(
    *,
    person: Person,
    address: ValidAddress,
    moved_on: dt.date,
    actor: AbstractBaseUser | None,
    purpose: str,
    agencies: Collection[str] | None = None,
) -> RegistryEvent:
    """Record that ``person`` lives at ``address`` from ``moved_on``, and tell subscribed agencies.

    ``address`` comes from ``onegate.registries.addresses.address_validate``. ``agencies`` (slugs)
    limits who is told to those subscribed agencies the person chose; None tells every one.

    Raises ``ValidationError`` (on ``moved_on`` or ``address``, translated) for a move in the
    future, a move not after the current address began, or the current address again; then
    nothing is written.
    """
    with transaction.atomic():
        # Locking the person serialises two reports for them, so both cannot close one address.
        locked = Person.objects.select_for_update().get(pk=person.pk)
        current = Address.objects.filter(person=locked, valid_until__isnull=True).first()
        _check_move(current=current, address=address, moved_on=moved_on)
        if current is not None:
            current.valid_until = moved_on - dt.timedelta(days=1)
            current.save(update_fields=["valid_until", "updated_at"])
        new = Address.objects.create(person=locked, valid_from=moved_on, **address.model_fields())
        audit_record(
            actor=actor,
            action=RegistryAction.ADDRESS_CHANGED,
            subject_type="registries.Person",
            subject_id=locked.id,
            purpose=purpose,
            payload={
                "address_id": str(new.id),
                "previous_address_id": str(current.id) if current else None,
                "moved_on": moved_on.isoformat(),
            },
        )
        return event_publish(
            person=locked,
            event_type=EventType.ADDRESS_CHANGED,
            payload=_event_payload(locked, new),
            actor=actor,
            purpose=purpose,
            agencies=agencies,
        )


def _check_move(*, current: Address | None, address: ValidAddress, moved_on: dt.date) -> None:
    if moved_on > timezone.localdate():
        raise ValidationError(
            {"moved_on": ValidationError(_("The moving date cannot be in the future."), "future")}
        )
    if current is None:
        return
    if moved_on <= current.valid_from:
        message = _(
            "The moving date must be after %(date)s, the day you moved to your current address."
        )
        error = ValidationError(
            message, "before_current", {"date": format_date(current.valid_from)}
        )
        raise ValidationError({"moved_on": error})
    if _same_place(current, address):
        message = _("This is already your current address.")
        raise ValidationError({"address": ValidationError(message, "unchanged")})


def _same_place(current: Address, address: ValidAddress) -> bool:
    """Whether the two are the same address, ignoring case and surrounding spaces."""
    proposed = address.model_fields()
    return all(
        _comparable(getattr(current, name)) == _comparable(value)
        for name, value in proposed.items()
    )


def _comparable(value: Any) -> str:
    return " ".join(str(value or "").split()).casefold()


def _event_payload(person: Person, address: Address) -> dict[str, Any]:
    """What a receiving agency needs: who moved, where to, from when. Nothing else."""
    return {
        "person_id": str(person.id),
        "national_id": person.national_id,
        "moved_on": address.valid_from.isoformat(),
        "address": _structured(address),
    }


def _structured(address: Address) -> dict[str, Any]:
    divisions: dict[str, Any] = {"sub_district": None, "district": None, "province": None}
    if address.sub_district_id:
        sub = SubDistrict.objects.select_related("district__province").get(
            code=address.sub_district_id
        )
        divisions = {
            "sub_district": _division(sub),
            "district": _division(sub.district),
            "province": _division(sub.district.province),
        }
    return {
        "kind": address.kind,
        "house_number": address.house_number,
        "moo": address.moo,
        "building": address.building,
        "soi": address.soi,
        "road": address.road,
        **divisions,
        "postcode": address.postcode,
        "lines": address.lines,
        "city": address.city,
        "region": address.region,
        "country": address.country,
    }


def _division(division: Any) -> dict[str, str]:
    return {"code": division.code, "name_th": division.name_th, "name_en": division.name_en}
