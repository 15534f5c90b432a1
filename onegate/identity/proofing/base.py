"""What a proofing method is, and the reader every proofing check identifies itself as.

A method answers two questions, each with registry reads through the adapter:

* ``find``: which registry person does this evidence point at (by the number on the document)?
* ``verify``: does the rest of the evidence agree with that person's records?

The service (``services.proofing.identity_prove``) calls them in that order and decides
everything else: the limits (the per-person limit sits between the two questions, so one
person's card cannot be guessed at from many accounts), a death recorded in the registry, the
one-account-one-person rule, the attempt row and the audit records.

Who the reads are recorded as: a proofing check is a ``SERVICE`` read, logged in the person's
"who looked at my data", and never a ``SELF`` read, even once the evidence has matched. Before
the match the reader is not known to be the person; after it, the record is still worth having:
an attempt with someone's stolen card details, successful or not, is exactly what that person
needs to see. It costs the person two lines per attempt (the look-up and the card or document
check), which is not the kind of noise ``self_person_id`` exists to avoid.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.core.languages import format_date
from onegate.identity.constants import LevelOfAssurance
from onegate.registries.adapters import AccessContext, Answer, PersonRecord, Provenance
from onegate.registries.constants import AccessorKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What a proofing check tells the registry (and so the person's access log) about itself.
ORGANISATION = "identity"
PURPOSE_ONLINE = "Identity proofing requested by the person"
PURPOSE_IN_PERSON = "Identity checked in person at a service centre"
ONLINE_LABEL = "OneGate identity proofing"


@dataclass(frozen=True)
class Verdict:
    """Whether the evidence agreed with the registry, and a summary of what was compared."""

    matched: bool
    evidence: Mapping[str, Any] = field(default_factory=dict)


def evidence_summary(
    *, checked: Sequence[str], provenance: Provenance, **extra: Any
) -> dict[str, Any]:
    """The evidence record kept on the link: the facts compared, and the register that agreed."""
    return {
        "checked": list(checked),
        "register": provenance.registry,
        "record": provenance.record,
        "as_of": provenance.as_of.isoformat(),
        "node": provenance.node,
        "checked_on": timezone.localdate().isoformat(),
        **extra,
    }


def checked_on_text(evidence: Mapping[str, Any]) -> str:
    """The day the evidence was checked, as people write dates in the current language."""
    try:
        return format_date(dt.date.fromisoformat(evidence["checked_on"]))
    except (KeyError, TypeError, ValueError):
        return "—"


def online_access(account: Any) -> AccessContext:
    """The reader of a check a person asked for online (see the module docstring)."""
    return AccessContext(
        kind=AccessorKind.SERVICE,
        accessor_id=str(account.pk),
        accessor_label=ONLINE_LABEL,
        organisation=ORGANISATION,
        purpose=PURPOSE_ONLINE,
        channel="identity-proofing",
        user=account,
    )


def officer_access(officer: Any, *, organisation: str) -> AccessContext:
    """The reader of a check a service-centre officer makes with the person in front of them."""
    return AccessContext(
        kind=AccessorKind.STAFF,
        accessor_id=str(officer.pk),
        accessor_label=officer.get_username(),
        organisation=organisation or ORGANISATION,
        purpose=PURPOSE_IN_PERSON,
        channel="service-centre",
        user=officer,
    )


class ProofingMethodPlugin(ABC):
    """A way of proving who one is. Subclasses register with ``registry.register_method``."""

    name: str = ""  # set by the registry
    order: int = 100  # where the method is listed
    remote: bool = True  # the person uses it online (rate limited); False: staff use it
    level: LevelOfAssurance  # what a match proves: from assurance.PROOFING_LEVELS, nowhere else
    title: StrOrPromise = ""
    hint: StrOrPromise = ""  # what the person needs to hand
    # What a person is told when the evidence did not match: what to do next, never which
    # detail was wrong.
    not_matched_message: StrOrPromise = _(
        "We could not match these details to the registry. Check them and try again, or prove "
        "your identity at a service centre."
    )

    def authorise(self, *, account: Any, officer: Any, details: Any) -> None:
        """Refuse (``PermissionDenied``) a check this method may not make. Online methods are
        used by the person themselves, never by an officer on their behalf."""
        if officer is not None:
            raise PermissionDenied("online proofing methods are used by the person themselves")

    def access(self, *, account: Any, officer: Any, details: Any) -> AccessContext:
        """Who the registry reads of this check are recorded as."""
        return online_access(account)

    @abstractmethod
    def find(self, *, details: Any, access: AccessContext) -> Answer[PersonRecord] | None:
        """The registry person the evidence points at, or None."""

    @abstractmethod
    def verify(
        self, *, details: Any, person: Answer[PersonRecord], access: AccessContext
    ) -> Verdict:
        """Whether the rest of the evidence agrees with ``person``'s records."""

    @abstractmethod
    def describe(self, evidence: Mapping[str, Any]) -> str:
        """One translated sentence saying what was checked (for the person and for support)."""
