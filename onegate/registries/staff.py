"""Who a registry-staff reader is, and the purposes they may state (used by the staff pages)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from onegate.registries.adapters import AccessContext
from onegate.registries.constants import AccessorKind

# Registry staff must say why they are looking; the list keeps the access log readable.
STAFF_PURPOSES = {
    "identity-check": _("Checking a person's identity at a service centre"),
    "application": _("Processing an application"),
    "correction": _("Handling a correction request"),
    "investigation": _("Investigating suspected fraud (case reference required)"),
    "court-order": _("Responding to a court order"),
}


def staff_access(
    *, user: object, organisation: str, purpose_code: str, reference: str = ""
) -> AccessContext:
    """The access context of a staff member reading the registry for one of ``STAFF_PURPOSES``."""
    # Stored in English whatever the officer's language, so the person's log reads the same way
    # throughout; the person's page can translate the known purposes back.
    with translation.override("en"):
        label = str(STAFF_PURPOSES[purpose_code])
    purpose = f"{label} ({reference})" if reference else label
    return AccessContext(
        kind=AccessorKind.STAFF,
        accessor_id=str(getattr(user, "pk", "")),
        accessor_label=getattr(user, "get_username", lambda: "")(),
        organisation=organisation,
        purpose=purpose,
        channel="registry-staff",
        user=user,
    )
