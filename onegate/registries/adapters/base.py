"""The registry interface: typed answers with provenance, the reader's context, and typed errors.

Every question takes an ``AccessContext`` saying who asks, for which organisation, on whose
behalf and why. An adapter refuses a question without a purpose and, for every person whose data
it returns to anyone but that person, writes an access record in the same transaction as the read.
Answers are plain frozen dataclasses so they travel unchanged between nodes (``to_dict`` /
``from_dict`` in ``wire``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.utils.translation import gettext_lazy as _

from onegate.registries.constants import AccessorKind

T = TypeVar("T")


@dataclass(frozen=True)
class Provenance:
    """Where an answer came from: the register, the record in it, how current it is, which node."""

    registry: str  # "population", "travel_documents", "addresses", "residence", "id_cards"
    record: str  # the record's key in that register
    as_of: dt.datetime  # when the record last changed
    node: str = "local"  # the OneGate node whose register answered


@dataclass(frozen=True)
class Answer(Generic[T]):
    """A value from a register, with its provenance."""

    value: T
    provenance: Provenance


@dataclass(frozen=True)
class PersonRecord:
    """A person as the population register holds them."""

    id: str
    national_id: str | None
    given_name_th: str
    family_name_th: str
    given_name_latin: str
    family_name_latin: str
    date_of_birth: dt.date
    sex: str
    nationality: str
    date_of_death: dt.date | None


@dataclass(frozen=True)
class FamilyMember:
    """A child or an adult linked to the person asked about, with the link's legal basis."""

    person: PersonRecord
    kind: str  # LinkKind
    source: str  # LinkSource
    valid_from: dt.date
    valid_until: dt.date | None


@dataclass(frozen=True)
class TravelDocumentRecord:
    """A passport or ID card as the travel-document register holds it."""

    id: str
    person_id: str
    document_type: str
    number: str
    issuing_state: str
    nationality: str
    family_name: str
    given_names: str
    date_of_birth: dt.date
    sex: str
    issued_on: dt.date | None
    expires_on: dt.date
    status: str
    mrz: str


@dataclass(frozen=True)
class AddressRecord:
    """An address with its divisions resolved to names in both languages."""

    id: str
    person_id: str
    kind: str  # AddressKind
    house_number: str
    moo: str
    building: str
    soi: str
    road: str
    sub_district_code: str
    sub_district: dict[str, str]  # {"en": ..., "th": ...}; empty for international addresses
    district: dict[str, str]
    province: dict[str, str]
    postcode: str
    lines: str
    city: str
    region: str
    country: str
    valid_from: dt.date


@dataclass(frozen=True)
class ResidenceRecord:
    """A person's residence status on a given day."""

    kind: str  # ResidenceKind
    visa_type: str
    valid_from: dt.date
    valid_until: dt.date | None
    resident: bool  # lives in the country (citizen, permanent resident or visa holder)


@dataclass(frozen=True)
class DocumentOwnership:
    """Whether a document number is registered to a person (and, if so, whether it is valid)."""

    belongs: bool
    valid: bool


@dataclass(frozen=True)
class AccessContext:
    """Who is reading registry data, for which organisation, on whose behalf, and why.

    ``accessor_id`` is a user key, an API client id or a node id. ``self_person_id`` is set when
    the reader is a person reading about themselves: those reads are not access-logged.
    ``user`` is the Django user, when there is one, for the audit record.
    """

    kind: AccessorKind
    accessor_id: str
    accessor_label: str
    organisation: str
    purpose: str
    channel: str
    on_behalf_of: str = ""
    self_person_id: str | None = None
    user: Any = None

    def is_self(self, person_id: str) -> bool:
        return self.kind == AccessorKind.SELF and self.self_person_id == str(person_id)


class RegistryError(Exception):
    """A registry question could not be answered. ``message`` is translated and names the node."""

    default_message = _("The registry could not answer.")

    def __init__(self, message: Any = None, *, node: str = "local") -> None:
        self.message = message or self.default_message
        self.node = node
        super().__init__(str(self.message))


class PurposeRequired(RegistryError):
    default_message = _("Say why you need this data: registry reads without a purpose are refused.")


class InvalidQuestion(RegistryError):
    """The question itself is wrong (a malformed identifier, an unknown scheme)."""

    default_message = _("The registry question is not valid.")


class RegistryUnavailable(RegistryError):
    """The node did not answer in time, refused, or its circuit breaker is open."""

    default_message = _("The registry is not available at the moment. Try again later.")


class RegistryBadResponse(RegistryError):
    """The node answered with something that is not a valid, correctly signed answer."""

    default_message = _("The registry answered with something we could not trust.")


class RegistryAdapter(Protocol):
    """The questions services ask of the registries. Every method checks and records access."""

    name: str

    def person_get(
        self, *, person_id: str, access: AccessContext
    ) -> Answer[PersonRecord] | None: ...

    def person_find(
        self, *, scheme: str, value: str, issuing_state: str = "", access: AccessContext
    ) -> Answer[PersonRecord] | None: ...

    def people_search(
        self,
        *,
        name: str,
        date_of_birth: dt.date | None = None,
        limit: int = 20,
        access: AccessContext,
    ) -> list[Answer[PersonRecord]]: ...

    def children_of(
        self, *, person_id: str, access: AccessContext
    ) -> list[Answer[FamilyMember]]: ...

    def guardians_of(
        self, *, person_id: str, access: AccessContext
    ) -> list[Answer[FamilyMember]]: ...

    def travel_documents_of(
        self, *, person_id: str, access: AccessContext
    ) -> list[Answer[TravelDocumentRecord]]: ...

    def current_address(
        self, *, person_id: str, access: AccessContext
    ) -> Answer[AddressRecord] | None: ...

    def residence_on(
        self, *, person_id: str, on: dt.date, access: AccessContext
    ) -> Answer[ResidenceRecord] | None: ...

    def document_belongs_to(
        self, *, person_id: str, number: str, issuing_state: str, access: AccessContext
    ) -> Answer[DocumentOwnership]: ...

    def id_card_matches(
        self, *, national_id: str, laser_code: str, access: AccessContext
    ) -> Answer[bool]: ...


# The questions, by name: the remote API serves exactly these, and the access-log test walks them.
QUESTIONS = (
    "person_get",
    "person_find",
    "people_search",
    "children_of",
    "guardians_of",
    "travel_documents_of",
    "current_address",
    "residence_on",
    "document_belongs_to",
    "id_card_matches",
)
