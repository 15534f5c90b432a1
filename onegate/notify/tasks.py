"""Background delivery: the task that drains the outbox, and how it is enqueued.

``message_send`` enqueues it in the caller's transaction (``delivery_enqueue``), unless a delivery
task is already waiting to start: every run takes all due messages, batch after batch, so one
waiting task serves every message committed before it starts. (A message committed just as the
last run finds nothing more to do is picked up by the next message's task, or by the sweep
within ``delivery.OVERDUE_SECONDS``.) The task is idempotent: it sends only what it can claim.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from onegate.core.tasks import enqueue_in_transaction, retrying_task

# A run drains the outbox for at most this long, then hands over to a fresh task so the worker's
# other tasks get their turn.
DRAIN_SECONDS = 10.0


@retrying_task(max_attempts=5, queue_name="default")
def message_deliver(*, message_ids: list[str]) -> None:
    """Send the given outbox messages, then every other due one, batch by batch."""
    from onegate.notify.delivery import messages_deliver

    deadline = time.monotonic() + DRAIN_SECONDS
    busy = sum(messages_deliver(message_ids=message_ids).counts.values())
    while busy and time.monotonic() < deadline:
        busy = sum(messages_deliver().counts.values())
    if busy:
        with transaction.atomic():
            delivery_enqueue([])


def delivery_waiting() -> bool:
    """Whether a delivery task is queued and due, not yet started (it will take new messages)."""
    due = Q(run_after__isnull=True) | Q(run_after__lte=timezone.now())
    return DBTaskResult.objects.filter(
        due, task_path=message_deliver.module_path, status=TaskResultStatus.READY
    ).exists()


def delivery_enqueue(message_ids: list[str]) -> None:
    """Make sure a delivery task will run after the current transaction commits."""
    if not delivery_waiting():
        enqueue_in_transaction(message_deliver, message_ids=message_ids)
