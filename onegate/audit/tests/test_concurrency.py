"""Concurrency on PostgreSQL: writers never wait for each other, sequencers never collide.

Each thread has its own database connection (Django's are per thread) and closes it when done.
Nothing here asserts on elapsed time: threads hand over with ``threading.Event`` and generous
timeouts, so a slow machine makes the tests slower, never red.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import TypeVar

import pytest
from django.db import connection, transaction

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditChainHead, AuditEvent
from onegate.audit.selectors import audit_chain_verify
from onegate.audit.services import audit_chain_pending, audit_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

T = TypeVar("T")
HANDOVER_TIMEOUT = 30  # seconds; only reached when something is blocked
WRITERS, TRANSACTIONS_PER_WRITER, EVENTS_PER_TRANSACTION = 4, 25, 3


def in_own_connection(work: Callable[[], T]) -> Callable[[], T]:
    def run() -> T:
        try:
            return work()
        finally:
            connection.close()

    return run


def record(subject_id: str) -> None:
    audit_record(
        actor=None,
        action=CaseAction.CASE_VIEWED,
        subject_type="cases.case",
        subject_id=subject_id,
        purpose="concurrency test",
    )


def write_many(writer: int) -> None:
    for txn in range(TRANSACTIONS_PER_WRITER):
        with transaction.atomic():
            for index in range(EVENTS_PER_TRANSACTION):
                record(f"writer-{writer}-{txn}-{index}")


def chain_until(writers_done: threading.Event) -> int:
    chained = 0
    while not writers_done.is_set():
        chained += audit_chain_pending(batch_size=20)
    return chained + audit_chain_pending(batch_size=20)


def test_every_row_is_chained_once_while_writers_and_two_sequencers_run():
    # given four writers committing while two sequencers chain as fast as they can
    writers_done = threading.Event()
    with ThreadPoolExecutor(max_workers=WRITERS + 2) as pool:
        sequencers = [
            pool.submit(in_own_connection(partial(chain_until, writers_done))) for _ in range(2)
        ]
        writers = [pool.submit(in_own_connection(partial(write_many, w))) for w in range(WRITERS)]
        try:
            for writer in writers:
                writer.result(timeout=120)
        finally:
            writers_done.set()  # also when a writer failed, or the sequencers would spin forever
        chained_by_sequencers = sum(sequencer.result(timeout=120) for sequencer in sequencers)

    # then each row was chained by exactly one sequencer, in one unbroken chain
    total = WRITERS * TRANSACTIONS_PER_WRITER * EVENTS_PER_TRANSACTION
    chained_by_sequencers += audit_chain_pending()
    assert chained_by_sequencers == total
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    assert AuditChainHead.objects.get().sequence == total
    report = audit_chain_verify()
    assert report.ok
    assert report.verified == total


def test_an_open_transaction_does_not_hold_up_another_writer():
    a_recorded, b_committed = threading.Event(), threading.Event()

    def writer_a() -> bool:
        with transaction.atomic():
            record("a")
            a_recorded.set()
            # True only if B committed while this transaction was still open
            return b_committed.wait(HANDOVER_TIMEOUT)

    def writer_b() -> None:
        assert a_recorded.wait(HANDOVER_TIMEOUT)
        with transaction.atomic():
            record("b")
        b_committed.set()

    with ThreadPoolExecutor(max_workers=2) as pool:
        a: Future[bool] = pool.submit(in_own_connection(writer_a))
        b = pool.submit(in_own_connection(writer_b))
        b.result(timeout=HANDOVER_TIMEOUT * 2)
        assert a.result(timeout=HANDOVER_TIMEOUT * 2) is True

    assert set(AuditEvent.objects.values_list("subject_id", flat=True)) == {"a", "b"}


def test_the_sequencer_neither_waits_for_nor_skips_an_open_transaction():
    record("committed-first")
    a_recorded, sequencer_done = threading.Event(), threading.Event()

    def writer_a() -> bool:
        with transaction.atomic():
            record("still-open")
            a_recorded.set()
            return sequencer_done.wait(HANDOVER_TIMEOUT)

    def sequencer() -> int:
        assert a_recorded.wait(HANDOVER_TIMEOUT)
        chained = audit_chain_pending()
        sequencer_done.set()
        return chained

    with ThreadPoolExecutor(max_workers=2) as pool:
        a = pool.submit(in_own_connection(writer_a))
        chained_while_open = pool.submit(in_own_connection(sequencer)).result(timeout=60)
        assert a.result(timeout=60) is True  # the sequencer finished while A was still open

    assert chained_while_open == 1  # only the committed row; A's row was invisible
    assert audit_chain_pending() == 1  # A's row, once committed, is chained next
    assert AuditEvent.objects.get(subject_id="still-open").sequence == 2
    assert audit_chain_verify().ok
