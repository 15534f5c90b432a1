"""The database itself refuses to change or delete audit rows, except to chain each row once.

These run on SQLite and, with DATABASE_URL=postgres://..., on PostgreSQL: each vendor has its own
triggers (migrations 0002 and 0003). The chain head may only move forward, and neither table can
be emptied, by DELETE or (PostgreSQL) TRUNCATE.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from onegate.audit.models import AuditChainHead, AuditEvent
from onegate.audit.services import audit_chain_pending
from onegate.audit.tests.factories import AuditEventFactory

pytestmark = pytest.mark.django_db

TRIGGERS = {
    "sqlite": {
        "audit_auditevent": {
            "audit_auditevent_refuse_delete",
            "audit_auditevent_refuse_rechain",
            "audit_auditevent_refuse_content_change",
        },
        "audit_auditchainhead": {
            "audit_auditchainhead_refuse_delete",
            "audit_auditchainhead_refuse_rewind",
        },
    },
    "postgresql": {
        "audit_auditevent": {
            "audit_auditevent_append_only",
            "audit_auditevent_refuse_truncate",
        },
        "audit_auditchainhead": {
            "audit_auditchainhead_forward_only",
            "audit_auditchainhead_refuse_truncate",
        },
    },
}


@contextmanager
def refused(match: str) -> Iterator[None]:
    """Expect the database to refuse; the savepoint keeps PostgreSQL's transaction usable."""
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        yield


def enabled_triggers(table: str) -> set[str]:
    """The triggers in force on ``table`` (on PostgreSQL, a disabled one does not count)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger"
                " WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [table],
            )
        return {name for (name,) in cursor.fetchall()}


@pytest.fixture
def chained_head() -> AuditChainHead:
    """A chain of two events, and its head."""
    AuditEventFactory.create_batch(2)
    audit_chain_pending()
    return AuditChainHead.objects.get()


@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditchainhead"])
def test_the_triggers_survive_every_migration(table):
    # A later migration that rebuilds the table on SQLite would drop them silently.
    assert enabled_triggers(table) == TRIGGERS[connection.vendor][table]


@pytest.mark.parametrize("chained", [False, True], ids=["unchained", "chained"])
def test_content_cannot_be_changed(chained):
    event = AuditEventFactory.create()
    if chained:
        audit_chain_pending()

    with refused("append-only"):
        AuditEvent.objects.filter(id=event.id).update(purpose="cover my tracks")
    with refused("append-only"):
        AuditEvent.objects.filter(id=event.id).update(payload={"forged": True})

    event.refresh_from_db()
    assert (event.purpose, event.payload) == ("test", {})


@pytest.mark.parametrize("chained", [False, True], ids=["unchained", "chained"])
def test_rows_cannot_be_deleted(chained):
    event = AuditEventFactory.create()
    if chained:
        audit_chain_pending()

    with refused("DELETE refused"):
        AuditEvent.objects.filter(id=event.id).delete()
    with refused("DELETE refused"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")

    assert AuditEvent.objects.filter(id=event.id).exists()


def test_the_chain_fields_are_set_once_and_never_again():
    event = AuditEventFactory.create()
    set_once = {"previous_hash": "0" * 64, "row_hash": "a" * 64, "chained_at": timezone.now()}
    AuditEvent.objects.filter(id=event.id).update(sequence=1, **set_once)

    with refused("chained row cannot change"):
        AuditEvent.objects.filter(id=event.id).update(sequence=2, row_hash="b" * 64)
    with refused("chained row cannot change"):
        AuditEvent.objects.filter(id=event.id).update(chained_at=timezone.now())

    event.refresh_from_db()
    assert (event.sequence, event.row_hash) == (1, "a" * 64)


def test_chaining_may_not_smuggle_in_a_content_change():
    event = AuditEventFactory.create()

    with refused("only the chain fields"):
        AuditEvent.objects.filter(id=event.id).update(
            sequence=1,
            previous_hash="0" * 64,
            row_hash="a" * 64,
            chained_at=timezone.now(),
            subject_id="someone-else",
        )

    event.refresh_from_db()
    assert event.sequence is None


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_auditevent",
        "TRUNCATE audit_auditchainhead",
        "TRUNCATE audit_auditevent, audit_auditchainhead RESTART IDENTITY CASCADE",
    ],
)
def test_truncate_is_refused_on_postgresql(chained_head, statement):
    with refused("append-only: TRUNCATE refused"), connection.cursor() as cursor:
        cursor.execute(statement)

    assert AuditEvent.objects.count() == 2
    assert AuditChainHead.objects.get().sequence == 2


@pytest.mark.postgres
def test_truncate_is_refused_even_on_an_empty_log():
    # A statement trigger: emptying an empty log is refused too, so a flush cannot slip through.
    with refused("audit_auditevent is append-only: TRUNCATE refused"), connection.cursor() as c:
        c.execute("TRUNCATE audit_auditevent")


def test_flush_is_refused(chained_head):
    # SQLite flushes with DELETE FROM, PostgreSQL with TRUNCATE: both are refused.
    with pytest.raises(CommandError, match="couldn't be flushed") as failure, transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)

    assert "append-only" in str(failure.value.__cause__)
    assert AuditEvent.objects.count() == 2


def test_the_chain_head_cannot_be_deleted(chained_head):
    with refused("audit_auditchainhead is append-only: DELETE refused"):
        AuditChainHead.objects.all().delete()
    with refused("DELETE refused"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchainhead")

    assert AuditChainHead.objects.get().sequence == 2


@pytest.mark.parametrize(
    "rewrite",
    [
        {"sequence": 1},
        {"sequence": 0, "row_hash": "0" * 64},
        {"row_hash": "f" * 64},
        {},
    ],
    ids=["wound-back", "reset-to-genesis", "rewritten-in-place", "saved-unchanged"],
)
def test_the_chain_head_may_not_move_back_or_stand_still(chained_head, rewrite):
    with refused("may only move forward"):
        AuditChainHead.objects.filter(id=chained_head.id).update(
            updated_at=timezone.now(), **rewrite
        )

    head = AuditChainHead.objects.get()
    assert (head.sequence, head.row_hash) == (2, chained_head.row_hash)


def test_the_sequencer_still_moves_the_head_forward(chained_head):
    AuditEventFactory.create()

    assert audit_chain_pending() == 1

    head = AuditChainHead.objects.get()
    assert head.sequence == 3
    assert head.row_hash == AuditEvent.objects.get(sequence=3).row_hash
