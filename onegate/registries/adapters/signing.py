"""Node keys and the signed messages OneGate nodes exchange (compact JWS; Ed25519 preferred).

Each node holds one private key (``REGISTRY_NODE_PRIVATE_KEY``) and knows the public keys of the
nodes it talks to: the node its ``remote`` adapter asks (``REGISTRY_REMOTE_PUBLIC_KEY``) and the
peers allowed to ask it (``REGISTRY_PEERS``). Keys are JWKs (RFC 7517), given inline as JSON or
as the path of a file holding it; a message names its key by the key's RFC 7638 thumbprint
(``kid``), so a peer can publish a new key beside the old one while nodes change over. Parsed keys
are cached per configured value, so a request never parses a key.

A message is a JWT-shaped claim set signed as compact JWS: ``iss`` (sending node), ``aud``
(receiving node), ``iat``, ``exp`` and ``jti`` (a fresh nonce), plus what the message says.
``verify`` checks all of them; refusing a replayed ``jti`` is the receiver's job.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, import_key

# Key type and curve → the JWS algorithm used with it (RFC 9864 names Ed25519 fully specified).
ALGORITHMS = {("OKP", "Ed25519"): "Ed25519", ("EC", "P-256"): "ES256"}
REQUEST_TYPE = "onegate-registry-request+jwt"
ANSWER_TYPE = "onegate-registry-answer+jwt"
# Clocks of two nodes may differ by this much; a message valid for longer than MAX_LIFETIME is
# refused whatever it says, so a stolen message is useless soon.
CLOCK_SKEW_SECONDS = 5
MAX_LIFETIME_SECONDS = 300
NODE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_JTI_LENGTH = 128

NodePublicKey = OKPKey | ECKey


@dataclass(frozen=True)
class NodeKey:
    """A node's key as this node knows it: whose, the key, its thumbprint and its algorithm."""

    node: str
    key: NodePublicKey
    kid: str
    alg: str

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = self.key.as_dict(private=False)
        jwk.pop("kid", None)
        return {**jwk, "kid": self.kid, "alg": self.alg, "use": "sig"}


class SignatureRefused(Exception):
    """A signed message failed a check; ``message`` (translated) says which, for the sender."""

    def __init__(self, message: Promise | str, *, reason: str) -> None:
        self.message = message
        self.reason = reason  # a short code for logs and tests: unsigned, unknown_key, expired…
        super().__init__(reason)


# -- keys from settings ----------------------------------------------------------------------


def own_key() -> NodeKey:
    """This node's signing key (``REGISTRY_NODE_ID`` and ``REGISTRY_NODE_PRIVATE_KEY``)."""
    node = _node_id(settings.REGISTRY_NODE_ID, "REGISTRY_NODE_ID")
    return _parse_node_key(
        node, settings.REGISTRY_NODE_PRIVATE_KEY, "REGISTRY_NODE_PRIVATE_KEY", private=True
    )


def remote_node_key() -> NodeKey:
    """The key of the node the ``remote`` adapter asks (``REGISTRY_REMOTE_*``)."""
    node = _node_id(settings.REGISTRY_REMOTE_NODE_ID, "REGISTRY_REMOTE_NODE_ID")
    return _parse_node_key(
        node, settings.REGISTRY_REMOTE_PUBLIC_KEY, "REGISTRY_REMOTE_PUBLIC_KEY", private=False
    )


def peer_keys() -> dict[str, NodeKey]:
    """The keys of the nodes allowed to ask this one (``REGISTRY_PEERS``), by thumbprint."""
    return _parse_peers(settings.REGISTRY_PEERS)


@lru_cache(maxsize=32)
def _parse_node_key(node: str, raw: str, variable: str, *, private: bool) -> NodeKey:
    return node_key_from_jwk(node, _jwk_document(raw, variable), variable, private=private)


@lru_cache(maxsize=8)
def _parse_peers(raw: str) -> dict[str, NodeKey]:
    variable = "REGISTRY_PEERS"
    if not raw.strip():
        return {}
    document = _jwk_document(raw, variable)
    if not isinstance(document, dict):
        raise ImproperlyConfigured(f"{variable}: expected a JSON object {{node id: public JWK}}")
    keys: dict[str, NodeKey] = {}
    for node, jwks in document.items():
        _node_id(node, variable)
        for jwk in jwks if isinstance(jwks, list) else [jwks]:
            parsed = node_key_from_jwk(node, jwk, f"{variable} ({node})", private=False)
            if parsed.kid in keys and keys[parsed.kid].node != node:
                raise ImproperlyConfigured(f"{variable}: one key is given for two nodes")
            keys[parsed.kid] = parsed
    return keys


def node_key_from_jwk(node: str, jwk: Any, variable: str, *, private: bool) -> NodeKey:
    """A checked node key: a supported curve, and a private part exactly when one is expected."""
    if not isinstance(jwk, dict):
        raise ImproperlyConfigured(f"{variable}: expected a JWK (a JSON object)")
    try:
        key = import_key(jwk)
    except (JoseError, ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{variable}: not a usable JWK ({type(exc).__name__})") from exc
    alg = ALGORITHMS.get((str(jwk.get("kty")), str(jwk.get("crv"))))
    if alg is None or not isinstance(key, OKPKey | ECKey):
        raise ImproperlyConfigured(f"{variable}: use an Ed25519 (OKP) or P-256 (EC) key")
    if private and not key.is_private:
        raise ImproperlyConfigured(f"{variable}: this is a public key; give the private key")
    if not private and key.is_private:
        # A peer's private key must never be handed around: refuse rather than use it.
        raise ImproperlyConfigured(f"{variable}: holds a private key; give the public key only")
    return NodeKey(node=node, key=key, kid=key.thumbprint(), alg=alg)


def _jwk_document(raw: str, variable: str) -> Any:
    text = raw.strip()
    if not text:
        raise ImproperlyConfigured(f"{variable}: not set")
    if not text.startswith(("{", "[")):
        try:
            text = Path(text).read_text(encoding="utf-8")
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{variable}: neither JSON nor a readable file ({type(exc).__name__})"
            ) from exc
    try:
        return json.loads(text)
    except ValueError:
        raise ImproperlyConfigured(f"{variable}: not valid JSON") from None


def _node_id(value: str, variable: str) -> str:
    if not NODE_ID.fullmatch(value or ""):
        raise ImproperlyConfigured(
            f"{variable}: a node id is 1-64 letters, digits, dots, dashes or underscores"
        )
    return value


# -- messages ----------------------------------------------------------------------------------


def claims_new(
    *, issuer: str, audience: str, lifetime: int, now: float | None = None, **content: Any
) -> dict[str, Any]:
    """A fresh claim set: sender, receiver, issued now, valid ``lifetime`` seconds, new nonce."""
    issued = int(time.time() if now is None else now)
    return {
        "iss": issuer,
        "aud": audience,
        "iat": issued,
        "exp": issued + lifetime,
        "jti": secrets.token_urlsafe(18),
        **content,
    }


def sign(claims: Mapping[str, Any], *, key: NodeKey, typ: str) -> str:
    """``claims`` as a compact JWS signed with ``key``."""
    header = {"alg": key.alg, "kid": key.kid, "typ": typ}
    payload = json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode()
    return jws.serialize_compact(header, payload, key.key, algorithms=[key.alg])


def verify(
    token: bytes | str,
    *,
    keys: Mapping[str, NodeKey],
    typ: str,
    audience: str,
    now: float | None = None,
) -> tuple[NodeKey, dict[str, Any]]:
    """The signer and claims of ``token``, after every check; ``SignatureRefused`` otherwise."""
    signer, header = _signer(token, keys)
    if header.get("typ") != typ:
        raise SignatureRefused(_("The message is not of the expected type."), reason="wrong_type")
    try:
        payload = jws.deserialize_compact(token, signer.key, algorithms=[signer.alg]).payload
        claims = json.loads(payload)
    except (JoseError, ValueError):
        raise SignatureRefused(
            _("The signature does not match the message."), reason="bad_signature"
        ) from None
    if not isinstance(claims, dict):
        raise SignatureRefused(_("The signed message is not a claim set."), reason="malformed")
    _check_claims(claims, signer=signer, audience=audience, now=time.time() if now is None else now)
    return signer, claims


def _signer(token: bytes | str, keys: Mapping[str, NodeKey]) -> tuple[NodeKey, dict[str, Any]]:
    try:
        header = jws.extract_compact(
            token if isinstance(token, bytes) else token.encode()
        ).headers()
    except (JoseError, ValueError, UnicodeError):
        raise SignatureRefused(
            _("The message is not a signed JWS in compact form."), reason="unsigned"
        ) from None
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in ALGORITHMS.values():
        raise SignatureRefused(
            _("The message is not signed with an accepted algorithm."), reason="unsigned"
        )
    signer = keys.get(kid) if isinstance(kid, str) else None
    if signer is None:
        raise SignatureRefused(
            _("The message is signed by a key this node does not know."), reason="unknown_key"
        )
    if signer.alg != alg:
        raise SignatureRefused(
            _("The algorithm does not fit the signing key."), reason="bad_signature"
        )
    return signer, header


def _check_claims(claims: dict[str, Any], *, signer: NodeKey, audience: str, now: float) -> None:
    if claims.get("iss") != signer.node:
        raise SignatureRefused(
            _("The sender is not the owner of the signing key."), reason="wrong_issuer"
        )
    if claims.get("aud") != audience:
        raise SignatureRefused(
            _("The message is addressed to another node."), reason="wrong_audience"
        )
    issued, expires, jti = _moment(claims, "iat"), _moment(claims, "exp"), claims.get("jti")
    if not (isinstance(jti, str) and 0 < len(jti) <= MAX_JTI_LENGTH):
        raise SignatureRefused(_("The message has no usable nonce (jti)."), reason="malformed")
    if expires <= now - CLOCK_SKEW_SECONDS:
        raise SignatureRefused(_("The message has expired."), reason="expired")
    if issued > now + CLOCK_SKEW_SECONDS:
        raise SignatureRefused(
            _("The message was made in the future; check the clocks."), reason="not_yet_valid"
        )
    if expires - issued > MAX_LIFETIME_SECONDS:
        raise SignatureRefused(_("The message is valid for too long."), reason="too_long")


def _moment(claims: dict[str, Any], name: str) -> float:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SignatureRefused(
            _("The message does not say when it was made and when it expires."), reason="malformed"
        )
    return float(value)
