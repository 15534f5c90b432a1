"""The registries' vocabulary: statuses, link kinds, sources, and who can read a record."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    """Sex as recorded on the civil register and printed in the MRZ."""

    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    UNSPECIFIED = "X", _("Unspecified")


class CardStatus(models.TextChoices):
    """A national ID card's state; only a valid card passes an online identity check."""

    VALID = "valid", _("Valid")  # issued and not replaced, lost or cancelled
    REPLACED = "replaced", _("Replaced")  # a newer card was issued
    LOST = "lost", _("Reported lost or stolen")
    CANCELLED = "cancelled", _("Cancelled")  # e.g. on death


class LinkKind(models.TextChoices):
    """How an adult is linked to a child."""

    PARENT = "parent", _("Parent")  # legal parent
    GUARDIAN = "guardian", _("Guardian")  # appointed guardian, not a parent


class LinkSource(models.TextChoices):
    """The evidence a family link was registered on."""

    BIRTH_REGISTRATION = "birth_registration", _("Birth registration")
    FOREIGN_BIRTH_CERTIFICATE = "foreign_birth_certificate", _("Foreign birth certificate")
    ADOPTION = "adoption", _("Adoption order")
    COURT_ORDER = "court_order", _("Court order")


class ResidenceKind(models.TextChoices):
    """A person's right to be in the country."""

    CITIZEN = "citizen", _("Citizen")
    PERMANENT_RESIDENT = "permanent_resident", _("Permanent resident")
    VISA_HOLDER = (
        "visa_holder",
        _("Visa holder"),
    )  # visa_type and valid_until say which and how long
    VISITOR = "visitor", _("Visitor")  # visa exempt or on arrival, short stay


# Statuses whose holders live in the country (rules ask "resident in the country?").
RESIDENT_KINDS = frozenset(
    {ResidenceKind.CITIZEN, ResidenceKind.PERMANENT_RESIDENT, ResidenceKind.VISA_HOLDER}
)


class DocumentType(models.TextChoices):
    """ICAO 9303 document code (first letter) of a travel document."""

    PASSPORT = "P", _("Passport")  # TD3
    IDENTITY_CARD = "I", _("Identity card")  # TD1


class DocumentStatus(models.TextChoices):
    """A travel document's state as the issuing state reported it."""

    VALID = "valid", _("Valid")
    LOST = "lost", _("Reported lost or stolen")
    CANCELLED = "cancelled", _("Cancelled")


class AddressKind(models.TextChoices):
    """Which structure an address follows."""

    THAI = "thai", _("Address in Thailand")
    INTERNATIONAL = "international", _("Address outside Thailand")


class AccessorKind(models.TextChoices):
    """Who read a person's registry data (the person's own reads are not recorded)."""

    STAFF = "staff", _("Government staff")  # a signed-in officer, e.g. in the registry admin
    SERVICE = "service", _("Government service")  # a service prefilling a form for someone
    AGENCY_SYSTEM = "agency_system", _("Agency system")  # another agency's system over the API
    REMOTE_NODE = "remote_node", _("Another OneGate node")  # a peer registry over signed requests
    SELF = "self", _("The person themselves")  # never written to the access log


class CorrectionStatus(models.TextChoices):
    """A request to correct a registry fact, owned by the agency that keeps the fact."""

    OPEN = "open", _("Open")  # received, not yet looked at
    ACCEPTED = "accepted", _("Corrected")  # the record was fixed
    REJECTED = "rejected", _("Not changed")  # the record was right; reason given


class DeliveryStatus(models.TextChoices):
    """Delivery of one registry event to one subscribed agency."""

    PENDING = "pending", _("Waiting to be delivered")  # queued or between retries
    DELIVERED = "delivered", _("Delivered")  # the agency acknowledged it
    FAILED = "failed", _("Not delivered")  # retries exhausted; an operator must look


class EventType(models.TextChoices):
    """Registry events agencies can subscribe to (tell us once)."""

    ADDRESS_CHANGED = "address.changed", _("Change of address")
    PERSON_DIED = "person.died", _("Death recorded")  # the civil register recorded a death
    # A national ID card replaced, reported lost or cancelled (the payload names the card).
    ID_CARD_STATUS_CHANGED = "id_card.status_changed", _("ID card replaced, lost or cancelled")


class IdentifierScheme(models.TextChoices):
    """What a person can be found by."""

    NATIONAL_ID = "national_id", _("Thai national ID number")
    TRAVEL_DOCUMENT = "travel_document", _("Passport or travel document number")
    FOREIGN_NATIONAL_ID = "foreign_national_id", _("Another country's national ID number")
