"""The scheduled job chains waiting events (skipped until onegate.core.scheduling exists)."""

from __future__ import annotations

import importlib

import pytest

from onegate.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_periodic_job_chains_waiting_events(record_events):
    pytest.importorskip("onegate.core.scheduling", reason="the scheduler is not merged yet")
    jobs = importlib.import_module("onegate.audit.jobs")
    record_events(3)

    jobs.chain_audit_events()

    assert not AuditEvent.objects.filter(sequence__isnull=True).exists()
