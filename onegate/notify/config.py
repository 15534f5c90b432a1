"""Notify's settings, read when used (never at import), with their defaults.

``NOTIFY_LEASE_SECONDS``: how long a worker holds a message it is sending before the sweep takes
it back (a worker that died). ``NOTIFY_GIVE_UP_AFTER_SECONDS``: how long a message is retried
before it is dead-lettered. ``NOTIFY_FIRST_RETRY_SECONDS``: the first wait after a temporary
failure (then doubled, at most an hour). ``NOTIFY_BATCH_SIZE``: messages sent per connection.
``NOTIFY_MESSAGE_ID_DOMAIN``: the right-hand side of Message-IDs.
``NOTIFY_SMS_GATEWAY_URL`` / ``NOTIFY_SMS_GATEWAY_TOKEN`` / ``NOTIFY_SMS_SENDER``: the SMS gateway
(docs/notify.md). ``NOTIFY_SMS_SIMULATOR``: serve the local gateway simulator.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings

from onegate.notify import constants


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def lease() -> timedelta:
    return timedelta(seconds=_get("NOTIFY_LEASE_SECONDS", constants.LEASE_SECONDS_DEFAULT))


def give_up_after() -> timedelta:
    seconds = _get("NOTIFY_GIVE_UP_AFTER_SECONDS", constants.GIVE_UP_AFTER_SECONDS_DEFAULT)
    return timedelta(seconds=seconds)


def first_retry() -> timedelta:
    seconds = _get("NOTIFY_FIRST_RETRY_SECONDS", constants.FIRST_RETRY_SECONDS_DEFAULT)
    return timedelta(seconds=seconds)


def batch_size() -> int:
    return int(_get("NOTIFY_BATCH_SIZE", constants.BATCH_SIZE_DEFAULT))


def message_id_domain() -> str:
    return str(_get("NOTIFY_MESSAGE_ID_DOMAIN", "onegate.invalid"))


def sms_gateway() -> tuple[str, str, str]:
    """(URL, bearer token, sender name) of the SMS gateway; an empty URL means none."""
    return (
        str(_get("NOTIFY_SMS_GATEWAY_URL", "")),
        str(_get("NOTIFY_SMS_GATEWAY_TOKEN", "")),
        str(_get("NOTIFY_SMS_SENDER", "OneGate")),
    )


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt number ``attempt``: first_retry, doubled each time, <= 1h."""
    delay = first_retry() * 2 ** max(attempt - 1, 0)
    return min(delay, timedelta(seconds=constants.MAX_RETRY_DELAY_SECONDS))
