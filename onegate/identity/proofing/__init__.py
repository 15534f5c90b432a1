"""Identity proofing: plug-in methods that check a person's evidence against the registries.

Built in: ``national_id_card`` and ``passport`` (online, by the person) and ``in_person`` (by a
service-centre officer). A method registers with ``@register_method(name)`` and implements
``base.ProofingMethodPlugin``; ``proofing_method(name)`` and ``proofing_methods()`` look them up,
and tests swap the set with ``methods_override``. The service that uses them, with the limits and
the audit, is ``onegate.identity.services.proofing``.
"""

from onegate.identity.proofing.base import ProofingMethodPlugin, Verdict
from onegate.identity.proofing.registry import (
    methods_override,
    proofing_method,
    proofing_methods,
    register_method,
)

__all__ = [
    "ProofingMethodPlugin",
    "Verdict",
    "methods_override",
    "proofing_method",
    "proofing_methods",
    "register_method",
]
