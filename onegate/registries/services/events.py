"""Tell us once, the sending side: publish a registry event to its subscribers, and deliver it.

``event_publish`` is the transactional outbox: in the caller's transaction it writes the event,
one ``EventDelivery`` per active subscription, and one delivery task per delivery (a task row in
the same database), so the change, its event and its deliveries commit or vanish together.
``event_delivery_attempt`` is one try of one delivery, run by the task worker; failures are
retried by the task with backoff until the delivery's ``attempt_limit``, then it is FAILED and
an operator can ``event_delivery_retry`` it.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import RegistryAction
from onegate.audit.services import audit_record
from onegate.core.tasks import enqueue_in_transaction
from onegate.registries import tasks as registry_tasks
from onegate.registries.constants import AccessorKind, DeliveryStatus, EventType
from onegate.registries.models import (
    AccessRecord,
    AgencySubscription,
    EventDelivery,
    Person,
    RegistryEvent,
)
from onegate.registries.models.events import DELIVERY_ATTEMPTS
from onegate.registries.receivers import EventMessage, failure_reason, receiver_get

__all__ = [
    "agency_subscription_set",
    "event_delivery_attempt",
    "event_delivery_retry",
    "event_publish",
]

DELIVERY_PURPOSE = "tell us once: deliver a registry event to a subscribed agency"
SUBJECT_DELIVERY = "registries.EventDelivery"


def event_publish(
    *,
    person: Person,
    event_type: EventType,
    payload: dict[str, Any],
    actor: AbstractBaseUser | None,
    purpose: str,
    facts: Sequence[str] = ("person.address", "person.national_id"),
    agencies: Collection[str] | None = None,
) -> RegistryEvent:
    """Record an event about ``person`` and queue its delivery to every subscribed agency.

    Call it inside the transaction that makes the change: the deliveries are enqueued in it.
    ``facts`` are what the event tells each agency, for the person's access log. ``agencies``
    (slugs), when given, narrows the deliveries to those of them that are subscribed: the person
    chose to tell the others themselves. None tells every subscribed agency.
    """
    with transaction.atomic():
        event = RegistryEvent.objects.create(event_type=event_type, person=person, payload=payload)
        subscriptions = AgencySubscription.objects.filter(event_type=event_type, active=True)
        if agencies is not None:
            subscriptions = subscriptions.filter(agency_slug__in=list(agencies))
        deliveries = EventDelivery.objects.bulk_create(
            EventDelivery(event=event, subscription=subscription)
            for subscription in subscriptions.order_by("agency_slug")
        )
        audit_record(
            actor=actor,
            action=RegistryAction.EVENT_PUBLISHED,
            subject_type="registries.RegistryEvent",
            subject_id=event.id,
            purpose=purpose,
            payload={
                "event_type": str(event_type),
                "person_id": str(person.id),
                "agencies": [delivery.subscription.agency_slug for delivery in deliveries],
            },
        )
        _record_agency_access(
            person=person, event_type=event_type, deliveries=deliveries, facts=facts
        )
        for delivery in deliveries:
            enqueue_in_transaction(registry_tasks.event_deliver, delivery_id=str(delivery.id))
    return event


def _record_agency_access(
    *,
    person: Person,
    event_type: EventType,
    deliveries: list[EventDelivery],
    facts: Sequence[str],
) -> None:
    """Each agency told about the change receives the person's data: that is on their access log."""
    now = timezone.now()
    with translation.override("en"):  # the access log keeps one language, as staff reads do
        purpose = f"Tell us once: {event_type.label}"
    AccessRecord.objects.bulk_create(
        AccessRecord(
            person=person,
            created_at=now,
            accessor_kind=AccessorKind.AGENCY_SYSTEM,
            accessor_id=delivery.subscription.agency_slug,
            accessor_label=delivery.subscription.agency_slug,
            organisation=delivery.subscription.agency_slug,
            purpose=purpose,
            facts=list(facts),
            channel="tell-us-once",
        )
        for delivery in deliveries
    )


def event_delivery_attempt(*, delivery_id: str | uuid.UUID) -> DeliveryStatus:
    """Try once to hand a delivery's event to its agency; return the delivery's status after.

    A delivery that is no longer pending is left alone (a repeated task is a no-op). On failure
    the attempt is recorded and the exception re-raised, so the task retries; the attempt that
    reaches ``attempt_limit`` marks the delivery FAILED first.

    Not one transaction, on purpose: the attempt is counted and committed before the agency is
    called (a worker that dies mid-call has still used an attempt), and no row lock is held
    while waiting on another system.
    """
    started = _attempt_start(delivery_id)
    if started is None:
        return _status_of(delivery_id)
    delivery, message = started
    subscription = delivery.subscription
    try:
        receiver_get(subscription.receiver).deliver(message=message, subscription=subscription)
    except Exception as exc:
        _attempt_failed(delivery_id, reason=failure_reason(exc))
        raise
    _attempt_succeeded(delivery_id)
    return DeliveryStatus.DELIVERED


def _status_of(delivery_id: str | uuid.UUID) -> DeliveryStatus:
    status = EventDelivery.objects.values_list("status", flat=True).get(id=delivery_id)
    return DeliveryStatus(status)


def _locked(delivery_id: str | uuid.UUID) -> EventDelivery:
    # ``of=("self",)``: lock the delivery only, not the event and subscription joined to it.
    return (
        EventDelivery.objects.select_for_update(of=("self",))
        .select_related("event", "subscription")
        .get(id=delivery_id)
    )


def _attempt_start(delivery_id: str | uuid.UUID) -> tuple[EventDelivery, EventMessage] | None:
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery.status != DeliveryStatus.PENDING:
            return None
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        delivery.save(update_fields=["attempts", "last_attempt_at", "updated_at"])
    return delivery, EventMessage.of(delivery.event)


def _attempt_failed(delivery_id: str | uuid.UUID, *, reason: str) -> None:
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery.status != DeliveryStatus.PENDING:
            return  # finished meanwhile by another attempt; its outcome stands
        delivery.last_error = reason[:200]
        fields = ["last_error", "updated_at"]
        if delivery.attempts >= delivery.attempt_limit:
            delivery.status = DeliveryStatus.FAILED
            fields.append("status")
            _audit_outcome(delivery, action=RegistryAction.EVENT_DELIVERY_FAILED)
        delivery.save(update_fields=fields)


def _attempt_succeeded(delivery_id: str | uuid.UUID) -> None:
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery.status == DeliveryStatus.DELIVERED:
            return
        # Even a delivery given up meanwhile counts as delivered: the agency has the event.
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.save(update_fields=["status", "delivered_at", "updated_at"])
        _audit_outcome(delivery, action=RegistryAction.EVENT_DELIVERED)


def _audit_outcome(delivery: EventDelivery, *, action: RegistryAction) -> None:
    audit_record(
        actor=None,
        action=action,
        subject_type=SUBJECT_DELIVERY,
        subject_id=delivery.id,
        purpose=DELIVERY_PURPOSE,
        payload={
            "event_id": str(delivery.event_id),
            "agency": delivery.subscription.agency_slug,
            "attempts": delivery.attempts,
            "last_error": delivery.last_error,
        },
    )


def event_delivery_retry(*, delivery: EventDelivery, actor: AbstractBaseUser) -> EventDelivery:
    """Give a delivery that was not delivered a fresh round of attempts, starting now."""
    with transaction.atomic():
        locked = _locked(delivery.id)
        if locked.status != DeliveryStatus.FAILED:
            raise ValidationError(
                _("Only a delivery that was not delivered can be retried."), code="not_failed"
            )
        locked.status = DeliveryStatus.PENDING
        locked.attempt_limit = locked.attempts + DELIVERY_ATTEMPTS
        locked.save(update_fields=["status", "attempt_limit", "updated_at"])
        audit_record(
            actor=actor,
            action=RegistryAction.EVENT_DELIVERY_RETRIED,
            subject_type=SUBJECT_DELIVERY,
            subject_id=locked.id,
            purpose="operator retry of an event delivery",
            payload={
                "event_id": str(locked.event_id),
                "agency": locked.subscription.agency_slug,
                "attempts": locked.attempts,
                "last_error": locked.last_error,
            },
        )
        enqueue_in_transaction(registry_tasks.event_deliver, delivery_id=str(locked.id))
    return locked


def agency_subscription_set(
    *,
    agency_slug: str,
    event_type: EventType,
    receiver: str,
    endpoint_url: str = "",
    active: bool = True,
    actor: AbstractBaseUser | None,
    purpose: str,
) -> AgencySubscription:
    """Subscribe an agency to an event type (or change how it receives it); idempotent.

    The receiver must be registered; a webhook needs an endpoint. The signing secret is made
    once, when the subscription is, and kept when it changes.
    """
    _check_receiver(receiver=receiver, endpoint_url=endpoint_url)
    with transaction.atomic():
        subscription, created = AgencySubscription.objects.update_or_create(
            agency_slug=agency_slug,
            event_type=event_type,
            defaults={"receiver": receiver, "endpoint_url": endpoint_url, "active": active},
        )
        audit_record(
            actor=actor,
            action=RegistryAction.EVENT_SUBSCRIPTION_SET,
            subject_type="registries.AgencySubscription",
            subject_id=subscription.id,
            purpose=purpose,
            payload={
                "agency": agency_slug,
                "event_type": str(event_type),
                "receiver": receiver,
                "endpoint_url": endpoint_url,
                "active": active,
                "created": created,
            },
        )
    return subscription


def _check_receiver(*, receiver: str, endpoint_url: str) -> None:
    try:
        receiver_get(receiver)
    except ImproperlyConfigured:
        message = _("There is no event receiver called %(receiver)s.")
        raise ValidationError(
            {"receiver": ValidationError(message, "unknown", {"receiver": receiver})}
        ) from None
    if receiver == "webhook" and not endpoint_url:
        message = _("A webhook subscription needs the address of the agency's endpoint.")
        raise ValidationError({"endpoint_url": ValidationError(message, "required")})
