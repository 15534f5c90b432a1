"""What the cases module does when other modules tell it something: a sent application opens
its cases (``runner.signals.application_submitted``, sent from the runner's retrying task, so
opening is idempotent)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from onegate.runner.signals import application_submitted


@receiver(application_submitted, dispatch_uid="cases.open_for_application")
def open_cases(sender: Any, *, application_id: str, **_kwargs: Any) -> None:
    from onegate.cases.services import cases_open_for_application

    cases_open_for_application(application_id=str(application_id))
