"""The hasher for OpenID Connect client secrets (django-oauth-toolkit's ``CLIENT_SECRET_HASHER``).

Passwords are chosen by people, so they get Argon2id with a deliberate cost. A client secret is
not: django-oauth-toolkit generates it (128 characters from 62 symbols, about 760 bits) and the
admin form refuses a typed one shorter than ``MIN_SECRET_LENGTH``, so no secret can be guessed
and a slow hash would buy nothing. It would cost a great deal: every token request by a
confidential client verifies the secret, and Argon2id at the password cost (19 MiB, about 25 ms)
would cap each core at some forty token requests a second and let anyone who knows a client id
make us burn that memory and time per request. PBKDF2-HMAC-SHA256 with 1,000 iterations and a
random salt keeps the stored value one-way at well under a millisecond a check.
"""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher

# Typed secrets shorter than this are refused (about 190 bits from 62 symbols).
MIN_SECRET_LENGTH = 32


class ClientSecretHasher(PBKDF2PasswordHasher):
    """PBKDF2-HMAC-SHA256, 1,000 iterations: for long random client secrets, never passwords."""

    algorithm = "oidc_client_pbkdf2_sha256"
    iterations = 1_000
