"""Proving identity in person at a service centre (assisted digital): an officer sees the
person and their document, checks the document against the registry, and links the account.

Two things tie the check to the right account and the right person:

* the **desk code**: the person opens "prove your identity at a service centre" in their signed-in
  account and reads out a short code; it is derived from the account and the half hour
  (``desk_code``), so the officer can only link the account whose holder is at the desk, and a
  mistyped email address links nobody;
* the **document**: the officer compares its photo with the person, then types its number (and,
  for a Thai ID card, the laser code on its back); the registry must hold it as that person's
  current, valid document. What was sighted is recorded on the link, never a copy of it.

Only staff with ``identity.proof_in_person`` at the chosen centre may do this (``staff_can``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onegate.identity.assurance import PROOFING_LEVELS
from onegate.identity.constants import ProofingMethod
from onegate.identity.models import ServiceCentre
from onegate.identity.permissions import StaffPermission, staff_can
from onegate.identity.proofing.base import (
    ProofingMethodPlugin,
    Verdict,
    checked_on_text,
    evidence_summary,
    officer_access,
)
from onegate.identity.proofing.passport import document_valid
from onegate.identity.proofing.registry import register_method
from onegate.registries.adapters import AccessContext, Answer, PersonRecord, registry
from onegate.registries.constants import IdentifierScheme

# A desk code changes every half hour; the one before is still accepted (so 30 to 60 minutes).
DESK_CODE_SECONDS = 30 * 60
DESK_CODE_LENGTH = 8
# No 0/O, 1/I/L or U: read out across a counter, these are the letters people confuse.
_DESK_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


class SightedDocument(models.TextChoices):
    """The document an officer checks at the counter."""

    THAI_ID_CARD = "thai_id_card", _("Thai national ID card")
    PASSPORT = "passport", _("Passport or other travel document")


@dataclass(frozen=True)
class InPersonDetails:
    """What the officer entered: the centre, the account's desk code and the document seen."""

    centre_id: str
    desk_code: str
    document_type: str  # SightedDocument
    document_number: str  # the national ID number on a Thai ID card; the passport number
    issuing_state: str = ""  # passports: as the registers store it
    laser_code: str = ""  # Thai ID cards: the code on the back


def _desk_code_at(user: Any, window: int) -> str:
    digest = salted_hmac("onegate.identity.desk-code", f"{user.pk}:{window}").digest()
    number = int.from_bytes(digest[:8], "big")
    letters = []
    for _position in range(DESK_CODE_LENGTH):
        number, index = divmod(number, len(_DESK_ALPHABET))
        letters.append(_DESK_ALPHABET[index])
    return "".join(letters)


def desk_code(user: Any, *, now: float | None = None) -> str:
    """The code the account holder reads out at the counter, e.g. ``K7MQ-29XD``."""
    code = _desk_code_at(user, int((now or time.time()) // DESK_CODE_SECONDS))
    return f"{code[:4]}-{code[4:]}"


def desk_code_matches(user: Any, typed: str, *, now: float | None = None) -> bool:
    """Whether ``typed`` is the account's code of this half hour or the one before."""
    code = "".join(ch for ch in str(typed).upper() if ch.isalnum())
    window = int((now or time.time()) // DESK_CODE_SECONDS)
    return any(constant_time_compare(code, _desk_code_at(user, w)) for w in (window, window - 1))


def centre_for(centre_id: str) -> ServiceCentre | None:
    return ServiceCentre.objects.filter(pk=centre_id, is_active=True).first()


@register_method(ProofingMethod.IN_PERSON)
class InPerson(ProofingMethodPlugin):
    order = 30
    remote = False
    level = PROOFING_LEVELS[ProofingMethod.IN_PERSON]
    title = _("At a service centre")
    hint = _(
        "Bring your ID card or passport to a service centre. An officer checks it with you and "
        "links your account. This gives the highest level."
    )
    not_matched_message = _(
        "The document does not match a current, valid document in the registry. Check the "
        "number (and the laser code on an ID card) against the document."
    )

    def authorise(self, *, account: Any, officer: Any, details: InPersonDetails) -> None:
        if officer is None or not staff_can(
            officer, StaffPermission.PROOF_IN_PERSON, centre_id=details.centre_id
        ):
            raise PermissionDenied(StaffPermission.PROOF_IN_PERSON)
        if officer.pk == account.pk:
            raise PermissionDenied("an officer cannot prove their own identity")
        if not desk_code_matches(account, details.desk_code):
            raise PermissionDenied("the desk code does not match the account")

    def access(self, *, account: Any, officer: Any, details: InPersonDetails) -> AccessContext:
        centre = centre_for(details.centre_id)
        return officer_access(officer, organisation=centre.agency_slug if centre else "")

    def find(
        self, *, details: InPersonDetails, access: AccessContext
    ) -> Answer[PersonRecord] | None:
        if details.document_type == SightedDocument.THAI_ID_CARD:
            return registry().person_find(
                scheme=IdentifierScheme.NATIONAL_ID, value=details.document_number, access=access
            )
        return registry().person_find(
            scheme=IdentifierScheme.TRAVEL_DOCUMENT,
            value=details.document_number,
            issuing_state=details.issuing_state,
            access=access,
        )

    def verify(
        self, *, details: InPersonDetails, person: Answer[PersonRecord], access: AccessContext
    ) -> Verdict:
        if details.document_type == SightedDocument.THAI_ID_CARD:
            card = registry().id_card_matches(
                national_id=details.document_number, laser_code=details.laser_code, access=access
            )
            matched, provenance = card.value, card.provenance
        else:
            documents = registry().travel_documents_of(person_id=person.value.id, access=access)
            document = next(
                (
                    d
                    for d in documents
                    if (d.value.number, d.value.issuing_state)
                    == (details.document_number, details.issuing_state)
                ),
                None,
            )
            if document is None:
                return Verdict(matched=False)
            matched, provenance = document_valid(document.value), document.provenance
        return Verdict(matched=matched, evidence=self._evidence(details, provenance))

    def _evidence(self, details: InPersonDetails, provenance: Any) -> dict[str, Any]:
        centre = centre_for(details.centre_id)
        return evidence_summary(
            checked=["document_sighted", "photo_compared", "document_number"],
            provenance=provenance,
            sighted={
                "document_type": details.document_type,
                "number": details.document_number,
                "issuing_state": details.issuing_state,
            },
            centre={"id": details.centre_id, "slug": centre.slug if centre else ""},
        )

    def describe(self, evidence: Mapping[str, Any]) -> str:
        sighted = evidence.get("sighted") or {}
        labels = dict(SightedDocument.choices)
        return gettext(
            "An officer at a service centre checked your document with you in person and "
            "matched it to the registry on %(date)s: %(document)s, number %(number)s."
        ) % {
            "document": labels.get(sighted.get("document_type", ""), "—"),
            "number": sighted.get("number", "—"),
            "date": checked_on_text(evidence),
        }
