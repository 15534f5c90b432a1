"""Audit test fixtures: a writer of many events.

The plugin that lets transactional tests flush the guarded audit tables is loaded for every app by
the root conftest (``onegate.audit.tests.plugin``).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditEvent
from onegate.audit.services import audit_record


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
