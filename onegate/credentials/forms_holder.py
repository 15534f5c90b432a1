"""The holder's forms: what to put in the QR code of a credential, and "report it lost".

A credential is an SD-JWT: the issuer signs digests of the holder's claims, and each claim
travels as a separate disclosure the holder may leave out of what they show (RFC 9901). The
holder's page offers that choice in plain words: a group of checkboxes (a GET form, so the QR
code is drawn again without JavaScript), each group one or more disclosures.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, replace
from typing import Any, cast

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ClaimGroup:
    """One choice offered to the holder: its label (``label`` to the holder themself,
    ``their_label`` to a parent or delegate showing someone else's) and the disclosures it
    stands for."""

    key: str
    label: str | Promise
    their_label: str | Promise
    claims: tuple[str, ...]


# What the holder may leave out. Whatever the choice, a verifier always learns what the
# credential is, its reference and until when it is valid: without those it proves nothing.
CLAIM_GROUPS = (
    ClaimGroup("name", _("Your name"), _("Their name"), ("given_name", "family_name")),
    ClaimGroup("birthdate", _("Your date of birth"), _("Their date of birth"), ("birthdate",)),
    ClaimGroup("nationality", _("Your nationality"), _("Their nationality"), ("nationality",)),
    ClaimGroup(
        "passport",
        _("Your passport number"),
        _("Their passport number"),
        ("document_number", "issuing_state"),
    ),
    ClaimGroup(
        "national_id", _("Your national ID number"), _("Their national ID number"), ("national_id",)
    ),
)
ALWAYS_SHOWN = ("valid_until", "title", "conditions")

# The printed card carries only what is printed on it: a card left on a train should not give
# away a date of birth or a document number.
CARD_CLAIMS = ("given_name", "family_name", *ALWAYS_SHOWN)


def disclosure_names(token: str) -> set[str]:
    """The claim names of an SD-JWT's disclosures (``<jws>~<d1>~…~``); unreadable ones skipped."""
    names = set()
    for part in token.split("~")[1:]:
        if not part:
            continue
        try:
            decoded = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        except (binascii.Error, ValueError):
            continue
        if isinstance(decoded, list) and len(decoded) == 3 and isinstance(decoded[1], str):
            names.add(decoded[1])
    return names


class ClaimsForm(forms.Form):
    """Which groups of claims to put in the QR code: read from the query string.

    ``available`` is what the credential holds; groups it has none of are not offered. A form
    never sent (no ``chosen`` field in the query) keeps every claim in. ``yours`` is false when
    the person at the screen shows someone else's (a parent, their child's): the choices then
    say "Their name", not "Your name".
    """

    include = forms.MultipleChoiceField(
        label=_("What to include in the QR code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data: Any, *, available: set[str], yours: bool = True) -> None:
        self.sent = "chosen" in data
        super().__init__(data if self.sent else None)
        self.groups = [
            g if yours else replace(g, label=g.their_label)
            for g in CLAIM_GROUPS
            if available.intersection(g.claims)
        ]
        field = cast(forms.MultipleChoiceField, self.fields["include"])
        field.choices = [(g.key, g.label) for g in self.groups]

    def chosen_keys(self) -> set[str]:
        if not self.sent:
            return {g.key for g in self.groups}
        if not self.is_valid():
            return set()
        return set(self.cleaned_data["include"])

    def reveal(self) -> list[str]:
        """The disclosures to keep: those of the groups chosen, and the ones always shown."""
        chosen = self.chosen_keys()
        kept = [claim for g in self.groups if g.key in chosen for claim in g.claims]
        return [*kept, *ALWAYS_SHOWN]


class LostForm(forms.Form):
    """ "Report it lost": nothing to fill in but the version of the entitlement seen."""

    lock_version = forms.IntegerField(min_value=0, required=False)

    def version(self) -> int:
        if not self.is_valid():
            return 0
        value = self.cleaned_data.get("lock_version")
        return int(value) if value is not None else 0
