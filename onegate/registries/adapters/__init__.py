"""Registry adapters: one interface for the questions services ask, answered locally or remotely.

``registry()`` returns the adapter the settings choose (``REGISTRY_ADAPTER``: ``local`` or
``remote``). Adapters register themselves with ``@register_adapter``; tests swap them with
``adapter_override``.
"""

from onegate.registries.adapters.base import (
    AccessContext,
    AddressRecord,
    Answer,
    DocumentOwnership,
    FamilyMember,
    PersonRecord,
    Provenance,
    RegistryAdapter,
    RegistryError,
    RegistryUnavailable,
    ResidenceRecord,
    TravelDocumentRecord,
)
from onegate.registries.adapters.registry import adapter_override, register_adapter, registry

__all__ = [
    "AccessContext",
    "AddressRecord",
    "Answer",
    "DocumentOwnership",
    "FamilyMember",
    "PersonRecord",
    "Provenance",
    "RegistryAdapter",
    "RegistryError",
    "RegistryUnavailable",
    "ResidenceRecord",
    "TravelDocumentRecord",
    "adapter_override",
    "register_adapter",
    "registry",
]
