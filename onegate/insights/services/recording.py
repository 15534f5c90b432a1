"""Recording a performance event: one INSERT, with no personal data in it.

``event_record`` is on the path of every page of a journey, so it costs one statement. An event
that could be told twice (a retried task announcing a decision) carries a ``dedup`` key, a keyed
hash of what it is about (``event_dedup_key``); the INSERT then skips a key already recorded
(``ON CONFLICT DO NOTHING``, the same words on PostgreSQL and SQLite), so a duplicate neither
raises nor breaks the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

from onegate.insights.constants import EventKind
from onegate.insights.histogram import bucket_of
from onegate.insights.models import Event

__all__ = ["event_dedup_key", "event_record"]

# The salt's prefix: a dedup key made for insights is worth nothing elsewhere.
_DEDUP_SALT = "onegate.insights.event."


def event_dedup_key(purpose: str, object_id: Any) -> str:
    """A key that says "this event about this object" without naming the object: a keyed hash
    (``salted_hmac``, SHA-1: 40 hex characters) that cannot be reversed without the secret."""
    return salted_hmac(_DEDUP_SALT + purpose, str(object_id)).hexdigest()


def event_record(
    *,
    kind: str,
    service_slug: str,
    version: int,
    channel: str,
    page_id: str = "",
    outcome: str = "",
    decided_how: str = "",
    sla: str = "",
    rating: int = 0,
    seconds: float | None = None,
    occurred_at: dt.datetime | None = None,
    dedup: str | None = None,
) -> bool:
    """Record one event; False when ``dedup`` was recorded already (nothing is written then).

    ``seconds`` (how long sending or deciding took) is kept whole, never below zero (a clock
    step), with its histogram bucket. Raises only for a database error other than a duplicate.
    """
    if kind not in EventKind.values:
        raise ValueError(f"unknown event kind {kind!r}")
    whole = None if seconds is None else max(0, int(seconds))
    event = Event(
        occurred_at=occurred_at or timezone.now(),
        service_slug=service_slug,
        version=version,
        channel=channel,
        kind=kind,
        page_id=page_id[:63],
        outcome=outcome,
        decided_how=decided_how,
        sla=sla,
        rating=rating,
        seconds=whole,
        bucket=None if whole is None else bucket_of(whole),
        dedup=dedup,
    )
    return _insert(event, skip_duplicate=dedup is not None)


def _insert(event: Event, *, skip_duplicate: bool) -> bool:
    """One INSERT of ``event``, written as one prepared statement (the ORM's ``save`` costs a
    page a fifth of a millisecond more); with ``skip_duplicate`` one that skips a dedup key
    already there and says whether it wrote (the ORM's ``ignore_conflicts`` cannot say)."""
    fields = _fields()
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(_statement(connection.vendor, skip_duplicate=skip_duplicate), values)
        return cursor.rowcount == 1


@functools.cache
def _fields() -> list[Any]:
    return [f for f in Event._meta.concrete_fields if not f.primary_key]


@functools.cache
def _statement(vendor: str, *, skip_duplicate: bool) -> str:
    """The INSERT, built once per database vendor (the names are the model's, never input)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in _fields())
    marks = ", ".join(["%s"] * len(_fields()))
    sql = f"INSERT INTO {quote(Event._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    if skip_duplicate:
        sql += f" ON CONFLICT ({quote('dedup')}) DO NOTHING"
    return sql
