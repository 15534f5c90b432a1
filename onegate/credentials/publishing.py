"""What the issuer publishes, signed and cached: status list tokens and the trusted keys.

Not a state change of anyone's data (so not in ``services``, whose functions are audited):
signing a status list again is the publication of changes already made and audited. A status
list token is kept in three places, cheapest first: this process's memory (a few seconds, so a
flood of fetches costs one dictionary read each), the Django cache (shared by the processes,
keyed by the list's id) and the ``StatusList`` row (the token signed for ``token_version``). A
change to a list forgets the first two (``status_list_forget``), so the next fetch signs anew.

The copies are read only outside a transaction (a view, a worker): inside one, what the
transaction itself changed must be seen, so the row is read (tests run inside one too).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
import time
from typing import NamedTuple

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from onegate.credentials.models import IssuerKey, StatusList

__all__ = [
    "TOKEN_LIFETIME",
    "TOKEN_TTL",
    "published_keys",
    "publishing_forget",
    "status_list_cached",
    "status_list_forget",
    "status_list_token",
    "status_list_uri",
]

TOKEN_LIFETIME = dt.timedelta(hours=24)  # the token's ``exp``
TOKEN_TTL = 300  # seconds a verifier may keep it before fetching again (the token's ``ttl``)
REFRESH_BEFORE = 3600  # sign again when the stored token has less than this left
LOCAL_SECONDS = 5.0  # how long this process trusts its own copy without asking the cache
SHARED_SECONDS = 300  # how long the Django cache keeps a copy (a change forgets it sooner)
KEYS_SECONDS = 30.0
# How long a new key waits before it signs status lists: verifiers and caches may hold the issuer
# metadata for its max-age (300 s, views_public) and this process its keys for KEYS_SECONDS, so a
# list signed by a key they have not seen yet would read "invalid" for every credential.
KEY_PUBLISH_GRACE = dt.timedelta(seconds=300 + KEYS_SECONDS)
CACHE_PREFIX = "credentials:status-list:"


class _Copy(NamedTuple):
    version: int
    token: str
    etag: str
    exp: float  # the token's expiry (Unix time)


_local: dict[int, tuple[float, _Copy]] = {}
_keys: dict[str, tuple[float, dict[str, dict]]] = {}
_lock = threading.Lock()


def status_list_uri(list_id: int) -> str:
    from onegate.credentials.selectors import credential_issuer_url

    return f"{credential_issuer_url()}/credentials/status/{list_id}"


def _caching() -> bool:
    return not transaction.get_connection().in_atomic_block


def status_list_cached(list_id: int) -> tuple[str, str] | None:
    """The list's signed token and ETag from memory or the cache; None on a miss."""
    if not _caching():
        return None
    now = time.time()
    held = _local.get(list_id)
    if held is not None and held[0] > time.monotonic() and held[1].exp - now > REFRESH_BEFORE:
        return held[1].token, held[1].etag
    shared = cache.get(f"{CACHE_PREFIX}{list_id}")
    if shared is None:
        return None
    copy = _Copy(*shared)
    if copy.exp - now <= REFRESH_BEFORE:
        return None
    _local[list_id] = (time.monotonic() + LOCAL_SECONDS, copy)
    return copy.token, copy.etag


def status_list_token(*, list_id: int) -> tuple[str, str]:
    """The list's current signed token and its ETag, signed again when the list changed, the
    key rotated or the token nears expiry. ``StatusList.DoesNotExist`` for an unknown list."""
    found = status_list_cached(list_id)
    if found is not None:
        return found
    copy = _stored_or_signed(list_id)
    if _caching():
        key = f"{CACHE_PREFIX}{list_id}"
        cache.set(key, tuple(copy), SHARED_SECONDS)
        # A change that committed after our read must not be hidden behind our older copy for
        # SHARED_SECONDS: a change committing later forgets the copy itself (at commit), and one
        # that committed in between is seen here.
        latest = StatusList.objects.filter(pk=list_id).values_list("version", flat=True).first()
        if latest != copy.version:
            cache.delete(key)
        else:
            _local[list_id] = (time.monotonic() + LOCAL_SECONDS, copy)
    return copy.token, copy.etag


def _current(status_list: StatusList, now: dt.datetime) -> bool:
    expires = status_list.token_expires_at
    return bool(
        status_list.token
        and status_list.token_version == status_list.version
        and expires is not None
        and (expires - now).total_seconds() > REFRESH_BEFORE
        and _names_this_uri(status_list)
    )


def _names_this_uri(status_list: StatusList) -> bool:
    """Whether the stored token's ``sub`` is the list's address under today's issuer URL.

    After ``CREDENTIALS_ISSUER`` changes, a token signed under the old address would be refused
    by every verifier (its ``sub`` must be the URI they fetched), so it is signed again.
    """
    try:
        encoded = status_list.token.split(".")[1]
        payload = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        return bool(payload.get("sub") == status_list_uri(status_list.pk))
    except (IndexError, ValueError, AttributeError):  # unreadable: signed again, never served
        return False


def _copy_of(status_list: StatusList) -> _Copy:
    digest = hashlib.sha256(status_list.token.encode()).hexdigest()[:24]
    expires = status_list.token_expires_at or timezone.now()  # set whenever a token is
    return _Copy(
        version=status_list.version,
        token=status_list.token,
        etag=f'"{status_list.pk}-{status_list.version}-{digest}"',
        exp=expires.timestamp(),
    )


def _stored_or_signed(list_id: int) -> _Copy:
    now = timezone.now()
    stored = StatusList.objects.get(pk=list_id)
    if _current(stored, now):
        return _copy_of(stored)
    with transaction.atomic():
        locked = StatusList.objects.select_for_update().get(pk=list_id)
        if not _current(locked, now):  # nobody signed it while we waited for the lock
            _sign(locked, now)
        return _copy_of(locked)


def _sign(status_list: StatusList, now: dt.datetime) -> None:
    from onegate.credentials.services import issuer_key_active
    from onegate_verify.statuslist import status_list_token_sign

    key = issuer_key_active()
    if key.created_at > now - KEY_PUBLISH_GRACE:
        # Just rotated: keep signing lists with the key verifiers already hold (still published).
        previous = (
            IssuerKey.objects.filter(is_active=False, retired_at__isnull=False)
            .order_by("-retired_at")
            .first()
        )
        key = previous or key
    expires = now + TOKEN_LIFETIME
    status_list.token = status_list_token_sign(
        uri=status_list_uri(status_list.pk),
        bits=status_list.bits,
        data=bytes(status_list.data),
        private_jwk=key.private_jwk,
        kid=key.kid,
        iat=int(now.timestamp()),
        exp=int(expires.timestamp()),
        ttl=TOKEN_TTL,
    )
    status_list.token_version = status_list.version
    status_list.token_expires_at = expires
    status_list.save(update_fields=["token", "token_version", "token_expires_at"])


def status_list_forget(list_id: int) -> None:
    """Forget the cached copies of one list (it changed)."""
    _local.pop(list_id, None)
    cache.delete(f"{CACHE_PREFIX}{list_id}")


def publishing_forget() -> None:
    """Forget every cached token and the published keys (the signing key changed)."""
    with _lock:
        _keys.clear()
    ids = list(StatusList.objects.values_list("pk", flat=True))
    for list_id in ids:
        status_list_forget(list_id)


def published_keys(now: dt.datetime | None = None) -> dict[str, dict]:
    """The public keys verifiers should trust, by kid: the active key and every retired key not
    yet pruned (``issuer_keys_prune`` removes one only when nothing it signed is still valid),
    kept in memory for a few seconds."""
    caching = now is None and _caching()
    if caching:
        held = _keys.get("keys")
        if held is not None and held[0] > time.monotonic():
            return held[1]
    rows = IssuerKey.objects.order_by("-created_at")
    keys = {row.kid: dict(row.public_jwk) for row in rows}
    if caching and keys:
        with _lock:
            _keys["keys"] = (time.monotonic() + KEYS_SECONDS, keys)
    return keys
