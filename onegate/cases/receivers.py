"""What the cases module does when other modules tell it something: a sent application opens
its cases (``runner.signals.application_submitted``, sent from the runner's retrying task, so
opening is idempotent); an approved move goes to the house register (``signals.case_decided``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from onegate.cases.signals import case_decided
from onegate.runner.signals import application_submitted


@receiver(application_submitted, dispatch_uid="cases.open_for_application")
def open_cases(sender: Any, *, application_id: str, **_kwargs: Any) -> None:
    from onegate.cases.services import cases_open_for_application

    cases_open_for_application(application_id=str(application_id))


@receiver(case_decided, dispatch_uid="cases.record_move_on_approval")
def record_move_on_approval(sender: Any, case_id: str, outcome: str, **_kwargs: Any) -> None:
    """Enqueue the move's recording. The announcing task (``tasks.case_decided_announce``) runs
    in autocommit, so the task row is written at once; a failure before it makes the whole
    announcement be tried again, and the recording task is idempotent (``services.moves``)."""
    if outcome != "approve":
        return
    from onegate.cases.models import Case
    from onegate.cases.services.moves import MOVE_SERVICE
    from onegate.cases.tasks import case_move_record_task
    from onegate.core.tasks import enqueue_in_transaction

    if Case.objects.filter(pk=case_id, service_slug=MOVE_SERVICE).exists():
        enqueue_in_transaction(case_move_record_task, str(case_id))
