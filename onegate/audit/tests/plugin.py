"""Test support for the guarded audit tables: suspending their triggers, and a flush that works.

Transactional tests (``django_db(transaction=True)``, ``transactional_db``, ``live_server``) end
with Django's flush, and both audit tables refuse it (migrations 0002 and 0003):

* on SQLite the flush is ``DELETE FROM`` every table, which the row triggers refuse. The autouse
  fixture empties the audit tables with their triggers suspended, just before the flush;
* on PostgreSQL the flush is one ``TRUNCATE`` of every table, which the statement triggers refuse
  even when the tables are empty. The fixture disables the triggers just before the flush, and
  ``pytest_fixture_post_finalizer`` enables them again as soon as pytest-django has flushed.

The root conftest loads this module for every app:
``pytest_plugins = ["onegate.audit.tests.plugin"]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from pytest_django import DjangoDbBlocker

from onegate.audit.models import AuditChainHead, AuditEvent

TABLES = (AuditEvent._meta.db_table, AuditChainHead._meta.db_table)
# pytest-django's fixture whose teardown flushes a transactional test's database.
FLUSHING_FIXTURE = "_django_db_helper"
# Set on a test item while its PostgreSQL audit triggers are off for the flush.
GUARDS_OFF_FOR_FLUSH = pytest.StashKey[DjangoDbBlocker]()


@contextmanager
def append_only_guard_suspended(using: str = "default") -> Iterator[None]:
    """Turn the audit tables' triggers off for the block (tests that tamper, and the flush).

    Everything happens in one transaction, so the triggers are back even if the block fails.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            _set_postgresql_triggers(connection, enabled=False)
            yield
            _set_postgresql_triggers(connection, enabled=True)
            return
        with connection.cursor() as cursor:
            # SQLite cannot disable a trigger: keep each one's CREATE statement, drop, re-create.
            placeholders = ", ".join(["%s"] * len(TABLES))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master"  # noqa: S608 (placeholders only)
                f" WHERE type = 'trigger' AND tbl_name IN ({placeholders})",
                list(TABLES),
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            yield
            for _name, sql in triggers:
                cursor.execute(sql)


def _set_postgresql_triggers(connection: BaseDatabaseWrapper, *, enabled: bool) -> None:
    # USER: the triggers we created (row and TRUNCATE ones alike), not the foreign-key ones.
    action = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} {action} TRIGGER USER")


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
def _audit_tables_flushable(request: pytest.FixtureRequest) -> Iterator[None]:
    if not _is_transactional(request):
        yield
        return
    # Set the database up before this fixture, so that this teardown runs before its flush.
    request.getfixturevalue("transactional_db")
    blocker: DjangoDbBlocker = request.getfixturevalue("django_db_blocker")
    yield
    connection = connections["default"]
    if connection.vendor == "postgresql":
        # Committed at once (autocommit): the flush runs in its own transaction after this.
        _set_postgresql_triggers(connection, enabled=False)
        request.node.stash[GUARDS_OFF_FOR_FLUSH] = blocker
        return
    with append_only_guard_suspended(), connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed table names, no input)


def pytest_fixture_post_finalizer(fixturedef: pytest.FixtureDef[Any], request: Any) -> None:
    """Once pytest-django has flushed the database, turn the PostgreSQL audit triggers back on."""
    if fixturedef.argname != FLUSHING_FIXTURE:
        return
    blocker = request.node.stash.get(GUARDS_OFF_FOR_FLUSH, None)
    if blocker is None:
        return
    del request.node.stash[GUARDS_OFF_FOR_FLUSH]
    # The flush has ended pytest-django's permission to use the database; this needs it again.
    connection = connections["default"]
    with blocker.unblock():
        _set_postgresql_triggers(connection, enabled=True)
        # Leave the connection closed, as Django's teardown had: a connection left open here after
        # the last test (in another context than the one holding the test database's settings)
        # would stop the test database from being dropped.
        connection.close()
