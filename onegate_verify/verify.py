"""One answer for one credential: valid, invalid, revoked, suspended or expired.

``credential_verify`` never raises for bad input and fails closed: a credential is only
"valid" when its signature, disclosures, dates and a verified, unexpired status list all say
so. Decoded status lists are kept in memory per (URI, token), so a gate checking thousands of
credentials against the same list inflates and verifies it once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from onegate_verify.errors import VerifyError
from onegate_verify.sdjwt import claims_time_check, sd_jwt_process
from onegate_verify.statuslist import (
    STATUS_INVALID,
    STATUS_SUSPENDED,
    STATUS_VALID,
    StatusBits,
    StatusListToken,
    status_list_token_read,
)

__all__ = ["CREDENTIAL_TYP", "Verdict", "credential_verify", "status_cache_clear"]

CREDENTIAL_TYP = "dc+sd-jwt"
VerdictStatus = Literal["valid", "invalid", "revoked", "suspended", "expired"]


@dataclass
class Verdict:
    status: VerdictStatus
    code: str
    message: str
    claims: dict[str, Any]
    issuer: str | None
    vct: str | None
    expires_at: int | None
    kid: str | None
    disclosed: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_MESSAGES = {
    "valid": "The credential is genuine and in force.",
    "revoked": "The credential has been revoked by its issuer.",
    "suspended": "The credential is suspended by its issuer.",
}

_CACHE_LIMIT = 256
_cache: dict[tuple[str, str], tuple[StatusListToken, dict[str, Any]]] = {}
_cache_lock = threading.Lock()


def status_cache_clear() -> None:
    with _cache_lock:
        _cache.clear()


def _status_bits(
    token: str, *, keys: Mapping[str, dict[str, Any]], uri: str, now: int
) -> StatusBits:
    """The verified status bits, from memory when this exact token was verified before with
    the same key and has not expired since."""
    hit = _cache.get((uri, token))
    if hit is not None:
        read, jwk = hit
        if read.kid is not None and keys.get(read.kid) == jwk:
            if read.exp is not None and now >= read.exp:
                raise VerifyError("status_stale")
            return read.bits
    read = status_list_token_read(token, keys=keys, uri=uri, now=now)
    if read.exp is None:  # a list that never goes stale could hide a revocation for ever
        raise VerifyError("status_no_expiry")
    if read.kid is not None:
        with _cache_lock:
            if len(_cache) >= _CACHE_LIMIT:
                _cache.clear()
            _cache[(uri, token)] = (read, keys[read.kid])
    return read.bits


def _status_reference(claims: dict[str, Any], issuer: str) -> tuple[str, int]:
    status = claims.get("status")
    reference = status.get("status_list") if isinstance(status, dict) else None
    if not isinstance(reference, dict):
        raise VerifyError("status_missing")
    uri, index = reference.get("uri"), reference.get("idx")
    if not isinstance(uri, str) or isinstance(index, bool) or not isinstance(index, int):
        raise VerifyError("status_missing")
    if index < 0:
        raise VerifyError("status_index")
    if not uri.startswith(issuer.rstrip("/") + "/"):
        raise VerifyError("status_uri")
    return uri, index


def _status_value(
    claims: dict[str, Any],
    *,
    issuer: str,
    keys: Mapping[str, dict[str, Any]],
    now: int,
    status_token_for: Callable[[str], str],
) -> int:
    uri, index = _status_reference(claims, issuer)
    try:
        token = status_token_for(uri)
    except VerifyError:
        raise
    except Exception as exc:  # a fetch or cache failure: no list, no "valid"
        raise VerifyError("status_unavailable") from exc
    if not isinstance(token, str) or not token:
        raise VerifyError("status_unavailable")
    bits = _status_bits(token, keys=keys, uri=uri, now=now)
    try:
        return bits.get(index)
    except IndexError as exc:
        raise VerifyError("status_index") from exc


def credential_verify(
    payload: str,
    *,
    keys: Mapping[str, dict[str, Any]],
    issuer: str,
    now: int,
    status_token_for: Callable[[str], str],
) -> Verdict:
    """Verify a presented SD-JWT VC issued by ``issuer`` (whose trusted public keys are
    ``keys``, by kid) at unix time ``now``; ``status_token_for(uri)`` returns the Status List
    Token published at ``uri`` (or raises ``VerifyError``). Never raises."""
    try:
        return _credential_verify(
            payload, keys=keys, issuer=issuer, now=now, status_token_for=status_token_for
        )
    except Exception:  # a bug or an input nobody foresaw: still an answer, and never "valid"
        error = VerifyError("malformed")
        return _verdict("invalid", error.code, error.message, {}, [], {})


def _credential_verify(
    payload: str,
    *,
    keys: Mapping[str, dict[str, Any]],
    issuer: str,
    now: int,
    status_token_for: Callable[[str], str],
) -> Verdict:
    try:
        verified = sd_jwt_process(payload, keys=keys, typ=CREDENTIAL_TYP)
    except VerifyError as exc:
        return _verdict("invalid", exc.code, exc.message, {}, [], {})
    claims, disclosed, header = verified.claims, verified.disclosed, verified.header
    try:
        if claims.get("iss") != issuer:
            error = VerifyError("issuer_untrusted")
            return _verdict("invalid", error.code, error.message, {}, [], header)
        if "exp" not in claims:  # a credential must end: one that never expires is refused
            raise VerifyError("no_expiry")
        claims_time_check(claims, now=now)
    except VerifyError as exc:
        status: VerdictStatus = "expired" if exc.code == "expired" else "invalid"
        return _verdict(status, exc.code, exc.message, claims, disclosed, header)
    try:
        value = _status_value(
            claims, issuer=issuer, keys=keys, now=now, status_token_for=status_token_for
        )
    except VerifyError as exc:
        return _verdict("invalid", exc.code, exc.message, claims, disclosed, header)
    if value == STATUS_VALID:
        return _verdict("valid", "valid", _MESSAGES["valid"], claims, disclosed, header)
    if value == STATUS_INVALID:
        return _verdict("revoked", "revoked", _MESSAGES["revoked"], claims, disclosed, header)
    if value == STATUS_SUSPENDED:
        return _verdict("suspended", "suspended", _MESSAGES["suspended"], claims, disclosed, header)
    error = VerifyError("status_unknown")
    return _verdict("invalid", error.code, error.message, claims, disclosed, header)


def _verdict(
    status: VerdictStatus,
    code: str,
    message: str,
    claims: dict[str, Any],
    disclosed: list[str],
    header: dict[str, Any],
) -> Verdict:
    issuer, vct, exp, kid = (
        claims.get("iss"),
        claims.get("vct"),
        claims.get("exp"),
        header.get("kid"),
    )
    return Verdict(
        status=status,
        code=code,
        message=message,
        claims=claims,
        issuer=issuer if isinstance(issuer, str) else None,
        vct=vct if isinstance(vct, str) else None,
        expires_at=exp if isinstance(exp, int) and not isinstance(exp, bool) else None,
        kid=kid if isinstance(kid, str) else None,
        disclosed=list(disclosed),
    )
