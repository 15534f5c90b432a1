"""The test plugin: a transactional test that wrote audit rows can still be flushed afterwards.

Without ``_audit_log_emptied_before_flush`` the SQLite flush at the end of this test would hit the
DELETE trigger and the test would error in teardown.
"""

from __future__ import annotations

import pytest

from onegate.audit.models import AuditEvent
from onegate.audit.services import audit_chain_pending


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_may_leave_audit_rows_behind(record_events):
    record_events(2)
    audit_chain_pending()
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_starts_with_an_empty_log():
    assert not AuditEvent.objects.exists()


def test_a_test_asking_for_transactional_db_by_name_is_flushable(transactional_db, record_events):
    record_events(1)
    assert AuditEvent.objects.count() == 1
