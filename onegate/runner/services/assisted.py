"""Assisted digital: a centre officer starts an application with the person at the counter.

The officer finds the person in the population register by their national ID number
(``selectors.assisted_person_find``, on the person's access log), checks their identity in person
(the document seen, the last four characters of its number, the photo compared with the face)
and chooses the service with them, or keys in a paper form the person sent (the application's
channel says which, for the performance measures). The application is the person's: it belongs
to their account when they have one and they see it among their applications; the officer may
fill it in with them while it is a draft. Only for the person themselves: nobody acts for a
child or a delegator through an officer.
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
from onegate.runner.constants import ApplicationChannel, AppliesAs
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
    """Who assists, where, what they checked (``Application.identity_check``), and how the
    application reached them (``Application.channel``: the person there, or a paper form)."""

    staff: Any
    centre_id: str
    identity_check: dict[str, Any] = field(default_factory=dict)
    channel: str = ApplicationChannel.ASSISTED


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
    now = timezone.now().isoformat()
    return {
        "document": document,
        "number_last4": last4,
        "photo_compared": True,
        "checked_at": now,
        "checked_by": str(staff.pk),
        "assisted_at": now,
    }


def _check_refused(staff: Any, centre_id: str, service_slug: str) -> None:
    """An officer tried to start without a complete identity check: on the audit log."""
    with transaction.atomic():
        audit_record(
            actor=staff,
            action=RunnerAction.ACCESS_REFUSED,
            subject_type=SUBJECT_TYPE,
            subject_id="-",
            purpose="Refuse an assisted start without the person's identity checked",
            payload={"centre": str(centre_id), "service": service_slug},
        )


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
    channel: str = ApplicationChannel.ASSISTED,
) -> Application:
    """Start an application for the person at the counter, after the officer checked who they
    are: theirs (their account's when they have one), assisted by ``staff`` at the centre.
    ``channel``: ASSISTED with the person there, PAPER when keying in a paper form they sent.

    ``application_start`` reads the register first, then creates the draft and writes its
    records (``DRAFT_STARTED``, ``ASSISTED_STARTED`` with the check made, ``FACTS_READ``) in
    one transaction; the same start twice the same day gives the draft already made.
    """
    if channel not in (ApplicationChannel.ASSISTED, ApplicationChannel.PAPER):
        raise ValueError(f"an officer starts an assisted or a paper application, not {channel!r}")
    try:
        check = _identity_check(staff, document, number_last4, photo_compared)
    except ApplicationRefused:
        _check_refused(staff, centre_id, service_slug)
        raise
    person = ActingOption(person_id=str(person_id), names=names, relationship=Relationship.SELF)
    return application_start(
        actor=staff,
        service_slug=service_slug,
        subjects=[person],
        applies_as=AppliesAs.SELF,
        language=language,
        assisted=AssistedStart(
            staff=staff, centre_id=str(centre_id), identity_check=check, channel=channel
        ),
    )
