"""Start-up checks for the provider (``manage.py check --deploy``): a deployment must have a
usable signing key, its own pairwise secret and a fixed HTTPS issuer.

Registered when imported; ``IdentityConfig.ready`` imports this module.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from oauth2_provider.settings import oauth2_settings

MIN_RSA_BITS = 2048


@register(Tags.security, deploy=True)
def oidc_signing_key_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    pem = oauth2_settings.OIDC_RSA_PRIVATE_KEY
    if not pem:
        return [
            Error(
                "OIDC_RSA_PRIVATE_KEY is not set: ID tokens cannot be signed.",
                hint="Set it to an RSA private key (PEM text or a file path); see docs/oidc.md.",
                id="identity.E101",
            )
        ]
    problem = _key_problem(pem)
    if problem:
        return [Error(f"OIDC_RSA_PRIVATE_KEY: {problem}.", id="identity.E102")]
    return []


def _key_problem(pem: str) -> str:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem.encode("utf-8"), password=None)
    except (ValueError, TypeError):
        return "not a PEM private key without a password"
    if not isinstance(key, rsa.RSAPrivateKey):
        return "not an RSA key (ID tokens are signed RS256)"
    if key.key_size < MIN_RSA_BITS:
        return f"{key.key_size} bits; at least {MIN_RSA_BITS} are needed"
    return ""


@register(Tags.security, deploy=True)
def oidc_deployment_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not getattr(settings, "OIDC_PAIRWISE_SECRET", ""):
        messages.append(
            Warning(
                "OIDC_PAIRWISE_SECRET is not set: subject identifiers are derived from SECRET_KEY "
                "and would all change if it were rotated.",
                id="identity.W103",
            )
        )
    issuer = getattr(settings, "OIDC_ISSUER", "")
    if not issuer.startswith("https://"):
        messages.append(
            Warning(
                "OIDC_ISSUER is not an https:// address: the issuer would follow each request's "
                "host and scheme.",
                id="identity.W104",
            )
        )
    return messages
