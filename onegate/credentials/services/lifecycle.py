"""An entitlement's life after it is granted: suspended, reinstated, revoked, expired, and a
credential reported lost (suspended and issued again).

Each change locks the entitlement, checks who acts, the state and the form's version (in that
order, so the person is told the most useful thing), changes the credentials' values in their
status lists (2 suspended, 1 revoked, 0 valid again), appends a history line and writes the audit
record in one transaction, and tells the holder through the messages module. A refusal is noted
on the audit log on its own (the change's transaction rolled back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from onegate.audit.constants import CredentialAction
from onegate.audit.services import audit_record
from onegate.credentials.constants import (
    MAX_REASON_LENGTH,
    STATUS_LIST_VALUE,
    CredentialStatus,
    EntitlementStatus,
    EventKind,
)
from onegate.credentials.models import Credential, Entitlement
from onegate.credentials.services._common import (
    HOLDER_LABEL,
    SUBJECT_TYPE,
    SYSTEM_LABEL,
    EntitlementRefused,
    _event_add,
    _is_signed_in,
    _reason_checked,
    _refused,
    _state_check,
    _today_bangkok,
    _version_check,
)
from onegate.credentials.services.issuance import credential_issue
from onegate.credentials.services.status_lists import _values_set
from onegate.identity.permissions import StaffPermission, staff_can

__all__ = [
    "entitlement_reinstate",
    "entitlement_report_lost",
    "entitlement_revoke",
    "entitlement_suspend",
    "entitlements_expire",
]

S = EntitlementStatus
LOST = "lost"  # Credential.status_reason of a copy reported lost: it stays suspended


@contextmanager
def _refusals_recorded(actor: Any, entitlement_id: Any, attempted: str) -> Iterator[None]:
    """A refused change leaves a trace on the audit log (committed on its own), then goes on."""
    try:
        yield
    except EntitlementRefused as refusal:
        if _is_signed_in(actor):
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action=CredentialAction.ACTION_REFUSED,
                    subject_type=SUBJECT_TYPE,
                    subject_id=str(entitlement_id)[:64] or "-",
                    purpose="Refuse a change to an entitlement",
                    payload={"attempted": attempted, "code": refusal.code},
                )
        raise


def _locked(entitlement_id: Any) -> Entitlement:
    found = (
        Entitlement.objects.select_for_update(of=("self",))
        .select_related("case", "case__user")
        .filter(pk=entitlement_id)
        .first()
    )
    if found is None:
        raise Http404("no such entitlement")
    return found


def _agency_label(entitlement: Entitlement) -> str:
    """Who acted, as the holder is told: the officer's agency, not the officer's name."""
    from onegate.catalogue.selectors import catalogue_current
    from onegate.core.languages import pick

    agency = catalogue_current().agency(entitlement.agency_slug)
    return pick(agency.name, "en") if agency is not None else entitlement.agency_slug


def _move(entitlement: Entitlement, *, to_status: str, reason: str) -> str:
    """Set the new status and bump the version; return the status it had."""
    from_status = entitlement.status
    entitlement.status, entitlement.status_reason = to_status, reason
    entitlement.status_changed_at = timezone.now()
    entitlement.lock_version += 1
    entitlement.save(update_fields=["status", "status_reason", "status_changed_at", "lock_version"])
    return from_status


def _credentials_set(
    entitlement: Entitlement, *, to: str, only: set[str], keep_lost: bool = False
) -> None:
    """Give the entitlement's credentials in ``only`` states the status ``to`` (row and list)."""
    changed = []
    for credential in Credential.objects.select_for_update().filter(entitlement=entitlement):
        if credential.status not in only or (keep_lost and credential.status_reason == LOST):
            continue
        credential.status = to
        if to == CredentialStatus.VALID:
            credential.status_reason = ""  # a copy reported lost keeps "lost" (never here)
        credential.save(update_fields=["status", "status_reason"])
        changed.append((credential, STATUS_LIST_VALUE[CredentialStatus(to)]))
    _values_set(changed)


# What each staff change does: states it may start from, where it goes, to the credentials.
_CHANGES: dict[str, dict[str, Any]] = {
    "suspend": {
        "from": {S.ACTIVE},
        "to": S.SUSPENDED,
        "kind": EventKind.SUSPENDED,
        "action": CredentialAction.SUSPENDED,
        "credentials": (CredentialStatus.SUSPENDED, {CredentialStatus.VALID}, False),
    },
    "reinstate": {
        "from": {S.SUSPENDED},
        "to": S.ACTIVE,
        "kind": EventKind.REINSTATED,
        "action": CredentialAction.REINSTATED,
        "credentials": (CredentialStatus.VALID, {CredentialStatus.SUSPENDED}, True),
    },
    "revoke": {
        "from": {S.ACTIVE, S.SUSPENDED},
        "to": S.REVOKED,
        "kind": EventKind.REVOKED,
        "action": CredentialAction.REVOKED,
        "credentials": (
            CredentialStatus.REVOKED,
            {CredentialStatus.VALID, CredentialStatus.SUSPENDED},
            False,
        ),
    },
}


def _staff_change(
    change: str, *, actor: Any, entitlement_id: Any, reason: str, lock_version: int
) -> Entitlement:
    spec = _CHANGES[change]
    with _refusals_recorded(actor, entitlement_id, change), transaction.atomic():
        entitlement = _locked(entitlement_id)
        permission = StaffPermission.MANAGE_ENTITLEMENT
        if not staff_can(actor, permission, agency_slug=entitlement.agency_slug):
            raise _refused("not_allowed")
        _state_check(entitlement, spec["from"])
        _version_check(entitlement, lock_version)
        reason = _reason_checked(reason, limit=MAX_REASON_LENGTH)
        from_status = _move(entitlement, to_status=spec["to"], reason=reason)
        to, only, keep_lost = spec["credentials"]
        _credentials_set(entitlement, to=to, only=only, keep_lost=keep_lost)
        event = _event_add(entitlement, kind=spec["kind"], actor=actor,
                          actor_label=_agency_label(entitlement), reason=reason,
                          from_status=from_status, to_status=spec["to"])  # fmt: skip
        audit_record(
            actor=actor,
            action=spec["action"],
            subject_type=SUBJECT_TYPE,
            subject_id=str(entitlement.pk),
            purpose=f"An officer chose to {change} an entitlement",
            payload={"from": from_status, "to": spec["to"], "reason": reason},
        )
        _tell(entitlement, change, reason=reason, key=f"{spec['kind']}:{event.pk}")
    return entitlement


def _tell(entitlement: Entitlement, change: str, *, reason: str = "", key: str = "") -> None:
    from onegate.credentials import notifications as n

    event = {"suspend": n.SUSPENDED, "reinstate": n.REINSTATED, "revoke": n.REVOKED,
             "lost": n.LOST_REISSUED}[change]  # fmt: skip
    n.entitlement_message(entitlement=entitlement, event=event, reason=reason, key=key)


def entitlement_suspend(
    *, actor: Any, entitlement_id: Any, reason: str, lock_version: int
) -> Entitlement:
    """Suspend an active entitlement (its credentials read "suspended" until reinstated)."""
    return _staff_change("suspend", actor=actor, entitlement_id=entitlement_id, reason=reason,
                         lock_version=lock_version)  # fmt: skip


def entitlement_reinstate(
    *, actor: Any, entitlement_id: Any, reason: str, lock_version: int
) -> Entitlement:
    """Make a suspended entitlement active again (a copy reported lost stays suspended)."""
    return _staff_change("reinstate", actor=actor, entitlement_id=entitlement_id, reason=reason,
                         lock_version=lock_version)  # fmt: skip


def entitlement_revoke(
    *, actor: Any, entitlement_id: Any, reason: str, lock_version: int
) -> Entitlement:
    """Revoke an active or suspended entitlement, for good."""
    return _staff_change("revoke", actor=actor, entitlement_id=entitlement_id, reason=reason,
                         lock_version=lock_version)  # fmt: skip


def entitlement_report_lost(*, user: Any, entitlement_id: Any, lock_version: int) -> Credential:
    """The holder (or someone acting for them) reports the digital copy lost: the copies that
    worked are suspended for good, a new one is issued; the entitlement stays active."""
    from onegate.credentials.selectors import entitlement_for_holder

    # Someone who neither holds it nor acts for its holder: a 404, audited (committed) first.
    entitlement_for_holder(user=user, entitlement_id=entitlement_id)
    with _refusals_recorded(user, entitlement_id, "report_lost"), transaction.atomic():
        entitlement = _locked(entitlement_id)
        _state_check(entitlement, {S.ACTIVE})
        _version_check(entitlement, lock_version)
        lost = Credential.objects.select_for_update().filter(
            entitlement=entitlement, status=CredentialStatus.VALID
        )
        changed = []
        for credential in lost:
            credential.status, credential.status_reason = CredentialStatus.SUSPENDED, LOST
            credential.save(update_fields=["status", "status_reason"])
            changed.append((credential, STATUS_LIST_VALUE[CredentialStatus.SUSPENDED]))
        _values_set(changed)
        entitlement.lock_version += 1
        entitlement.save(update_fields=["lock_version"])
        event = _event_add(entitlement, kind=EventKind.LOST_REPORTED, actor=user,
                          actor_label=HOLDER_LABEL)  # fmt: skip
        new = credential_issue(entitlement=entitlement, actor=user)
        audit_record(
            actor=user,
            action=CredentialAction.LOST_REPORTED,
            subject_type=SUBJECT_TYPE,
            subject_id=str(entitlement.pk),
            purpose="Replace a digital credential reported lost",
            payload={"suspended": [str(c.pk) for c, _v in changed], "new": str(new.pk)},
        )
        _tell(entitlement, "lost", key=f"lost:{event.pk}")
    return new


def entitlements_expire(*, today: dt.date | None = None) -> int:
    """Entitlements past their last day become expired (the daily job); how many did. Their
    credentials keep their status values: their own ``exp`` has passed too."""
    today = today or _today_bangkok()
    due = Entitlement.objects.filter(
        status__in=[S.ACTIVE, S.SUSPENDED], valid_until__lt=today
    ).values_list("pk", flat=True)
    expired = 0
    for entitlement_id in list(due):
        with transaction.atomic():
            entitlement = _locked(entitlement_id)
            if entitlement.status not in (S.ACTIVE, S.SUSPENDED):
                continue
            if entitlement.valid_until is None or entitlement.valid_until >= today:
                continue
            from_status = _move(entitlement, to_status=S.EXPIRED, reason="")
            _event_add(entitlement, kind=EventKind.EXPIRED, actor_label=SYSTEM_LABEL,
                      from_status=from_status, to_status=S.EXPIRED)  # fmt: skip
            audit_record(
                actor=None,
                action=CredentialAction.EXPIRED,
                subject_type=SUBJECT_TYPE,
                subject_id=str(entitlement.pk),
                purpose="An entitlement reached the end of its validity",
                payload={"valid_until": entitlement.valid_until.isoformat()},
            )
            expired += 1
    return expired
