"""What the credentials services share: the refusal they raise, the checks, the history line.

Each service module writes its own audit record in the same transaction (the audit coverage test
reads each module for it); the helpers here only find, check and append.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.credentials.constants import EntitlementStatus
from onegate.credentials.models import Entitlement, EntitlementEvent

SUBJECT_TYPE = "credentials.entitlement"
KEY_SUBJECT_TYPE = "credentials.issuer_key"
SYSTEM_LABEL = "system"
HOLDER_LABEL = "holder"

MESSAGES = {
    "stale": _(
        "Someone else changed this entitlement since you opened it. Look at it again before "
        "you act."
    ),
    "state": _("This cannot be done now: the entitlement is “%(status)s”."),
    "not_allowed": _("You are not allowed to do this to this entitlement."),
    "invalid": _("Check what you entered and try again."),
    "reason_missing": _("Enter the reason."),
    "reason_too_long": _("The reason must be %(limit)s characters or fewer."),
}


class EntitlementRefused(Exception):
    """A change the entitlement cannot take: ``code`` (stale, state, not_allowed, invalid) for
    programs, ``message`` (translated) to show the person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def _refused(code: str, message: Any = None, **params: Any) -> EntitlementRefused:
    """The refusal ``code`` with its message (``%(name)s`` placeholders filled from ``params``)."""
    text = str(message if message is not None else MESSAGES[code])
    if params:
        text = text % params
    return EntitlementRefused(code, text)


def _state_check(entitlement: Entitlement, allowed: set[str]) -> None:
    if entitlement.status not in allowed:
        raise _refused("state", status=EntitlementStatus(entitlement.status).label)


def _version_check(entitlement: Entitlement, lock_version: int | None) -> None:
    """The form was drawn from this version of the entitlement, or it is out of date."""
    if lock_version is None or int(lock_version) != entitlement.lock_version:
        raise _refused("stale")


def _reason_checked(reason: str, *, limit: int) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise _refused("invalid", MESSAGES["reason_missing"])
    if len(cleaned) > limit:
        raise _refused("invalid", MESSAGES["reason_too_long"], limit=limit)
    return cleaned


def _today_bangkok(now: dt.datetime | None = None) -> dt.date:
    """Today in Bangkok (the project's time zone)."""
    return timezone.localdate(now or timezone.now())


def _is_signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _event_add(
    entitlement: Entitlement,
    *,
    kind: str,
    actor: Any = None,
    actor_label: str = SYSTEM_LABEL,
    reason: str = "",
    from_status: str = "",
    to_status: str = "",
) -> EntitlementEvent:
    """Append one line to the entitlement's history (what the holder sees)."""
    return EntitlementEvent.objects.create(
        entitlement=entitlement,
        kind=kind,
        at=timezone.now(),
        actor=actor if _is_signed_in(actor) else None,
        actor_label=actor_label,
        reason=reason,
        from_status=from_status,
        to_status=to_status,
    )
