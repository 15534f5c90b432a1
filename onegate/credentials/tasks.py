"""The credentials module's background tasks."""

from __future__ import annotations

from onegate.core.tasks import retrying_task


@retrying_task(max_attempts=8, queue_name="default")
def entitlement_issue_task(case_id: str) -> None:
    """Issue the entitlement (and its credential) an approved case grants; idempotent."""
    from onegate.credentials.services import entitlement_issue_for_case

    entitlement_issue_for_case(case_id=case_id)
