"""Consent: what a person agreed to share with a client, and the requests waiting for an answer.

A person is asked once per client; they are asked again only when the client asks for a scope
they have not agreed to, or when the client sends ``prompt=consent``.

While the consent page is shown, the checked authorization request waits in the person's
session under a random key, and the form posts back only that key and the answer. Nothing the
client asked for travels through the page, so a changed form field cannot change what is
granted: an unknown or expired key is refused ("tampered request").
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from onegate.identity.models.oidc import ClientConsent

SESSION_KEY = "identity.oidc.pending"
PENDING_SECONDS = 10 * 60
PENDING_MAX = 5  # a few tabs signing in to different services at once


def consent_covers(*, user: Any, application: Any, scopes: list[str]) -> bool:
    """Whether the person already agreed to share ``scopes`` with the client."""
    consent = ClientConsent.objects.filter(user_id=user.pk, application_id=application.pk).first()
    return consent is not None and consent.covers(scopes)


def pending_store(session: SessionBase, request_data: dict[str, Any]) -> str:
    """Keep a checked authorization request until the person answers; returns its key."""
    now = time.time()
    pending = {
        key: entry
        for key, entry in session.get(SESSION_KEY, {}).items()
        if now - entry["stored_at"] < PENDING_SECONDS
    }
    newest = sorted(pending.items(), key=lambda item: item[1]["stored_at"])[-(PENDING_MAX - 1) :]
    key = secrets.token_urlsafe(24)
    session[SESSION_KEY] = {**dict(newest), key: {"stored_at": now, "request": request_data}}
    return key


def pending_take(session: SessionBase, key: str) -> dict[str, Any] | None:
    """The request stored under ``key``, removed so an answer counts once; None if unknown."""
    pending = dict(session.get(SESSION_KEY, {}))
    entry = pending.pop(key, None) if isinstance(key, str) else None
    session[SESSION_KEY] = pending
    if entry is None or time.time() - entry["stored_at"] >= PENDING_SECONDS:
        return None
    request_data: dict[str, Any] = entry["request"]
    return request_data
