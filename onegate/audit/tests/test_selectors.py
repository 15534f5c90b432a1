"""audit_chain_verify: a sound chain passes; each kind of tampering is caught at the exact row.

Tampering goes around the triggers (``append_only_guard_suspended``), as someone with the database
owner's rights could.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from onegate.audit.chain import event_row_hash
from onegate.audit.constants import BreakReason
from onegate.audit.models import AuditEvent
from onegate.audit.selectors import ChainBreak, audit_chain_verify
from onegate.audit.services import audit_chain_pending
from onegate.audit.tests.factories import AuditEventFactory
from onegate.audit.tests.plugin import append_only_guard_suspended

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(record_events) -> list[AuditEvent]:
    """Five chained events, in sequence order."""
    record_events(5)
    audit_chain_pending()
    return list(AuditEvent.objects.order_by("sequence"))


def test_an_empty_log_verifies():
    report = audit_chain_verify()
    assert report.ok
    assert (report.verified, report.first_break, report.backlog.waiting) == (0, None, 0)


def test_a_sound_chain_verifies_every_row(chain):
    report = audit_chain_verify()
    assert report.ok
    assert report.verified == 5


def test_changed_content_is_caught_at_that_row(chain):
    with append_only_guard_suspended():
        AuditEvent.objects.filter(id=chain[2].id).update(purpose="nothing to see")

    report = audit_chain_verify()

    assert not report.ok
    assert report.first_break == ChainBreak(3, chain[2].id, BreakReason.ROW_HASH_MISMATCH)
    assert report.verified == 2


def test_a_forged_row_with_a_recomputed_hash_is_caught_at_the_next_row(chain):
    forged = chain[1]
    forged.purpose = "nothing to see"
    forged_hash = event_row_hash(forged, previous_hash=forged.previous_hash or "")
    with append_only_guard_suspended():
        AuditEvent.objects.filter(id=forged.id).update(purpose=forged.purpose, row_hash=forged_hash)

    report = audit_chain_verify()

    assert report.first_break == ChainBreak(3, chain[2].id, BreakReason.PREVIOUS_HASH_MISMATCH)


def test_a_gap_in_the_sequence_is_caught(chain):
    with append_only_guard_suspended():
        AuditEvent.objects.filter(id=chain[3].id).update(sequence=40)

    report = audit_chain_verify()

    assert report.first_break == ChainBreak(5, chain[4].id, BreakReason.SEQUENCE_GAP)


def test_rows_swapped_out_of_order_are_caught(chain):
    with append_only_guard_suspended():
        AuditEvent.objects.filter(id=chain[1].id).update(sequence=-1)
        AuditEvent.objects.filter(id=chain[2].id).update(sequence=2)
        AuditEvent.objects.filter(id=chain[1].id).update(sequence=3)

    report = audit_chain_verify()

    assert report.first_break == ChainBreak(2, chain[2].id, BreakReason.PREVIOUS_HASH_MISMATCH)


def test_rows_removed_from_the_end_are_caught_by_the_chain_head(chain):
    with append_only_guard_suspended():
        AuditEvent.objects.filter(id__in=[chain[3].id, chain[4].id]).delete()

    report = audit_chain_verify()

    assert report.first_break == ChainBreak(5, None, BreakReason.HEAD_MISMATCH)
    assert report.verified == 3


@override_settings(AUDIT_UNCHAINED_ALERT_SECONDS=60)
def test_rows_waiting_past_the_threshold_fail_verification():
    now = timezone.now()
    AuditEventFactory.create(created_at=now - datetime.timedelta(seconds=59))
    AuditEventFactory.create(created_at=now - datetime.timedelta(seconds=61))
    AuditEventFactory.create(created_at=now - datetime.timedelta(seconds=300))

    report = audit_chain_verify(now=now)

    assert not report.ok
    assert report.first_break is None
    assert (report.backlog.waiting, report.backlog.overdue) == (3, 2)
    assert report.backlog.oldest_overdue_age == datetime.timedelta(seconds=300)


@override_settings(AUDIT_UNCHAINED_ALERT_SECONDS=60)
def test_rows_waiting_briefly_are_counted_but_pass(chain, record_events):
    record_events(2)

    report = audit_chain_verify()

    assert report.ok
    assert (report.verified, report.backlog.waiting, report.backlog.overdue) == (5, 2, 0)
    assert report.backlog.oldest_overdue_age is None
