"""Proving identity online with a passport (or another travel document): its number, issuing
state, names, date of birth and date of expiry, typed from the photo page or read from the
machine-readable zone (the two or three lines of letters and ``<`` at the bottom).

The travel-document register is asked for the person the number belongs to, then for that
person's documents, and the one with this number must be valid (not expired, not reported lost
or cancelled) and agree on every detail typed. We read the document record
(``travel_documents_of``) rather than only asking ``document_belongs_to``: the date of expiry
and the names as printed on the document are on the record, and comparing them is most of the
check. Passport details are far less secret than an ID card's laser code (hotels copy them), so
docs/identity.md is plain about what this proves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onegate.identity.assurance import PROOFING_LEVELS
from onegate.identity.constants import ProofingMethod
from onegate.identity.proofing.base import (
    ProofingMethodPlugin,
    Verdict,
    checked_on_text,
    evidence_summary,
)
from onegate.identity.proofing.matching import document_names_match
from onegate.identity.proofing.registry import register_method
from onegate.registries.adapters import (
    AccessContext,
    Answer,
    PersonRecord,
    TravelDocumentRecord,
    registry,
)
from onegate.registries.constants import DocumentStatus, IdentifierScheme


@dataclass(frozen=True)
class PassportDetails:
    """What the person typed or pasted, already normalised by the form."""

    number: str  # upper case, no spaces
    issuing_state: str  # as the registers store it (ISO 3166-1 alpha-3 where there is one)
    given_names: str
    family_name: str
    date_of_birth: dt.date
    expiry_date: dt.date
    from_mrz: bool = False  # read from the machine-readable zone
    names_may_be_truncated: bool = False  # the zone's name field was full


def document_valid(document: TravelDocumentRecord) -> bool:
    """Valid as the issuing state reported it, and not past its date of expiry."""
    return document.status == DocumentStatus.VALID and document.expires_on >= timezone.localdate()


def details_agree(details: PassportDetails, document: TravelDocumentRecord) -> bool:
    names = [
        document_names_match(
            typed=typed, printed=printed, may_be_truncated=details.names_may_be_truncated
        )
        for typed, printed in (
            (details.family_name, document.family_name),
            (details.given_names, document.given_names),
        )
    ]
    return (
        all(names)
        and document.date_of_birth == details.date_of_birth
        and document.expires_on == details.expiry_date
    )


@register_method(ProofingMethod.PASSPORT)
class Passport(ProofingMethodPlugin):
    order = 20
    remote = True
    level = PROOFING_LEVELS[ProofingMethod.PASSPORT]
    title = _("With your passport")
    hint = _(
        "For foreign residents and visitors, and Thai citizens with a passport: you need the "
        "photo page of a passport that has not expired."
    )
    not_matched_message = _(
        "We could not match these details to a valid passport. Check the details on your "
        "passport's photo page and try again, or prove your identity at a service centre."
    )

    def find(
        self, *, details: PassportDetails, access: AccessContext
    ) -> Answer[PersonRecord] | None:
        return registry().person_find(
            scheme=IdentifierScheme.TRAVEL_DOCUMENT,
            value=details.number,
            issuing_state=details.issuing_state,
            access=access,
        )

    def verify(
        self, *, details: PassportDetails, person: Answer[PersonRecord], access: AccessContext
    ) -> Verdict:
        documents = registry().travel_documents_of(person_id=person.value.id, access=access)
        document = next(
            (
                answer
                for answer in documents
                if answer.value.number == details.number
                and answer.value.issuing_state == details.issuing_state
            ),
            None,
        )
        if document is None:
            return Verdict(matched=False)
        matched = (
            document_valid(document.value)
            and details_agree(details, document.value)
            and person.value.date_of_birth == details.date_of_birth
        )
        checked = ["document_number", "issuing_state", "names", "date_of_birth", "expiry_date"]
        evidence = evidence_summary(
            checked=checked,
            provenance=document.provenance,
            document_type=document.value.document_type,
            entered_as="mrz" if details.from_mrz else "details",
        )
        return Verdict(matched=matched, evidence=evidence)

    def describe(self, evidence: Mapping[str, Any]) -> str:
        return gettext(
            "Your passport number, issuing country, names, date of birth and date of expiry "
            "matched a valid passport in the travel-document register on %(date)s."
        ) % {"date": checked_on_text(evidence)}
