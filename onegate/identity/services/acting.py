"""Acting for someone: choosing whom in the header switch, and reporting a move for them.

Both check ``acting.may_act_for`` themselves. A refusal (someone the person may not act for: a
parent, for a child; a stranger; a child who has turned 18) raises ``ActingRefused`` with a
translated message, after its own ``ACTING_REFUSED`` audit record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import IdentityAction
from onegate.audit.services import audit_record
from onegate.identity.acting import ADDRESS_CHANGE_SERVICE, ActingOption, acting_option
from onegate.identity.selectors_acting import acting_audit_fields
from onegate.registries.addresses import ValidAddress
from onegate.registries.models import Person, RegistryEvent
from onegate.registries.services.addresses import address_change_report

__all__ = ["ActingRefused", "acting_for_choose", "address_change_report_for"]


class ActingRefused(Exception):
    """Someone the signed-in person may not act for (here, or for this service)."""

    def __init__(self, message: Any, *, code: str) -> None:
        self.message = message
        self.code = code
        super().__init__(code)


def _refusal_record(user: Any, person_id: str, *, code: str, service: str | None) -> None:
    with transaction.atomic():
        audit_record(
            actor=user,
            action=IdentityAction.ACTING_REFUSED,
            subject_type="registries.person",
            subject_id=person_id or "unknown",
            purpose="refuse to act for someone",
            payload={"reason": code, "service": service or ""},
        )


def _option_or_refuse(user: Any, person_id: str, *, service: str | None) -> ActingOption:
    option = acting_option(user, person_id)
    if option is None:
        _refusal_record(user, person_id, code="not_allowed", service=service)
        raise ActingRefused(
            _("You cannot act for this person. Choose someone from the list."), code="not_allowed"
        )
    if not option.covers(service):
        _refusal_record(user, person_id, code="out_of_scope", service=service)
        raise ActingRefused(
            _("%(name)s has not let you use this service for them.") % {"name": option.name},
            code="out_of_scope",
        )
    return option


def acting_for_choose(*, user: Any, person_id: str) -> ActingOption:
    """Check the person may act for ``person_id`` now and record that they started to.

    The caller keeps the choice (in the session, ``acting.acting_choose``).
    """
    option = _option_or_refuse(user, str(person_id), service=None)
    if not option.is_self:
        fields = acting_audit_fields(option)
        with transaction.atomic():
            audit_record(
                actor=user,
                action=IdentityAction.ACTING_FOR_CHOSEN,
                subject_type="registries.person",
                subject_id=option.person_id,
                purpose="act for someone else",
                on_behalf_of=fields["on_behalf_of"],
                payload=fields["payload"],
            )
    return option


def address_change_report_for(
    *, user: Any, person_id: str, address: ValidAddress, moved_on: dt.date
) -> RegistryEvent:
    """Report that ``person_id`` moved, as themselves or for them; tell us once does the rest.

    Raises ``ActingRefused`` for someone they may not report for, and the registries'
    ``ValidationError`` (translated, per field) for a move it refuses; then nothing is written.
    """
    option = _option_or_refuse(user, str(person_id), service=ADDRESS_CHANGE_SERVICE)
    fields = acting_audit_fields(option)
    purpose = (
        gettext("Tell us once: change of address")
        if option.is_self
        else gettext("Tell us once: change of address, for someone I act for")
    )
    with transaction.atomic():
        person = Person.objects.get(pk=option.person_id)
        event = address_change_report(
            person=person, address=address, moved_on=moved_on, actor=user, purpose=purpose
        )
        audit_record(
            actor=user,
            action=IdentityAction.ADDRESS_CHANGE_REPORTED,
            subject_type="registries.person",
            subject_id=option.person_id,
            purpose=purpose,
            on_behalf_of=fields["on_behalf_of"],
            payload={**fields["payload"], "event": str(event.pk), "moved_on": moved_on.isoformat()},
        )
    return event
