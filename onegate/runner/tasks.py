"""The runner's background task: telling other modules that an application was sent."""

from __future__ import annotations

from onegate.core.tasks import retrying_task


@retrying_task(max_attempts=8, queue_name="default")
def application_submitted_announce(application_id: str) -> None:
    """Send ``signals.application_submitted`` for the application (its receivers are idempotent:
    a failed one makes the whole announcement be tried again)."""
    from onegate.runner.models import Application
    from onegate.runner.signals import application_submitted

    application_submitted.send(sender=Application, application_id=application_id)
