"""Audit test fixtures: a writer of many events; the append-only plugin for transactional tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditEvent
from onegate.audit.services import audit_record
from onegate.audit.tests.plugin import _audit_log_emptied_before_flush  # noqa: F401


@pytest.fixture
def record_events() -> Callable[[int], list[AuditEvent]]:
    """Write ``n`` system events about distinct cases, each in its own transaction."""

    def record(n: int) -> list[AuditEvent]:
        return [
            audit_record(
                actor=None,
                action=CaseAction.CASE_VIEWED,
                subject_type="cases.case",
                subject_id=f"case-{index}",
                purpose="test",
                payload={"index": index},
            )
            for index in range(n)
        ]

    return record
