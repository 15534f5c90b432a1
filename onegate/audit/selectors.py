"""Reads of the audit log: verifying the hash chain and measuring the queue of unchained rows.

``audit_chain_verify`` walks the chain in sequence order, recomputes every hash and stops at the
first row that does not fit; it also compares the end of the chain with ``AuditChainHead`` (so rows
removed from the end are noticed) and counts rows that have waited for the sequencer longer than
``settings.AUDIT_UNCHAINED_ALERT_SECONDS``. ``manage.py audit_verify`` prints its report.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from onegate.audit.chain import event_row_hash
from onegate.audit.constants import GENESIS_HASH, BreakReason
from onegate.audit.models import AuditChainHead, AuditEvent

__all__ = ["ChainBreak", "ChainReport", "UnchainedBacklog", "audit_chain_verify"]


@dataclass(frozen=True)
class ChainBreak:
    """The first place the chain does not hold; ``event_id`` is None when rows are missing."""

    sequence: int
    event_id: uuid.UUID | None
    reason: BreakReason


@dataclass(frozen=True)
class UnchainedBacklog:
    """Rows still waiting for the sequencer, and those waiting longer than the alert threshold."""

    waiting: int
    overdue: int
    oldest_overdue_age: datetime.timedelta | None
    alert_after: datetime.timedelta


@dataclass(frozen=True)
class ChainReport:
    """The outcome of one verification: how far the chain holds and what is still unchained."""

    verified: int
    first_break: ChainBreak | None
    backlog: UnchainedBacklog

    @property
    def ok(self) -> bool:
        return self.first_break is None and self.backlog.overdue == 0


def audit_chain_verify(*, now: datetime.datetime | None = None) -> ChainReport:
    """Recompute the whole chain and measure the unchained backlog as of ``now``."""
    # The head is read before the walk: it only moves forward, and it commits together with the
    # rows it points at, so every row up to it is visible to the walk that follows.
    head = AuditChainHead.objects.filter(id=AuditChainHead.SINGLETON_ID).first()
    verified, first_break, tail_hash = _chain_walk(head_sequence=head.sequence if head else 0)
    if first_break is None and head is not None and tail_hash != head.row_hash:
        first_break = ChainBreak(
            sequence=head.sequence, event_id=None, reason=BreakReason.HEAD_MISMATCH
        )
    return ChainReport(
        verified=verified,
        first_break=first_break,
        backlog=_unchained_backlog(now=now or timezone.now()),
    )


def _chain_walk(*, head_sequence: int) -> tuple[int, ChainBreak | None, str | None]:
    """Verify rows in order: (rows verified, first break, the row_hash at ``head_sequence``)."""
    expected_sequence, previous_hash, hash_at_head = 1, GENESIS_HASH, None
    chained = AuditEvent.objects.filter(sequence__isnull=False).order_by("sequence")
    for event in chained.iterator(chunk_size=2000):
        sequence = event.sequence or 0  # never None here: the query keeps chained rows only
        reason = _link_problem(
            event, expected_sequence=expected_sequence, previous_hash=previous_hash
        )
        if reason is not None:
            return expected_sequence - 1, ChainBreak(sequence, event.id, reason), None
        if sequence == head_sequence:
            hash_at_head = event.row_hash
        expected_sequence += 1
        previous_hash = event.row_hash or ""
    return expected_sequence - 1, None, hash_at_head if head_sequence else GENESIS_HASH


def _link_problem(
    event: AuditEvent, *, expected_sequence: int, previous_hash: str
) -> BreakReason | None:
    if event.sequence != expected_sequence:
        return BreakReason.SEQUENCE_GAP
    if event.previous_hash != previous_hash:
        return BreakReason.PREVIOUS_HASH_MISMATCH
    if event.row_hash != event_row_hash(event, previous_hash=previous_hash):
        return BreakReason.ROW_HASH_MISMATCH
    return None


def _unchained_backlog(*, now: datetime.datetime) -> UnchainedBacklog:
    alert_after = datetime.timedelta(seconds=settings.AUDIT_UNCHAINED_ALERT_SECONDS)
    unchained = AuditEvent.objects.filter(sequence__isnull=True).order_by()
    overdue = unchained.filter(created_at__lt=now - alert_after).aggregate(
        count=Count("id"), oldest=Min("created_at")
    )
    return UnchainedBacklog(
        waiting=unchained.count(),
        overdue=overdue["count"],
        oldest_overdue_age=now - overdue["oldest"] if overdue["oldest"] else None,
        alert_after=alert_after,
    )
