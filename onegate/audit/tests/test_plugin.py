"""The test plugin: a transactional test that wrote audit rows can still be flushed afterwards.

Without ``_audit_tables_flushable`` the flush at the end of these tests would be refused (SQLite's
DELETE by the row triggers, PostgreSQL's TRUNCATE by the statement triggers) and the test would
error in teardown. The tests run in file order: the last ones check what the flushes left behind.
"""

from __future__ import annotations

import pytest
from django.db import connection

from onegate.audit.models import AuditChainHead, AuditEvent
from onegate.audit.services import audit_chain_pending
from onegate.audit.tests.test_append_only import TRIGGERS, enabled_triggers


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_may_leave_audit_rows_and_a_chain_head_behind(record_events):
    record_events(2)
    audit_chain_pending()
    assert AuditEvent.objects.count() == 2
    assert AuditChainHead.objects.get().sequence == 2


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_starts_with_an_empty_log():
    assert not AuditEvent.objects.exists()
    assert not AuditChainHead.objects.exists()


def test_a_test_asking_for_transactional_db_by_name_is_flushable(transactional_db, record_events):
    record_events(1)
    audit_chain_pending()
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditchainhead"])
def test_every_guard_is_back_in_force_after_the_flushes(table):
    assert enabled_triggers(table) == TRIGGERS[connection.vendor][table]
