"""Notify's reads: a person's inbox, one of their messages, their unread count and preferences.

Every read takes the signed-in account and returns only that account's own messages: a message
about a child is the parent's own copy, written to the parent's inbox when it was sent.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
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
    """How many inbox messages the person has not opened (one indexed count)."""
    return Message.objects.filter(user=user, channel=Channel.INBOX, read_at__isnull=True).count()


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
