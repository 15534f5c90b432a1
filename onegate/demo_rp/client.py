"""The relying party's side of OpenID Connect, written the way an agency's own system would be:
it knows only the issuer's address, its client id and its redirect addresses.

Discovery and JWKS are fetched over HTTP and kept in memory for ``CACHE_SECONDS``; the
authorization request carries ``state``, ``nonce``, a PKCE S256 challenge and the level the
system needs as ``acr_values``; the callback's code is exchanged at the token endpoint, and the ID
token is checked here (RS256 signature against the JWKS, ``iss``, ``aud``, ``azp``, ``exp``,
``iat``, ``nonce``, and an ``acr`` at least the level asked for) before UserInfo is read.
Nothing here imports the provider's code.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

CACHE_SECONDS = 300
TIMEOUT_SECONDS = 5.0
LEVELS = ("low", "substantial", "high")
_documents: dict[str, tuple[float, dict[str, Any]]] = {}


class SignInError(Exception):
    """The sign-in could not be completed; ``code`` says why in a word the page translates."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Pending:
    """What the system remembers between sending a person to OneGate and their return."""

    state: str
    nonce: str
    verifier: str
    level: str
    redirect_uri: str

    def as_dict(self) -> dict[str, str]:
        return {
            "state": self.state,
            "nonce": self.nonce,
            "verifier": self.verifier,
            "level": self.level,
            "redirect_uri": self.redirect_uri,
        }


@dataclass(frozen=True)
class SignedIn:
    """A completed sign-in: the checked ID token's claims and what UserInfo returned."""

    claims: dict[str, Any]
    userinfo: dict[str, Any]
    id_token: str
    level_asked: str
    extra: dict[str, Any] = field(default_factory=dict)


def _fetch_json(url: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=TIMEOUT_SECONDS, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise SignInError("provider_unreachable") from error
    if not isinstance(document, dict):
        raise SignInError("provider_unreachable")
    return document


def _cached(url: str) -> dict[str, Any]:
    now = time.monotonic()
    kept = _documents.get(url)
    if kept is not None and now - kept[0] < CACHE_SECONDS:
        return kept[1]
    document = _fetch_json(url)
    _documents[url] = (now, document)
    return document


def discovery(issuer: str) -> dict[str, Any]:
    """The provider's metadata; its ``issuer`` must be the one asked about."""
    document = _cached(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if document.get("issuer") != issuer:
        raise SignInError("wrong_issuer")
    return document


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_start(
    *, issuer: str, client_id: str, redirect_uri: str, level: str, scope: str
) -> tuple[str, Pending]:
    """The address to send the person to, and what to remember until they come back."""
    if level not in LEVELS:
        raise SignInError("unknown_level")
    pending = Pending(
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        verifier=secrets.token_urlsafe(48),
        level=level,
        redirect_uri=redirect_uri,
    )
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": pending.state,
        "nonce": pending.nonce,
        "code_challenge": _challenge(pending.verifier),
        "code_challenge_method": "S256",
        "acr_values": level,
    }
    return f"{discovery(issuer)['authorization_endpoint']}?{urlencode(query)}", pending


def _check_claims(claims: dict[str, Any], *, issuer: str, client_id: str, pending: Pending) -> None:
    now = int(time.time())
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if claims.get("iss") != issuer:
        raise SignInError("wrong_issuer")
    if client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != client_id):
        raise SignInError("wrong_audience")
    if not isinstance(claims.get("exp"), int) or claims["exp"] < now - 30:
        raise SignInError("expired")
    if not isinstance(claims.get("iat"), int) or claims["iat"] > now + 30:
        raise SignInError("expired")
    if not secrets.compare_digest(str(claims.get("nonce", "")), pending.nonce):
        raise SignInError("wrong_nonce")
    acr = claims.get("acr")
    if acr not in LEVELS or LEVELS.index(acr) < LEVELS.index(pending.level):
        raise SignInError("level_too_low")


def authorization_finish(
    *, issuer: str, client_id: str, client_secret: str, pending: Pending, state: str, code: str
) -> SignedIn:
    """Exchange the code (authenticating with the client secret, HTTP Basic), check the ID token
    and read UserInfo."""
    if not state or not secrets.compare_digest(state, pending.state):
        raise SignInError("wrong_state")
    metadata = discovery(issuer)
    try:
        response = httpx.post(
            metadata["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": pending.redirect_uri,
                "code_verifier": pending.verifier,
            },
            auth=(client_id, client_secret),
            timeout=TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as error:
        raise SignInError("provider_unreachable") from error
    if response.status_code != 200:
        raise SignInError("code_refused")
    tokens = response.json()
    id_token = str(tokens.get("id_token", ""))
    keys = KeySet.import_key_set(_cached(metadata["jwks_uri"]))  # type: ignore[arg-type]
    try:
        token = jwt.decode(id_token, keys, algorithms=["RS256"])
    except (JoseError, ValueError) as error:
        raise SignInError("bad_signature") from error
    claims = dict(token.claims)
    _check_claims(claims, issuer=issuer, client_id=client_id, pending=pending)
    try:
        userinfo_response = httpx.get(
            metadata["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {tokens.get('access_token', '')}"},
            timeout=TIMEOUT_SECONDS,
        )
        userinfo_response.raise_for_status()
        userinfo = userinfo_response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise SignInError("provider_unreachable") from error
    if userinfo.get("sub") != claims.get("sub"):
        raise SignInError("wrong_subject")
    return SignedIn(claims=claims, userinfo=userinfo, id_token=id_token, level_asked=pending.level)


def sign_out_address(*, issuer: str, client_id: str, id_token: str, after: str) -> str:
    """RP-initiated logout at the provider, coming back to ``after``."""
    query = {"id_token_hint": id_token, "client_id": client_id, "post_logout_redirect_uri": after}
    return f"{discovery(issuer)['end_session_endpoint']}?{urlencode(query)}"
