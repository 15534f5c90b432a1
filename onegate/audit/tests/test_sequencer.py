"""audit_chain_pending: a waiting row gets the next sequence and a hash linking it to the last."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from onegate.audit.chain import event_row_hash
from onegate.audit.constants import GENESIS_HASH
from onegate.audit.models import AuditChainHead, AuditEvent
from onegate.audit.services import audit_chain_pending
from onegate.audit.tests.factories import AuditEventFactory

pytestmark = pytest.mark.django_db


def test_nothing_waiting_chains_nothing():
    assert audit_chain_pending() == 0
    assert AuditChainHead.objects.get().sequence == 0


def test_rows_are_chained_in_creation_order_from_the_genesis_hash():
    now = timezone.now()
    later = AuditEventFactory.create(created_at=now)
    earlier = AuditEventFactory.create(created_at=now - datetime.timedelta(seconds=5))

    assert audit_chain_pending() == 2

    first, second = AuditEvent.objects.order_by("sequence")
    assert (first.id, first.sequence, second.id, second.sequence) == (earlier.id, 1, later.id, 2)
    assert first.previous_hash == GENESIS_HASH
    assert first.row_hash == event_row_hash(first, previous_hash=GENESIS_HASH)
    assert second.previous_hash == first.row_hash
    assert second.row_hash == event_row_hash(second, previous_hash=first.row_hash)
    assert first.chained_at is not None and second.chained_at is not None
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.row_hash) == (2, second.row_hash)


def test_many_rows_are_chained_in_batches_without_a_gap(record_events):
    record_events(7)

    assert audit_chain_pending(batch_size=3) == 7

    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == [1, 2, 3, 4, 5, 6, 7]


def test_a_run_may_stop_after_some_batches_and_the_next_one_continues(record_events):
    record_events(7)

    assert audit_chain_pending(batch_size=2, max_batches=2) == 4
    assert audit_chain_pending(batch_size=2) == 3

    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == [1, 2, 3, 4, 5, 6, 7]


def test_a_later_run_continues_the_chain_and_leaves_chained_rows_alone(record_events):
    record_events(2)
    audit_chain_pending()
    before = dict(AuditEvent.objects.values_list("id", "row_hash"))

    (late,) = record_events(1)
    assert audit_chain_pending() == 1
    assert audit_chain_pending() == 0

    late.refresh_from_db()
    assert late.sequence == 3
    assert late.previous_hash == AuditEvent.objects.get(sequence=2).row_hash
    assert dict(AuditEvent.objects.exclude(id=late.id).values_list("id", "row_hash")) == before
