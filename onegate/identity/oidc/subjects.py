"""Pairwise subject identifiers (OpenID Connect Core §8.1): one per person per sector.

``sub`` = base64url(HMAC-SHA256(secret, sector identifier ‖ 0x00 ‖ account id)). Systems in the
same sector (usually one agency's) see the same ``sub`` for a person; systems in different
sectors see unrelated values and cannot join their users without asking the registry, which
logs the question. The secret is ``OIDC_PAIRWISE_SECRET``; without it, a key derived from
``SECRET_KEY`` (so rotating ``SECRET_KEY`` would change every ``sub``: production sets its own).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

from django.conf import settings
from django.utils.crypto import salted_hmac


def pairwise_subject(*, sector_identifier: str, account_id: uuid.UUID | str) -> str:
    """The ``sub`` a client in ``sector_identifier`` sees for the account."""
    message = f"{sector_identifier.strip().lower()}\x00{account_id}".encode()
    digest = hmac.new(_secret(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _secret() -> bytes:
    configured = getattr(settings, "OIDC_PAIRWISE_SECRET", "")
    if configured:
        return configured.encode("utf-8")
    return salted_hmac("onegate.identity.oidc.pairwise", "sub", algorithm="sha256").digest()
