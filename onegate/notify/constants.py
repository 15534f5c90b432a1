"""Notify's vocabulary: channels, message states and their groups, and delivery defaults."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a message reaches a person."""

    EMAIL = "email", _("Email")  # over SMTP, with a stable Message-ID header
    SMS = "sms", _("Text message")  # through the SMS gateway, with an idempotency key
    INBOX = "inbox", _("OneGate inbox")  # the messages page of the person's account


class MessageStatus(models.TextChoices):
    """Where a message is on its way to the person."""

    QUEUED = "queued", _("Waiting to be sent")  # in the outbox; due at next_attempt_at
    SENDING = "sending", _("Being sent")  # a worker holds it until lease_until
    SENT = "sent", _("Handed over for delivery")  # the mail server or SMS gateway accepted it
    DELIVERED = "delivered", _("Delivered to the person")  # confirmed delivered (inbox: at once)
    FAILED = "failed", _("Could not be delivered")  # refused for good (5xx, an invalid number)
    BOUNCED = "bounced", _("Bounced back")  # accepted, then returned by the receiving side
    DEAD = "dead", _("Not sent: needs an operator")  # gave up after retrying for a day


# A worker may pick these up (QUEUED when due; SENDING only once its lease has run out).
CLAIMABLE_STATES = (MessageStatus.QUEUED, MessageStatus.SENDING)
# Nothing more happens to these unless an operator retries them.
FINAL_STATES = (
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.FAILED,
    MessageStatus.BOUNCED,
    MessageStatus.DEAD,
)
# An operator may send these again.
RETRYABLE_BY_OPERATOR = (MessageStatus.DEAD, MessageStatus.FAILED, MessageStatus.BOUNCED)


class VerificationStatus(models.TextChoices):
    """A contact detail added on the preferences page, proved by a code sent to it."""

    PENDING = "pending", _("Waiting for the code")  # code sent, not yet entered
    VERIFIED = "verified", _("Confirmed")  # the right code was entered in time


# Defaults of the NOTIFY_* settings (config/settings/base.py documents them).
LEASE_SECONDS_DEFAULT = 60
GIVE_UP_AFTER_SECONDS_DEFAULT = 24 * 60 * 60
FIRST_RETRY_SECONDS_DEFAULT = 30
MAX_RETRY_DELAY_SECONDS = 60 * 60
BATCH_SIZE_DEFAULT = 100

# Verification codes for a new email address or phone number.
CODE_DIGITS = 6
CODE_VALID_MINUTES = 15
CODE_MAX_TRIES = 5
CODES_PER_HOUR = 5
