"""Accounts as tests need them: a confirmed account with a password, an authenticator app whose
codes the test computes itself (RFC 6238, independently of allauth), signing in through the real
sign-in form, and a clean rate-limit cache for every test."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from onegate.identity.models import User

PASSWORD = "correct horse battery staple"


@pytest.fixture
def fresh_state() -> Any:
    """Each test starts clean: allauth keeps rate limits and used TOTP codes in the cache, and a
    Thai request earlier in the same thread leaves Thai active for ``reverse``."""
    cache.clear()
    translation.activate("en")
    yield
    cache.clear()
    translation.activate("en")


def make_account(
    email: str = "somchai@example.test",
    password: str = PASSWORD,
    *,
    verified: bool = True,
    **extra: Any,
) -> User:
    user = User.objects.create_user(email=email, password=password, **extra)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


def add_totp(user: User) -> str:
    """Turn on an authenticator app for ``user``; returns its secret (base32)."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str, at: float | None = None, *, digits: int = 6, period: int = 30) -> str:
    """RFC 6238 TOTP (HMAC-SHA1), written here so tests do not trust allauth's own maths."""
    counter = int((time.time() if at is None else at) // period)
    key = base64.b32decode(secret.replace(" ", "").upper())
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def next_period_code(secret: str) -> str:
    """A code from the next 30-second window, waiting for it: a code once used is refused."""
    time.sleep(30 - time.time() % 30 + 0.2)
    return totp_code(secret)


def recovery_codes_of(user: User) -> list[str]:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return list(authenticator.wrap().get_unused_codes())


def sign_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    """Sign in through the real form (so allauth records how the person signed in)."""
    return client.post(reverse("account_login"), {"login": email, "password": password})


def code_from_last_email() -> str:
    """The code in the last email sent (allauth's codes look like ABCD-EFGH)."""
    body = str(mail.outbox[-1].body)
    match = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", body)
    assert match, body
    return match.group(1)


def reauthenticate(client: Client, password: str = PASSWORD) -> Any:
    """Confirm it's you (allauth asks before every change to how the person signs in)."""
    return client.post(reverse("account_reauthenticate"), {"password": password})
