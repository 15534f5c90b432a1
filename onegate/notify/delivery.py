"""The outbox worker's side: claim due messages, send them through their channel, record each.

At least once, never silently lost:

* A message is claimed (QUEUED -> SENDING with a lease and a claim token) in a short transaction
  before anything is sent, so two workers never send the same message at the same time.
* Each outcome is recorded the moment the channel reports it (SENT, a retry, or FAILED), before
  the next message goes out: a worker that dies leaves at most the message in flight unrecorded.
* A message left SENDING past its lease (its worker died) is put back in the queue by the sweep
  (``messages_sweep``, run by the scheduler) and sent again with the same Message-ID: the only
  way a person can get a repeat, and the receiver can drop it.
* A temporary failure waits ``retry_delay`` (doubling) and tries again until ``give_up_at``; then
  the message is DEAD, in the operators' dead-letter list, until someone retries it.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from onegate.audit.constants import NotifyAction
from onegate.audit.services import audit_record
from onegate.notify import config
from onegate.notify.channels import Outcome, Result, channel_registry
from onegate.notify.constants import Channel, MessageStatus
from onegate.notify.models import DeliveryAttempt, Message

logger = logging.getLogger(__name__)

# The error recorded when the sweep takes a message back from a worker that went away.
LEASE_EXPIRED = "lease_expired"
# Queued messages this long overdue found no task (one finished just as they committed, or the
# worker is down): the sweep makes sure a delivery task is on its way.
OVERDUE_SECONDS = 30


@dataclass
class DeliveryRound:
    """What one round of delivery did, by resulting status."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Messages to try again, grouped by attempt (same wait): (latest due time, their ids).
    retries: dict[int, tuple[datetime, list[str]]] = field(default_factory=dict)

    def retry_later(self, message: Message, at: datetime) -> None:
        latest, ids = self.retries.get(message.attempts, (at, []))
        self.retries[message.attempts] = (max(latest, at), [*ids, str(message.pk)])


def _due(now: datetime) -> Q:
    return Q(status=MessageStatus.QUEUED, next_attempt_at__lte=now) | Q(
        status=MessageStatus.SENDING, lease_until__lt=now
    )


def messages_claim(*, message_ids: Sequence[str] = (), limit: int | None = None) -> list[Message]:
    """Mark SENDING, for this worker, the given messages that are due, topped up with other due
    messages to a batch; returns them. Rows another worker holds are skipped, not waited for."""
    limit = limit or config.batch_size()
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        due = Message.objects.filter(_due(now)).exclude(channel=Channel.INBOX)
        ids = list(
            due.filter(pk__in=list(message_ids)[:limit])
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        if len(ids) < limit:
            ids += list(
                due.exclude(pk__in=ids)
                .order_by("next_attempt_at")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[: limit - len(ids)]
            )
        # The condition is repeated in the update: on SQLite (no row locks) a row another
        # worker claimed meanwhile is not taken twice.
        Message.objects.filter(_due(now), pk__in=ids).update(
            status=MessageStatus.SENDING,
            claim_token=token,
            lease_until=now + config.lease(),
            attempts=F("attempts") + 1,
        )
        claimed = list(
            Message.objects.filter(claim_token=token, status=MessageStatus.SENDING).order_by(
                "created_at"
            )
        )
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                message=message,
                attempt=message.attempts,
                previous_status=MessageStatus.QUEUED,
                status=MessageStatus.SENDING,
                at=now,
            )
            for message in claimed
        )
    return claimed


def messages_deliver(*, message_ids: Sequence[str] = ()) -> DeliveryRound:
    """Claim and send one batch; return what happened. Enqueues the retries it decides on."""
    from onegate.notify.tasks import message_deliver

    claimed = messages_claim(message_ids=message_ids)
    done = DeliveryRound()
    by_channel: dict[str, list[Message]] = defaultdict(list)
    for message in claimed:
        by_channel[message.channel].append(message)
    for channel, batch in by_channel.items():
        _send_batch(channel, batch, done)
    # In autocommit (the worker's mode) each commits at once, like the rows it retries; the
    # sweep re-enqueues any message whose task is lost all the same.
    for run_after, ids in done.retries.values():
        with transaction.atomic():
            message_deliver.using(run_after=run_after).enqueue(message_ids=ids)
    return done


def _send_batch(channel: str, batch: list[Message], done: DeliveryRound) -> None:
    pending = {message.pk: message for message in batch}
    try:
        for outcome in channel_registry.get(channel).send(batch):
            if pending.pop(outcome.message.pk, None) is not None:
                _record(outcome, done)
    except Exception as failed:  # a channel's own fault: what it did not report is retried
        logger.error("Channel %s failed mid-batch with %s", channel, type(failed).__name__)
        error = type(failed).__name__
    else:
        error = "no_outcome"
    for message in pending.values():
        _record(Outcome(message, Result.RETRY, error), done)


def _record(outcome: Outcome, done: DeliveryRound) -> None:
    message, now = outcome.message, timezone.now()
    if outcome.result == Result.ACCEPTED:
        status = MessageStatus.SENT
        changes = {"sent_at": now, "provider_reference": outcome.provider_reference}
    elif outcome.result == Result.REFUSED:
        status, changes = MessageStatus.FAILED, {}
    elif now >= message.give_up_at:
        status, changes = MessageStatus.DEAD, {}
    else:
        status = MessageStatus.QUEUED
        retry_at = min(now + config.retry_delay(message.attempts), message.give_up_at)
        changes = {"next_attempt_at": retry_at}
        done.retry_later(message, retry_at)
    with transaction.atomic():
        _status_change(message, status, error=outcome.error, now=now, **changes)
    done.counts[status] += 1


def _status_change(
    message: Message, status: str, *, error: str, now: datetime, **changes: object
) -> None:
    """Move a SENDING message this worker holds to ``status``, with history (and audit if bad).

    If the sweep took the message back meanwhile (this worker was too slow), the outcome is
    still recorded in the history, but the row is left to whoever holds it now.
    """
    updated = Message.objects.filter(
        pk=message.pk, claim_token=message.claim_token, status=MessageStatus.SENDING
    ).update(status=status, last_error=error, lease_until=None, updated_at=now, **changes)
    DeliveryAttempt.objects.create(
        message=message,
        attempt=message.attempts,
        previous_status=MessageStatus.SENDING if updated else "",
        status=status,
        error=error,
        at=now,
    )
    if updated and status in (MessageStatus.FAILED, MessageStatus.DEAD):
        action = NotifyAction.MESSAGE_DEAD if status == MessageStatus.DEAD else None
        audit_record(
            actor=None,
            action=action or NotifyAction.MESSAGE_FAILED,
            subject_type="notify.message",
            subject_id=message.pk,
            purpose="Record that a message could not be delivered",
            payload={"event": message.event, "channel": message.channel, "error": error},
        )


def messages_sweep(*, now: datetime | None = None) -> list[str]:
    """Put back in the queue the messages whose worker died (lease run out) and enqueue them,
    with the messages long overdue; return their ids."""
    from onegate.notify.tasks import delivery_enqueue

    now = now or timezone.now()
    with transaction.atomic():
        lost = list(
            Message.objects.filter(status=MessageStatus.SENDING, lease_until__lt=now)
            .select_for_update(skip_locked=True)
            .order_by("lease_until")[: config.batch_size() * 10]
        )
        for message in lost:
            _status_change(message, MessageStatus.QUEUED, error=LEASE_EXPIRED, now=now,
                           next_attempt_at=now)  # fmt: skip
        overdue = list(
            Message.objects.filter(
                status=MessageStatus.QUEUED,
                next_attempt_at__lt=now - timedelta(seconds=OVERDUE_SECONDS),
            ).values_list("pk", flat=True)[: config.batch_size() * 10]
        )
        ids = [str(message.pk) for message in lost] + [str(pk) for pk in overdue]
        if ids:
            delivery_enqueue(ids[: config.batch_size()])  # a run drains all that is due
    if lost:
        logger.warning("Took back %d messages whose worker went away", len(lost))
    return ids
