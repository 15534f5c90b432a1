"""The RS256 signing key: read once from the environment at start-up, published as a JWKS.

``OIDC_RSA_PRIVATE_KEY`` holds the PEM itself or the path of a file holding it. Without it, the
demo's key in ``var/oidc_rsa_key.pem`` is used (``make run`` generates it once, as it does
``var/secret_key``); a deployment without either fails ``manage.py check --deploy``
(``oidc.checks``). Keys retired in a rotation stay published (``OIDC_RSA_RETIRED_PRIVATE_KEYS``:
paths, comma separated) until every ID token they signed has expired.

This module is imported by the settings, so it needs nothing but the standard library and
``config.env`` at import time.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import env

PEM_START = "-----BEGIN"


def private_key_pem_from_env(*, fallback_file: Path | None) -> str:
    """The signing key's PEM from ``OIDC_RSA_PRIVATE_KEY`` (text or path), else the demo file."""
    value = env.str("OIDC_RSA_PRIVATE_KEY", default="")
    if value.strip():
        return _pem(value, variable="OIDC_RSA_PRIVATE_KEY")
    if fallback_file is not None and fallback_file.is_file():
        return fallback_file.read_text(encoding="utf-8")
    return ""


def retired_key_pems_from_env() -> list[str]:
    """The PEMs of retired keys, still published so tokens they signed can be checked."""
    paths = env.list("OIDC_RSA_RETIRED_PRIVATE_KEYS", default=[])
    return [_pem(path.strip(), variable="OIDC_RSA_RETIRED_PRIVATE_KEYS") for path in paths]


def _pem(value: str, *, variable: str) -> str:
    if value.lstrip().startswith(PEM_START):
        return value
    path = Path(value.strip())
    if not path.is_file():
        raise ImproperlyConfigured(f"{variable}: neither a PEM key nor the path of a file")
    return path.read_text(encoding="utf-8")


def public_jwks(pems: list[str]) -> dict[str, list[dict[str, str]]]:
    """The JSON Web Key Set publishing the public half of each key, ``kid`` its RFC 7638 thumbprint.

    The ``kid`` is the one django-oauth-toolkit puts in each ID token's header.
    """
    from oauth2_provider.utils import jwk_from_pem

    keys = []
    for pem in pems:
        key = jwk_from_pem(pem)
        public = json.loads(key.export_public())
        keys.append({**public, "alg": "RS256", "use": "sig", "kid": key.thumbprint()})
    return {"keys": keys}


def private_key_pem_generate(*, bits: int = 2048) -> str:
    """A new RSA private key as PKCS #8 PEM (2048 bits: NIST SP 800-57's 112-bit strength)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


if __name__ == "__main__":  # `make run`: python -m onegate.identity.oidc.keys var/oidc_rsa_key.pem
    import os
    import sys

    # Created readable by its owner only, before the key is written into it.
    descriptor = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as target:
        target.write(private_key_pem_generate())
