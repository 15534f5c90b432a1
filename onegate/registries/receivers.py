"""Event receivers: how a subscribed agency is told about a registry event (a plug-in registry).

A subscription names its receiver; ``receiver_get`` finds it. A receiver either returns (the
agency has the event) or raises (it has not; the delivery task retries). Delivery is at least
once, so every receiver must let the agency apply an event id exactly once:

* ``local``: an agency inbox inside this node. It records ``ReceivedEvent(receiver, event_id)``
  in the same transaction as the event's effect, so a second delivery of the same id is a no-op.
* ``webhook``: an HTTP POST of the event as JSON to the subscription's endpoint, with the event
  id in ``Idempotency-Key`` (quoted, as the IETF draft has it) and ``OneGate-Event-Id`` (bare),
  which the agency de-duplicates on; the body is byte-identical on every delivery; and an
  HMAC-SHA256 signature of the body in ``OneGate-Signature`` (``sha256=<hex>``), made with the
  subscription's secret so the agency can tell the body came from us unchanged.

Register a receiver with ``@register_receiver("name")``; tests swap receivers with
``receivers_override``. Another app of this node registers its own receivers in a module named
``event_receivers`` (``onegate.identity.event_receivers``): each installed app's is imported the
first time a receiver is asked for, so the registries never import the apps they serve.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import httpx
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils.module_loading import autodiscover_modules

from onegate.registries.models import AgencySubscription, ReceivedEvent, RegistryEvent

__all__ = [
    "EVENT_ID_HEADER",
    "IDEMPOTENCY_HEADER",
    "SIGNATURE_HEADER",
    "DeliveryError",
    "EventMessage",
    "LocalInbox",
    "Receiver",
    "Webhook",
    "failure_reason",
    "receiver_get",
    "receivers_override",
    "register_receiver",
    "webhook_signature",
    "webhook_signature_valid",
]

IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_ID_HEADER = "OneGate-Event-Id"
EVENT_TYPE_HEADER = "OneGate-Event-Type"
SIGNATURE_HEADER = "OneGate-Signature"
SIGNATURE_SCHEME = "sha256="


@dataclass(frozen=True)
class EventMessage:
    """A registry event as receivers get it: its stable id, type, time and payload."""

    id: str
    type: str
    occurred_at: dt.datetime
    data: dict[str, Any]

    @classmethod
    def of(cls, event: RegistryEvent) -> EventMessage:
        return cls(
            id=str(event.id),
            type=event.event_type,
            occurred_at=event.created_at,
            data=dict(event.payload),
        )

    def body(self) -> bytes:
        """The JSON body, byte for byte the same on every delivery (sorted keys, no spaces)."""
        document = {
            "id": self.id,
            "type": self.type,
            "occurred_at": self.occurred_at.isoformat(),
            "data": self.data,
        }
        return json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()


class DeliveryError(Exception):
    """The agency did not take the event. ``reason`` is safe to store: a class name or a status."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def failure_reason(exc: BaseException) -> str:
    """What a failed delivery records: never an exception message, which may quote the payload."""
    return exc.reason if isinstance(exc, DeliveryError) else type(exc).__name__


class Receiver(Protocol):
    def deliver(self, *, message: EventMessage, subscription: AgencySubscription) -> None:
        """Hand ``message`` to the subscribed agency; raise if it was not taken."""


R = TypeVar("R", bound=Receiver)

_receivers: dict[str, Receiver] = {}
_overrides: list[dict[str, Receiver]] = []
_discovered: list[bool] = []


def register_receiver(name: str) -> Callable[[type[R]], type[R]]:
    """Register a receiver class (made with no arguments) under ``name``."""

    def decorate(cls: type[R]) -> type[R]:
        if name in _receivers:
            raise ImproperlyConfigured(f"event receiver {name!r} is registered twice")
        _receivers[name] = cls()
        return cls

    return decorate


def receiver_get(name: str) -> Receiver:
    """The receiver registered as ``name``, or the one a test put in its place."""
    for override in reversed(_overrides):
        if name in override:
            return override[name]
    if not _discovered:
        autodiscover_modules("event_receivers")  # other apps' receivers register on import
        _discovered.append(True)
    try:
        return _receivers[name]
    except KeyError:
        raise ImproperlyConfigured(f"unknown event receiver {name!r}") from None


@contextmanager
def receivers_override(**receivers: Receiver) -> Iterator[None]:
    """Use the given receivers, by name, inside the block (tests)."""
    _overrides.append(receivers)
    try:
        yield
    finally:
        _overrides.remove(receivers)


# What an in-process agency does with an event it has not seen before.
EventEffect = Callable[[EventMessage, str], None]


@register_receiver("local")
class LocalInbox:
    """An agency inside this node: applies each event id once, with its effect, atomically."""

    def __init__(self, effect: EventEffect | None = None) -> None:
        self.effect = effect

    def deliver(self, *, message: EventMessage, subscription: AgencySubscription) -> None:
        agency = subscription.agency_slug
        with transaction.atomic():
            try:
                # A savepoint, so a duplicate leaves the outer transaction usable on PostgreSQL.
                with transaction.atomic():
                    ReceivedEvent.objects.create(receiver=agency, event_id=message.id)
            except IntegrityError:
                return  # applied before (perhaps by a concurrent delivery): nothing to do
            if self.effect is not None:
                # In the same transaction: if the effect fails, the event is not marked received.
                self.effect(message, agency)


def webhook_signature(body: bytes, secret: str) -> str:
    """The ``OneGate-Signature`` header value for ``body``: ``sha256=`` and the HMAC in hex."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return SIGNATURE_SCHEME + digest


def webhook_signature_valid(body: bytes, secret: str, header: str | None) -> bool:
    """For receiving agencies: whether ``header`` is our signature of ``body`` (constant time)."""
    return header is not None and hmac.compare_digest(webhook_signature(body, secret), header)


@register_receiver("webhook")
class Webhook:
    """An agency system reached over HTTPS: 2xx means it took the event; anything else raises."""

    timeout = httpx.Timeout(10.0, connect=5.0)

    def deliver(self, *, message: EventMessage, subscription: AgencySubscription) -> None:
        if not subscription.endpoint_url:
            raise DeliveryError("NoEndpoint")
        body = message.body()
        headers = {
            "Content-Type": "application/json",
            # A Structured Field String, so quoted (IETF draft-ietf-httpapi-idempotency-key-header).
            IDEMPOTENCY_HEADER: f'"{message.id}"',
            EVENT_ID_HEADER: message.id,
            EVENT_TYPE_HEADER: message.type,
            SIGNATURE_HEADER: webhook_signature(body, subscription.signing_secret),
        }
        try:
            # No redirects: the body and its signature go to the registered endpoint or nowhere.
            response = httpx.post(
                subscription.endpoint_url,
                content=body,
                headers=headers,
                timeout=self.timeout,
                follow_redirects=False,
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(type(exc).__name__) from exc
        if not response.is_success:
            raise DeliveryError(f"HTTP {response.status_code}")
