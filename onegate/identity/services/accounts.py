"""Audit records of what happens to an account's way in: signing in and out (and why), failed
sign-ins, sign-in methods added or removed, passwords changed, email addresses changed, sessions
ended. allauth does the work; these record it (see ``identity.account_events``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.audit.services import audit_record

# Why these records exist, in the audit log's words.
PURPOSE = "account security"


def account_event_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: IdentityAction,
    account_id: object,
    payload: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record one event about the account ``account_id`` (``"unknown"`` when nobody has it)."""
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action=action,
            subject_type="account",
            subject_id=str(account_id),
            purpose=PURPOSE,
            payload=dict(payload or {}),
        )
