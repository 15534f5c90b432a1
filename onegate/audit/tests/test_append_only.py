"""The database itself refuses to change or delete audit rows, except to chain each row once.

These run on SQLite and, with DATABASE_URL=postgres://..., on PostgreSQL: each vendor has its own
triggers (migration 0002).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from onegate.audit.models import AuditEvent
from onegate.audit.services import audit_chain_pending
from onegate.audit.tests.factories import AuditEventFactory

pytestmark = pytest.mark.django_db

TRIGGERS = {
    "sqlite": {
        "audit_auditevent_refuse_delete",
        "audit_auditevent_refuse_rechain",
        "audit_auditevent_refuse_content_change",
    },
    "postgresql": {"audit_auditevent_append_only"},
}


@contextmanager
def refused(match: str) -> Iterator[None]:
    """Expect the database to refuse; the savepoint keeps PostgreSQL's transaction usable."""
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        yield


def installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger"
                " WHERE tgrelid = 'audit_auditevent'::regclass AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master"
                " WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'"
            )
        return {name for (name,) in cursor.fetchall()}


def test_the_triggers_survive_every_migration():
    # A later migration that rebuilds the table on SQLite would drop them silently.
    assert installed_triggers() == TRIGGERS[connection.vendor]


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
