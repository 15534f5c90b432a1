"""The cases module's background tasks: the automatic decision, and announcing a decision."""

from __future__ import annotations

from onegate.core.tasks import retrying_task


@retrying_task(max_attempts=8, queue_name="default")
def case_decide_automatically_task(case_id: str) -> None:
    """Evaluate a new case's rules (a case already decided or withdrawn is left as it is)."""
    from onegate.cases.services import case_decide_automatically

    case_decide_automatically(case_id=case_id)


@retrying_task(max_attempts=8, queue_name="default")
def case_decided_announce(case_id: str) -> None:
    """Send ``signals.case_decided`` for the case with its outcome (its receivers are
    idempotent: a failed one makes the whole announcement be tried again)."""
    from onegate.cases.models import Case
    from onegate.cases.signals import case_decided

    outcome = Case.objects.filter(pk=case_id).values_list("outcome", flat=True).first()
    if outcome:
        case_decided.send(sender=Case, case_id=case_id, outcome=outcome)


@retrying_task(max_attempts=8, queue_name="default")
def case_move_record_task(case_id: str) -> None:
    """Record an approved "Tell us you have moved" on the house register; idempotent."""
    from onegate.cases.services.moves import case_move_record

    case_move_record(case_id=case_id)
