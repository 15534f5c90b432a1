"""The registries' records, one module per register; imported here so Django finds them."""

from onegate.registries.models.access import AccessRecord, CorrectionRequest
from onegate.registries.models.addresses import Address, District, Province, SubDistrict
from onegate.registries.models.documents import TravelDocument
from onegate.registries.models.events import (
    AgencySubscription,
    EventDelivery,
    ReceivedEvent,
    RegistryEvent,
)
from onegate.registries.models.nonces import RemoteRequestNonce
from onegate.registries.models.people import (
    ArrivalRecord,
    FamilyLink,
    NationalIdCard,
    Person,
    PersonIdentifier,
    ResidenceStatus,
)

__all__ = [
    "AccessRecord",
    "Address",
    "AgencySubscription",
    "ArrivalRecord",
    "CorrectionRequest",
    "District",
    "EventDelivery",
    "FamilyLink",
    "NationalIdCard",
    "Person",
    "PersonIdentifier",
    "Province",
    "ReceivedEvent",
    "RegistryEvent",
    "RemoteRequestNonce",
    "ResidenceStatus",
    "SubDistrict",
    "TravelDocument",
]
