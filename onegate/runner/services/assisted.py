"""Assisted digital: a centre officer starts an application with the person at the counter.

The officer finds the person in the population register by their national ID number
(``selectors.assisted_person_find``, on the person's access log), checks their identity in person
(the document seen, the last four characters of its number, the photo compared with the face)
and chooses the service with them. The application is the person's: it belongs to their account
when they have one and they see it among their applications; the officer may fill it in with
them while it is a draft. Only for the person themselves: nobody acts for a child or a
delegator through an officer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import RunnerAction
from onegate.audit.services import audit_record
from onegate.identity.acting import ActingOption, Relationship
from onegate.identity.selectors_acting import account_of
from onegate.runner.constants import AppliesAs
from onegate.runner.models import Application
from onegate.runner.selectors import SUBJECT_TYPE
from onegate.runner.services.applications import ApplicationRefused, application_start

__all__ = ["AssistedStart", "IdentityDocument", "application_assisted_start"]

LAST_CHARACTERS = 4


class IdentityDocument(models.TextChoices):
    """The document the officer looked at to know who is at the counter."""

    ID_CARD = "id_card", _("Thai national ID card")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Another official document with a photo")


@dataclass(frozen=True)
class AssistedStart:
    """Who assists, where, and what they checked (``Application.identity_check``)."""

    staff: Any
    centre_id: str
    identity_check: dict[str, Any] = field(default_factory=dict)


def _identity_check(staff: Any, document: str, number_last4: str, photo_compared: bool) -> dict:
    last4 = "".join(number_last4.split()).upper()
    valid = (
        document in IdentityDocument.values
        and len(last4) == LAST_CHARACTERS
        and last4.isalnum()
        and photo_compared
    )
    if not valid:
        raise ApplicationRefused(
            "not_allowed", str(_("Check the person's identity document before you start."))
        )
    return {
        "document": document,
        "number_last4": last4,
        "photo_compared": True,
        "checked_at": timezone.now().isoformat(),
        "checked_by": str(staff.pk),
    }


def application_assisted_start(
    *,
    staff: Any,
    centre_id: str,
    person_id: str,
    names: dict[str, str],
    document: str,
    number_last4: str,
    photo_compared: bool,
    service_slug: str,
    language: str,
) -> Application:
    """Start an application for the person at the counter, after the officer checked who they
    are: theirs (their account's when they have one), assisted by ``staff`` at the centre."""
    check = _identity_check(staff, document, number_last4, photo_compared)
    person = ActingOption(person_id=str(person_id), names=names, relationship=Relationship.SELF)
    with transaction.atomic():
        application = application_start(
            actor=staff,
            service_slug=service_slug,
            subjects=[person],
            applies_as=AppliesAs.SELF,
            language=language,
            assisted=AssistedStart(staff=staff, centre_id=str(centre_id), identity_check=check),
        )
        audit_record(
            actor=staff,
            action=RunnerAction.ASSISTED_STARTED,
            subject_type=SUBJECT_TYPE,
            subject_id=application.pk,
            purpose="Start an application with a person at a service centre",
            on_behalf_of=account_of(str(person_id)),
            payload={
                "centre": str(centre_id),
                "service": service_slug,
                "person": str(person_id),
                "document": document,
            },
        )
    return application
