"""Notify's reads: a person's inbox, one of their messages, their unread count and preferences.

Every read takes the signed-in account and returns only that account's own messages: a message
about a child is the parent's own copy, written to the parent's inbox when it was sent.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any, cast

from django.db import connections, router
from django.db.models import Field, QuerySet
from django.http import Http404

from onegate.notify.constants import Channel
from onegate.notify.models import ContactVerification, Message, Preference
from onegate.notify.recipients import preference_of

__all__ = [
    "inbox_of",
    "inbox_unread_count",
    "message_of",
    "preference_for",
    "verification_of",
]


def inbox_of(*, user: Any) -> QuerySet[Message]:
    """The person's inbox, newest first."""
    return Message.objects.filter(user=user, channel=Channel.INBOX).order_by("-created_at")


def inbox_unread_count(*, user: Any) -> int:
    """How many inbox messages the person has not opened (one indexed count).

    Every signed-in page's header asks, so the statement is written once per database and
    sent with the person's id as its parameter: building the same query through the ORM
    each time cost four times the round trip itself (about 0.5 ms of CPU a page). It counts
    exactly what ``Message.objects.filter(user=user, channel=INBOX, read_at__isnull=True)``
    would, through the index on (user, channel, read_at).
    """
    alias = router.db_for_read(Message)
    connection = connections[alias]
    user_id = _inbox_fields()["user"].get_db_prep_value(user.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(_unread_count_sql(alias), [user_id, Channel.INBOX.value])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


@cache
def _inbox_fields() -> dict[str, Field[Any, Any]]:
    return {field.name: field for field in Message._meta.concrete_fields}


@cache
def _unread_count_sql(alias: str) -> str:
    quote = connections[alias].ops.quote_name
    fields = _inbox_fields()
    table = quote(Message._meta.db_table)
    user, channel, read_at = (
        quote(cast(str, fields[name].column)) for name in ("user", "channel", "read_at")
    )
    return (
        f"SELECT COUNT(*) FROM {table} "  # noqa: S608 (names from the model, values as parameters)
        f"WHERE {user} = %s AND {channel} = %s AND {read_at} IS NULL"
    )


def message_of(*, user: Any, message_pk: uuid.UUID) -> Message:
    """One of the person's inbox messages; 404 for anyone else's (or none)."""
    found = inbox_of(user=user).filter(pk=message_pk).first()
    if found is None:
        raise Http404("no such message")
    return found


def preference_for(*, user: Any) -> Preference:
    """The person's message preferences (defaults if they never saved any)."""
    return preference_of(user)


def verification_of(*, user: Any, verification_id: uuid.UUID) -> ContactVerification:
    """A pending code check of the person's own; 404 otherwise."""
    found = ContactVerification.objects.filter(
        pk=verification_id, user=user, status="pending"
    ).first()
    if found is None:
        raise Http404("no such verification")
    return found
