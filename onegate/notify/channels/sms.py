"""Text messages: through an HTTP SMS gateway (contract in docs/notify.md).

Each message is one ``POST`` of JSON ``{"to", "body", "sender", "reference"}`` with the message's
idempotency key in the ``Idempotency-Key`` header, so a gateway that sees a repeat answers as it
did the first time and sends nothing. 2xx: accepted (the gateway's ``id`` is kept); 408, 425,
429 and 5xx, timeouts and connection errors: retried; any other 4xx: refused for good (an
invalid number, say). Phone numbers are checked with ``phonenumbers`` before anything is sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import httpx
import phonenumbers

from onegate.notify import config
from onegate.notify.channels import Outcome, Result, channel_registry
from onegate.notify.models import Message

RETRIED_STATUSES = {408, 425, 429}
TIMEOUT = httpx.Timeout(10.0, connect=3.0)

# Tests and the benchmark hand the channel an in-process transport (httpx.WSGITransport).
transport: httpx.BaseTransport | None = None


def phone_valid(number: str) -> bool:
    """Whether ``number`` (E.164) is a possible and valid phone number."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed)


def _classify(status: int) -> Result:
    if status < 300:
        return Result.ACCEPTED
    if status >= 500 or status in RETRIED_STATUSES:
        return Result.RETRY
    return Result.REFUSED


def _reference_of(response: httpx.Response) -> str:
    try:
        found = response.json().get("id", "")
    except ValueError:
        return ""
    return str(found)[:200]


@channel_registry.register("sms")
class SmsChannel:
    def send(self, messages: Sequence[Message]) -> Iterator[Outcome]:
        url, token, sender = config.sms_gateway()
        if not url:
            for message in messages:
                yield Outcome(message, Result.RETRY, "no_sms_gateway")
            return
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        with httpx.Client(timeout=TIMEOUT, headers=headers, transport=transport) as client:
            for message in messages:
                yield self._send_one(client, url, sender, message)

    def _send_one(self, client: httpx.Client, url: str, sender: str, message: Message) -> Outcome:
        if not phone_valid(message.address):
            return Outcome(message, Result.REFUSED, "invalid_phone_number")
        payload = {
            "to": message.address,
            "body": message.body,
            "sender": sender,
            "reference": str(message.pk),
        }
        try:
            response = client.post(
                url, json=payload, headers={"Idempotency-Key": message.message_id}
            )
        except httpx.HTTPError as failed:
            return Outcome(message, Result.RETRY, type(failed).__name__)
        result = _classify(response.status_code)
        if result == Result.ACCEPTED:
            return Outcome(message, result, "", _reference_of(response))
        return Outcome(message, result, f"http {response.status_code}")
