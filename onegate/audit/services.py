"""Writes to the audit log: recording an event, and chaining recorded events in sequence.

``audit_record`` only inserts a row, in the caller's transaction, and takes no shared lock, so
audited transactions never wait on each other. ``audit_chain_pending`` (run every second by
``jobs.chain_audit_events``) later gives committed rows their place in the hash chain, one
sequencer at a time: it locks the single ``AuditChainHead`` row (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite the IMMEDIATE write transaction is already exclusive). This is the queue-then-
sequence design of certificate-transparency logs.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from onegate.audit.chain import event_row_hash
from onegate.audit.constants import CHAIN_BATCH_SIZE, KNOWN_ACTIONS, ActorType, AuditAction
from onegate.audit.models import CHAIN_FIELDS, AuditChainHead, AuditEvent

__all__ = ["InvalidAuditRecord", "audit_chain_pending", "audit_event_build", "audit_record"]


class InvalidAuditRecord(ValueError):
    """An audit record that must not be written: unknown action, missing purpose, bad payload."""


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    subject_type: str,
    subject_id: str | uuid.UUID | int,
    purpose: str,
    payload: Mapping[str, Any] | None = None,
    on_behalf_of: AbstractBaseUser | None = None,
) -> AuditEvent:
    """Append one event to the audit log inside the caller's transaction (``None`` actor: system).

    If the caller's transaction rolls back, so does the event. The row is chained later.
    """
    event = audit_event_build(
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        purpose=purpose,
        payload=payload,
        on_behalf_of=on_behalf_of,
    )
    with transaction.atomic(savepoint=False):
        event.save(force_insert=True)
    return event


def audit_event_build(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    subject_type: str,
    subject_id: str | uuid.UUID | int,
    purpose: str,
    payload: Mapping[str, Any] | None = None,
    on_behalf_of: AbstractBaseUser | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """The event ``audit_record`` appends, checked and built but not saved: for a hot path that
    inserts it together with other rows in one statement, in the same transaction as they."""
    if str(action) not in KNOWN_ACTIONS:
        raise InvalidAuditRecord(f"unknown audit action {action!r}; add it to audit/constants.py")
    if not (subject_type and str(subject_id) and purpose.strip()):
        raise InvalidAuditRecord("an audit record needs a subject type, a subject id and a purpose")
    actor_type, actor_id = _actor_reference(actor)
    return AuditEvent(
        created_at=at or timezone.now(),
        actor_type=actor_type,
        actor_id=actor_id,
        on_behalf_of_id="" if on_behalf_of is None else _user_key(on_behalf_of),
        action=str(action),
        subject_type=subject_type,
        subject_id=str(subject_id),
        purpose=purpose,
        payload=_json_payload(payload or {}),
    )


def _actor_reference(actor: AbstractBaseUser | AnonymousUser | None) -> tuple[ActorType, str]:
    if actor is None:
        return ActorType.SYSTEM, ""
    if isinstance(actor, AnonymousUser):
        return ActorType.ANONYMOUS, ""
    return ActorType.USER, _user_key(actor)


def _user_key(user: AbstractBaseUser) -> str:
    # UUID keys exist before saving, so "not saved yet" is Django's adding flag, not a missing key.
    if user.pk is None or user._state.adding:
        raise InvalidAuditRecord("an audited user must be saved first")
    return str(user.pk)


def _json_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload as the database will give it back (string keys, lists), or a refusal."""
    try:
        normalised = json.loads(json.dumps(payload, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise InvalidAuditRecord(f"audit payload is not plain JSON: {exc}") from exc
    if not isinstance(normalised, dict):
        raise InvalidAuditRecord("audit payload must be a JSON object")
    return normalised


def audit_chain_pending(
    *, batch_size: int = CHAIN_BATCH_SIZE, max_batches: int | None = None
) -> int:
    """Chain committed, unchained events, ``batch_size`` per transaction; return how many.

    Runs until none are left, or after ``max_batches`` transactions (the rest wait for next time).
    """
    total, batches = 0, 0
    while max_batches is None or batches < max_batches:
        chained = _chain_batch(batch_size=batch_size)
        total, batches = total + chained, batches + 1
        if chained < batch_size:
            break
    return total


def _chain_batch(*, batch_size: int) -> int:
    with transaction.atomic():
        head = _chain_head_locked()
        events = list(
            AuditEvent.objects.filter(sequence__isnull=True).order_by("created_at", "id")[
                :batch_size
            ]
        )
        if not events:
            return 0
        chained_at = timezone.now()
        for event in events:
            event.sequence = head.sequence + 1
            event.previous_hash = head.row_hash
            event.row_hash = event_row_hash(event, previous_hash=head.row_hash)
            event.chained_at = chained_at
            head.sequence, head.row_hash = event.sequence, event.row_hash
        _save_links(events)
        head.save(update_fields=["sequence", "row_hash", "updated_at"])
        return len(events)


def _save_links(events: list[AuditEvent]) -> None:
    """Write the chain fields of ``events`` in one ``executemany``.

    Not ``bulk_update``: building its CASE expressions made chaining several times slower.
    """
    by_name = {field.name: field for field in AuditEvent._meta.concrete_fields}
    fields = [by_name[name] for name in (*CHAIN_FIELDS, "id")]
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in CHAIN_FIELDS)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608 (model names only)
    rows = [
        [field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields]
        for event in events
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _chain_head_locked() -> AuditChainHead:
    """The chain head, locked until the transaction ends; created on first use."""
    heads = AuditChainHead.objects.select_for_update()
    head = heads.filter(id=AuditChainHead.SINGLETON_ID).first()
    if head is None:
        # Two first sequencers may race here; the loser's insert is ignored and it uses the row.
        AuditChainHead.objects.bulk_create([AuditChainHead()], ignore_conflicts=True)
        head = heads.get(id=AuditChainHead.SINGLETON_ID)
    return head
