"""Tell us once: registry events, the agencies subscribed to them, and delivery to each (outbox).

A change (e.g. of address) writes one ``RegistryEvent`` and one ``EventDelivery`` per subscribed
agency in the same transaction as the change itself; the task worker then delivers each at least
once, and the receiving side (``ReceivedEvent``) applies each event id exactly once.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from onegate.core.models import TimestampedModel, UUIDModel
from onegate.registries.constants import DeliveryStatus, EventType

# Attempts a delivery gets (by the task worker, and again after each operator's "retry now").
DELIVERY_ATTEMPTS = 8


def signing_secret_new() -> str:
    """A fresh per-subscription secret for signing webhook bodies (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


class AgencySubscription(TimestampedModel):
    """An agency's standing request to be told about one type of registry event."""

    agency_slug = models.SlugField(_("agency"), max_length=80)
    event_type = models.CharField(_("event"), max_length=40, choices=EventType.choices)
    receiver = models.CharField(
        _("receiver"),
        max_length=40,
        help_text=_("How the agency receives events: a registered receiver name."),
    )
    endpoint_url = models.URLField(_("endpoint"), blank=True)
    # Shared with the agency out of band; it checks the HMAC-SHA256 signature of each webhook body
    # with it. Never shown in the admin or written to logs.
    signing_secret = models.CharField(
        _("signing secret"), max_length=64, default=signing_secret_new, editable=False
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency subscription")
        verbose_name_plural = _("agency subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["agency_slug", "event_type"], name="reg_subscription_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_slug}: {self.event_type}"


class RegistryEvent(UUIDModel):
    """Something that changed in a registry; receivers de-duplicate on its id."""

    event_type = models.CharField(_("event"), max_length=40, choices=EventType.choices)
    person = models.ForeignKey("registries.Person", on_delete=models.CASCADE, related_name="events")
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("registry event")
        verbose_name_plural = _("registry events")
        indexes = [models.Index(fields=["person", "-created_at"], name="reg_event_newest")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.id}"


class EventDelivery(TimestampedModel):
    """Delivery of one event to one subscribed agency, retried until delivered or given up."""

    event = models.ForeignKey(RegistryEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        AgencySubscription, on_delete=models.PROTECT, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Delivery is given up (FAILED) once ``attempts`` reaches this; an operator's retry raises it.
    attempt_limit = models.PositiveIntegerField(_("attempt limit"), default=DELIVERY_ATTEMPTS)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # The exception class or HTTP status of the last failure: never a message with personal data.
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"], name="reg_delivery_unique"),
        ]
        # The operators' list of deliveries that need them.
        indexes = [models.Index(fields=["status", "-created_at"], name="reg_delivery_status")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id}: {self.status}"


class ReceivedEvent(models.Model):
    """The receiving side's record of an applied event: the same id again is a no-op."""

    receiver = models.CharField(_("receiver"), max_length=80)
    event_id = models.UUIDField(_("event id"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("received event")
        verbose_name_plural = _("received events")
        constraints = [
            models.UniqueConstraint(fields=["receiver", "event_id"], name="reg_received_once"),
        ]

    def __str__(self) -> str:
        return f"{self.receiver} {self.event_id}"
