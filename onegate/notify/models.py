"""Notify's tables: the outbox of messages (also the inbox), their delivery history, preferences.

A ``Message`` is one message to one recipient on one channel. It is written in the transaction of
the event that caused it (``services.message_send``) and then moves through ``MessageStatus``;
every move appends a ``DeliveryAttempt`` row, so the history of a message is never rewritten.
Inbox messages are ``Message`` rows on the ``inbox`` channel, delivered when they commit.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.notify.constants import Channel, MessageStatus, VerificationStatus


class Message(models.Model):
    """One message to one recipient on one channel: an outbox row, and an inbox item."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.CharField(_("event"), max_length=100)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notify_messages",
    )
    # The email address or the E.164 phone number; empty for the inbox.
    address = models.CharField(_("address"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("message subject"), max_length=300)
    body = models.TextField(_("message text"))
    # The RFC 5322 Message-ID of an email, the idempotency key of a text message: the same on
    # every attempt, so the receiving side can drop a repeat.
    message_id = models.CharField(_("message ID"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Who holds a SENDING message, and until when; after that the sweep takes it back.
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    lease_until = models.DateTimeField(_("held until"), null=True, blank=True)
    give_up_at = models.DateTimeField(_("give up at"))
    # An error class or a server's reply code, never the server's words (they can quote people).
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    provider_reference = models.CharField(_("provider reference"), max_length=200, blank=True)
    about_person_id = models.CharField(_("about registry person"), max_length=64, blank=True)
    # Idempotency: (event, channel, recipient, reference) is written once when reference is set.
    recipient_key = models.CharField(max_length=300, editable=False)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "recipient_key", "reference"],
                condition=~Q(reference=""),
                name="notify_message_sent_once_per_reference",
            ),
            models.CheckConstraint(
                condition=Q(channel=Channel.INBOX, user__isnull=False)
                | (~Q(channel=Channel.INBOX) & ~Q(address="")),
                name="notify_message_has_a_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notify_msg_due"),
            models.Index(fields=["user", "channel", "read_at"], name="notify_msg_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.channel} {self.message_id}"


class DeliveryAttempt(models.Model):
    """One change of a message's status: append-only, the message's delivery history."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="history")
    attempt = models.PositiveIntegerField(_("attempt"))
    previous_status = models.CharField(
        _("previous status"), max_length=10, choices=MessageStatus.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices)
    error = models.CharField(_("error"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.previous_status or '-'} -> {self.status}"


class Preference(models.Model):
    """How a person wants to hear from government: language, channels, contact details."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preference"
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    email_enabled = models.BooleanField(_("email"), default=True)
    sms_enabled = models.BooleanField(_("text messages"), default=False)
    # A verified address other than the account's own; empty means the account's address.
    email = models.EmailField(_("email address for messages"), blank=True)
    phone = models.CharField(_("mobile phone number"), max_length=20, blank=True)  # E.164
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("message preference")
        verbose_name_plural = _("message preferences")

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class ContactVerification(models.Model):
    """A code sent to a new email address or phone number, waiting to be entered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_verifications"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    code_hash = models.CharField(max_length=128, editable=False)
    status = models.CharField(
        max_length=10, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    tries = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contact verification")
        verbose_name_plural = _("contact verifications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.channel} verification {self.id}"
