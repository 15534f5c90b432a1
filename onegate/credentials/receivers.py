"""Issue an entitlement when a case is approved (``cases.signals.case_decided``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from onegate.cases.signals import case_decided


@receiver(case_decided, dispatch_uid="credentials.issue_on_approval")
def issue_on_approval(sender: Any, case_id: str, outcome: str, **kwargs: Any) -> None:
    """Enqueue the issue in the announcing transaction (a transactional outbox: the task row
    commits with it, or not at all); the task is idempotent (one entitlement per case)."""
    if outcome != "approve":
        return
    from onegate.core.tasks import enqueue_in_transaction
    from onegate.credentials.tasks import entitlement_issue_task

    enqueue_in_transaction(entitlement_issue_task, case_id)
