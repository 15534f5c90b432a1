"""Compact JWS signing and checking on top of joserfc's algorithm implementations.

Only asymmetric algorithms on an explicit allow-list are ever looked up (never ``none`` and
never an HMAC that a public key could be abused as); headers and payloads are parsed strictly
(duplicate JSON keys, NaN and deep nesting are refused) before any key is touched.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from joserfc.jwk import ECKey, OKPKey
from joserfc.jws import JWSRegistry

from onegate_verify.errors import VerifyError

# Algorithms this package can verify; the caller narrows further with ``algorithms``.
SUPPORTED_ALGORITHMS = frozenset({"EdDSA", "Ed25519", "ES256", "ES384", "ES512"})
_KEY_TYPE = {"EdDSA": "OKP", "Ed25519": "OKP", "ES256": "EC", "ES384": "EC", "ES512": "EC"}
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
MAX_JSON_DEPTH = 64

KeyLookup = Mapping[str, dict[str, Any]] | Callable[[dict[str, Any], dict[str, Any]], Any]


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, *, code: str = "malformed") -> bytes:
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise VerifyError(code)
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise VerifyError(code) from exc
    # Canonical only: unused low bits in the last character must be zero, so that one token
    # has one spelling (a deny-list or a replay cache keyed by the text cannot be sidestepped).
    if b64url_encode(data) != text:
        raise VerifyError(code)
    return data


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constants)


def json_loads(data: bytes | str, *, code: str = "malformed") -> Any:
    """Strict JSON: UTF-8, no duplicate keys, no NaN/Infinity.

    Nesting is bounded by the callers' size limits and by the SD-JWT processor's own depth
    limit; a nesting deep enough to exhaust the stack ends as ``RecursionError``, refused here.
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return _DECODER.decode(text)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise VerifyError(code) from exc


def json_dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@lru_cache(maxsize=512)
def _key_import(frozen: str) -> OKPKey | ECKey:
    data = json.loads(frozen)
    if data.get("kty") == "OKP":
        return OKPKey.import_key(data)
    return ECKey.import_key(data)


def key_import(jwk: Mapping[str, Any], *, private: bool = False) -> OKPKey | ECKey:
    """A joserfc key from a JWK dict (public members only unless ``private``), cached."""
    if not isinstance(jwk, Mapping):
        raise VerifyError("key")
    kty = jwk.get("kty")
    names: tuple[str, ...]
    if kty == "OKP":
        names = ("kty", "crv", "x", "d") if private else ("kty", "crv", "x")
    elif kty == "EC":
        names = ("kty", "crv", "x", "y", "d") if private else ("kty", "crv", "x", "y")
    else:
        raise VerifyError("key")
    members = {name: jwk[name] for name in names if name in jwk}
    if not all(isinstance(value, str) for value in members.values()):
        raise VerifyError("key")
    try:
        return _key_import(json.dumps(members, sort_keys=True))
    except Exception as exc:  # joserfc/cryptography raise many kinds for a bad key
        raise VerifyError("key") from exc


def algorithm_for(jwk: Mapping[str, Any]) -> str:
    """The JWS ``alg`` OneGate uses for a private key: EdDSA for Ed25519, ES256 for P-256."""
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        return "EdDSA"
    if jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
        return "ES256"
    raise ValueError("only Ed25519 (OKP) and P-256 (EC) keys can sign")


def compact_sign(header: dict[str, Any], payload: bytes, private_jwk: Mapping[str, Any]) -> str:
    alg = header["alg"]
    model = JWSRegistry.algorithms[alg]
    key = key_import(private_jwk, private=True)
    signing_input = b64url_encode(json_dumps(header)) + "." + b64url_encode(payload)
    signature = model.sign(signing_input.encode("ascii"), key)
    return signing_input + "." + b64url_encode(signature)


@dataclass(frozen=True)
class CompactJws:
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def compact_parse(token: str) -> CompactJws:
    """Split and decode a compact JWS whose payload is a JSON object; no signature check yet."""
    parts = token.split(".")
    # An empty signature is let through here so that "alg": "none" is refused as such.
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise VerifyError("malformed")
    header = json_loads(b64url_decode(parts[0]))
    payload = json_loads(b64url_decode(parts[1]))
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise VerifyError("malformed")
    signature = b64url_decode(parts[2])
    return CompactJws(header, payload, (parts[0] + "." + parts[1]).encode("ascii"), signature)


def _check_header(header: dict[str, Any], algorithms: Sequence[str], typ: str | None) -> str:
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in SUPPORTED_ALGORITHMS or alg not in algorithms:
        raise VerifyError("alg")
    if "crit" in header:
        raise VerifyError("header")
    if typ is not None and header.get("typ") != typ:
        raise VerifyError("typ")
    return alg


def signature_check(
    jws: CompactJws, jwk: Mapping[str, Any], *, algorithms: Sequence[str], typ: str | None
) -> None:
    """Raise unless ``jws`` carries a good signature by ``jwk`` with an allowed ``alg``."""
    alg = _check_header(jws.header, algorithms, typ)
    if not isinstance(jwk, Mapping) or jwk.get("kty") != _KEY_TYPE[alg]:
        raise VerifyError("alg")
    if "alg" in jwk and jwk["alg"] != alg:
        raise VerifyError("alg")
    key = key_import(jwk)
    model = JWSRegistry.algorithms[alg]
    try:
        model.check_key(key)  # key type (and for ES*/Ed25519 the curve) must match the alg
        good = model.verify(jws.signing_input, jws.signature, key)
    except VerifyError:
        raise
    except Exception as exc:  # wrong curve, bad point: never a valid signature
        raise VerifyError("signature") from exc
    if not good:
        raise VerifyError("signature")


def key_resolve(keys: KeyLookup, jws: CompactJws) -> Mapping[str, Any]:
    """The verification key for ``jws``: by ``kid`` from a mapping, or from a callable."""
    if isinstance(keys, Mapping):
        kid = jws.header.get("kid")
        jwk = keys.get(kid) if isinstance(kid, str) else None
    else:
        jwk = keys(jws.header, jws.payload)
    if jwk is None:
        raise VerifyError("unknown_kid")
    if not isinstance(jwk, Mapping):
        raise VerifyError("key")
    return jwk


def compact_verify(
    token: str, *, keys: KeyLookup, algorithms: Sequence[str], typ: str | None
) -> CompactJws:
    jws = compact_parse(token)
    _check_header(jws.header, algorithms, typ)
    signature_check(jws, key_resolve(keys, jws), algorithms=algorithms, typ=typ)
    return jws
