"""Test support for the append-only audit table: suspending its triggers, and a flush that works.

Transactional tests (``django_db(transaction=True)``, ``live_server``) end with Django's flush,
which on SQLite is ``DELETE FROM`` every table, and the audit table refuses DELETE. The autouse
fixture here empties the audit table with its triggers suspended just before that flush. The audit
tests load it through their conftest; the root conftest should load it for every app with
``pytest_plugins = ["onegate.audit.tests.plugin"]``. (PostgreSQL flushes with TRUNCATE, which row
triggers do not see.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connections, transaction

from onegate.audit.models import AuditEvent

TABLE = AuditEvent._meta.db_table


@contextmanager
def append_only_guard_suspended(using: str = "default") -> Iterator[None]:
    """Turn the audit table's triggers off for the block (tests that tamper, and the flush)."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            yield
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
            return
        # SQLite cannot disable a trigger: keep each one's own CREATE statement, drop, re-create.
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [TABLE],
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        yield
        for _name, sql in triggers:
            cursor.execute(sql)


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    """The same test pytest-django applies to choose a flushed (transactional) database."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None:
        transaction_, reset_sequences = (*marker.args, False, False)[:2]
        if marker.kwargs.get("transaction", transaction_) or marker.kwargs.get(
            "reset_sequences", reset_sequences
        ):
            return True
    flushed_by = {"transactional_db", "live_server", "django_db_reset_sequences"}
    return not flushed_by.isdisjoint(request.fixturenames)


@pytest.fixture(autouse=True)
def _audit_log_emptied_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    if not _is_transactional(request) or connections["default"].vendor != "sqlite":
        yield
        return
    # Set the database up before this fixture, so that this teardown runs before its flush.
    request.getfixturevalue("transactional_db")
    yield
    with append_only_guard_suspended(), connections["default"].cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 (a fixed table name, no input)
