"""Test helpers: run the outbox worker's delivery in the test, as ``db_worker`` would."""

from __future__ import annotations

from onegate.notify.delivery import messages_deliver
from onegate.notify.models import Message


def deliver_outbox(*, rounds: int = 20) -> int:
    """Send everything due now through the configured channels; return how many were tried."""
    tried = 0
    for _ in range(rounds):
        done = messages_deliver()
        count = sum(done.counts.values())
        if not count:
            break
        tried += count
    return tried


def inbox_of(user) -> list[Message]:
    return list(Message.objects.filter(user=user, channel="inbox").order_by("created_at"))


def run_worker() -> None:
    """Run every task due now, as ``manage.py db_worker --batch`` would, then return."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="notify-test-worker",
        excluded_queue_names=[],
    ).run()
