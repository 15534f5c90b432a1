"""Proving identity online with a Thai ID card: the national ID number, the names and date of
birth printed on the front, and the laser code printed on the back.

The laser code is what makes this more than "knowing someone's details": it is printed only on
the physical card, changes with every card issued, and is not on any photocopy of the front.
The ID card register is asked whether the code is that of the person's current, valid card.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
from onegate.identity.proofing.matching import person_names_match
from onegate.identity.proofing.registry import register_method
from onegate.registries.adapters import AccessContext, Answer, PersonRecord, registry
from onegate.registries.constants import IdentifierScheme


@dataclass(frozen=True)
class IdCardDetails:
    """What the person typed from their card, already normalised by the form."""

    national_id: str  # 13 digits, check digit verified
    given_name: str
    family_name: str
    date_of_birth: dt.date
    laser_code: str  # 2 letters and 10 digits


@register_method(ProofingMethod.NATIONAL_ID_CARD)
class NationalIdCard(ProofingMethodPlugin):
    order = 10
    remote = True
    level = PROOFING_LEVELS[ProofingMethod.NATIONAL_ID_CARD]
    title = _("With your Thai ID card")
    hint = _(
        "You need your Thai national ID card: the number and names on the front and the laser "
        "code on the back."
    )
    not_matched_message = _(
        "We could not match these details to a valid Thai ID card. Check the details on your "
        "card and try again, or prove your identity at a service centre."
    )

    def find(self, *, details: IdCardDetails, access: AccessContext) -> Answer[PersonRecord] | None:
        return registry().person_find(
            scheme=IdentifierScheme.NATIONAL_ID, value=details.national_id, access=access
        )

    def verify(
        self, *, details: IdCardDetails, person: Answer[PersonRecord], access: AccessContext
    ) -> Verdict:
        # The card is checked even when a name or the date already disagrees, so every wrong
        # detail takes the same path and the same time.
        card = registry().id_card_matches(
            national_id=details.national_id, laser_code=details.laser_code, access=access
        )
        record = person.value
        matched = (
            card.value
            and record.date_of_birth == details.date_of_birth
            and person_names_match(
                given=details.given_name, family=details.family_name, person=record
            )
        )
        checked = ("national_id", "names", "date_of_birth", "laser_code")
        return Verdict(
            matched=bool(matched),
            evidence=evidence_summary(checked=checked, provenance=card.provenance),
        )

    def describe(self, evidence: Mapping[str, Any]) -> str:
        return gettext(
            "Your national ID number, names, date of birth and the laser code on the back of "
            "your card matched the ID card register on %(date)s."
        ) % {"date": checked_on_text(evidence)}
