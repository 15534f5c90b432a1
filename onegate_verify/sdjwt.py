"""Selective Disclosure JWTs (RFC 9901) in the SD-JWT VC format: issue, present and verify.

Built on joserfc's signature algorithms and nothing else, because it is small enough to read
in one sitting and the PyPI packages available either fail on EdDSA or carry a licence and a
bus factor we would rather not depend on for a border gate. Verification follows RFC 9901 §7.1
step by step and refuses everything the RFC says to refuse (duplicate or unreferenced
disclosures, digests seen twice, ``_sd``/``...`` misuse, claim name collisions, any ``_sd_alg``
but ``sha-256``), and the SD-JWT VC rule that ``iss``, ``nbf``, ``exp``, ``cnf``, ``vct`` and
``status`` are never selectively disclosable. Input is bounded (64 KiB, 100 disclosures,
nesting depth 64) so hostile input cannot make it slow.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from onegate_verify._jws import (
    MAX_JSON_DEPTH,
    CompactJws,
    KeyLookup,
    algorithm_for,
    b64url_decode,
    b64url_encode,
    compact_parse,
    compact_sign,
    compact_verify,
    json_dumps,
    json_loads,
    signature_check,
)
from onegate_verify.errors import VerifyError

__all__ = [
    "MAX_DISCLOSURES",
    "MAX_TOKEN_CHARS",
    "KeyBindingPolicy",
    "VerifiedSdJwt",
    "claims_time_check",
    "disclosure_digest",
    "disclosure_encode",
    "sd_jwt_issue",
    "sd_jwt_present",
    "sd_jwt_process",
    "sd_jwt_verify",
]

MAX_TOKEN_CHARS = 64 * 1024
MAX_DISCLOSURES = 100
SD_ALG = "sha-256"
# SD-JWT VC: these claims MUST NOT be selectively disclosed.
VC_TYPES = frozenset({"dc+sd-jwt", "vc+sd-jwt"})
VC_NEVER_DISCLOSED = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"})
RESERVED_NAMES = frozenset({"_sd", "..."})


def disclosure_digest(disclosure: str) -> str:
    """The base64url SHA-256 digest over the ASCII of a disclosure string (RFC 9901 §4.2.3)."""
    return b64url_encode(hashlib.sha256(disclosure.encode("ascii")).digest())


def disclosure_encode(name: str | None, value: Any, *, salt: str | None = None) -> str:
    """One disclosure: ``[salt, name, value]`` for an object property, ``[salt, value]`` for an
    array element; the salt is 128 random bits unless given."""
    if name in RESERVED_NAMES:
        raise ValueError(f"{name!r} cannot be a disclosed claim name")
    salt = salt if salt is not None else b64url_encode(secrets.token_bytes(16))
    array = [salt, value] if name is None else [salt, name, value]
    return b64url_encode(json_dumps(array))


def sd_jwt_issue(
    *,
    claims: dict[str, Any],
    disclosable: Iterable[str],
    private_jwk: dict[str, Any],
    kid: str,
    typ: str = "dc+sd-jwt",
    decoys: int = 0,
) -> str:
    """Sign ``claims`` with the top-level claims named in ``disclosable`` made selectively
    disclosable; returns the full issuance ``<jws>~<d1>~…~<dn>~``."""
    if "_sd" in claims or "_sd_alg" in claims:
        raise ValueError("claims must not contain _sd or _sd_alg")
    names = set(disclosable)
    payload: dict[str, Any] = {}
    disclosures: list[str] = []
    for name, value in claims.items():
        if name in names:
            if typ in VC_TYPES and name in VC_NEVER_DISCLOSED:
                raise ValueError(f"{name!r} must stay visible in an SD-JWT VC")
            disclosures.append(disclosure_encode(name, value))
        else:
            payload[name] = value
    digests = [disclosure_digest(item) for item in disclosures]
    digests += [
        b64url_encode(hashlib.sha256(secrets.token_bytes(32)).digest()) for _ in range(decoys)
    ]
    if digests:
        payload["_sd"] = sorted(digests)
        payload["_sd_alg"] = SD_ALG
    header = {"alg": algorithm_for(private_jwk), "typ": typ, "kid": kid}
    jws = compact_sign(header, json_dumps(payload), private_jwk)
    return "~".join([jws, *disclosures]) + "~"


@dataclass(frozen=True)
class _Parts:
    jws: str
    disclosures: list[str]
    kb_jwt: str | None
    # "<jws>~<d1>~…~<dn>~": what a KB-JWT's sd_hash covers.
    presented: str


def _split(token: str) -> _Parts:
    if not isinstance(token, str):
        raise VerifyError("malformed")
    token = token.strip()
    if len(token) > MAX_TOKEN_CHARS:
        raise VerifyError("too_large")
    if not token or not token.isascii():
        raise VerifyError("malformed")
    parts = token.split("~")
    if len(parts) < 2:
        raise VerifyError("malformed")  # an SD-JWT always has at least one "~"
    jws, disclosures, last = parts[0], parts[1:-1], parts[-1]
    if len(disclosures) > MAX_DISCLOSURES:
        raise VerifyError("too_large")
    if not jws or not all(disclosures) or (last and last.count(".") != 2):
        raise VerifyError("malformed")  # empty disclosure, or a cut-off end that is no KB-JWT
    presented = token[: len(token) - len(last)]
    return _Parts(jws, disclosures, last or None, presented)


def sd_jwt_present(token: str, *, reveal: Iterable[str]) -> str:
    """Keep only the disclosures for the claim names in ``reveal`` (with whatever they
    contain: array elements and nested claims of a revealed claim); drops any KB-JWT."""
    parts = _split(token)
    selector = _Selector(parts.disclosures, set(reveal))
    selector.walk(compact_parse(parts.jws).payload, 0)
    return "~".join([parts.jws, *selector.kept]) + "~"


class _Selector:
    """The holder's side of selective disclosure: which disclosures to hand over."""

    def __init__(self, disclosures: list[str], wanted: set[str]) -> None:
        self.by_digest = {disclosure_digest(item): item for item in disclosures}
        self.wanted = wanted
        self.kept: list[str] = []

    def _decoded(self, digest: Any, size: int) -> list[Any] | None:
        item = self.by_digest.get(digest) if isinstance(digest, str) else None
        if item is None:
            return None
        decoded = json_loads(b64url_decode(item))
        if not isinstance(decoded, list) or len(decoded) != size:
            return None
        return decoded

    def walk(self, value: Any, depth: int) -> None:
        if depth > MAX_JSON_DEPTH:
            raise VerifyError("malformed")
        if isinstance(value, dict):
            self._object(value, depth)
        elif isinstance(value, list):
            self._array(value, depth)

    def _object(self, value: dict[str, Any], depth: int) -> None:
        digests = value.get("_sd")
        for digest in digests if isinstance(digests, list) else []:
            found = self._decoded(digest, 3)
            if found is not None and found[1] in self.wanted:
                self.kept.append(self.by_digest[digest])
                self.walk(found[2], depth + 1)
        for key, child in value.items():
            if key != "_sd":
                self.walk(child, depth + 1)

    def _array(self, value: list[Any], depth: int) -> None:
        for element in value:
            if not _is_array_digest(element):
                self.walk(element, depth + 1)
                continue
            found = self._decoded(element["..."], 2)
            if found is not None:
                self.kept.append(self.by_digest[element["..."]])
                self.walk(found[1], depth + 1)


def _is_array_digest(element: Any) -> bool:
    return isinstance(element, dict) and len(element) == 1 and "..." in element


@dataclass(frozen=True)
class KeyBindingPolicy:
    """What the verifier requires of the holder's Key Binding JWT (RFC 9901 §7.3)."""

    aud: str
    nonce: str
    required: bool = True
    max_age: int | None = None  # seconds the KB-JWT's iat may lie in the past


@dataclass
class VerifiedSdJwt:
    header: dict[str, Any]
    claims: dict[str, Any]  # processed: disclosed claims merged in, _sd and _sd_alg removed
    disclosed: list[str]  # names of the disclosed object properties, in order
    issuer_payload: dict[str, Any]
    kb_payload: dict[str, Any] | None = field(default=None)


class _Processor:
    """RFC 9901 §7.1 step 3: replace digests by disclosed values, recursively."""

    def __init__(self, disclosures: list[str]) -> None:
        self.by_digest: dict[str, str] = {}
        for item in disclosures:
            digest = disclosure_digest(item)
            if digest in self.by_digest:
                raise VerifyError("duplicate_disclosure")
            self.by_digest[digest] = item
        self.seen: set[str] = set()
        self.used: set[str] = set()
        self.disclosed: list[str] = []
        self.top_level: set[str] = set()

    def _lookup(self, digest: Any, size: int) -> list[Any] | None:
        if not isinstance(digest, str):
            raise VerifyError("malformed")
        if digest in self.seen:
            raise VerifyError("duplicate_digest")
        self.seen.add(digest)
        item = self.by_digest.get(digest)
        if item is None:
            return None  # not disclosed, or a decoy
        self.used.add(digest)
        decoded = json_loads(
            b64url_decode(item, code="disclosure_invalid"), code="disclosure_invalid"
        )
        if not isinstance(decoded, list) or len(decoded) != size or not isinstance(decoded[0], str):
            raise VerifyError("disclosure_invalid")
        return decoded

    def value(self, value: Any, depth: int) -> Any:
        if depth > MAX_JSON_DEPTH:
            raise VerifyError("malformed")
        if isinstance(value, dict):
            return self.object(value, depth)
        if isinstance(value, list):
            return self.array(value, depth)
        return value

    def object(self, value: dict[str, Any], depth: int) -> dict[str, Any]:
        result = {key: self.value(child, depth + 1) for key, child in value.items() if key != "_sd"}
        if "_sd" not in value:
            return result
        digests = value["_sd"]
        if not isinstance(digests, list):
            raise VerifyError("malformed")
        for digest in digests:
            found = self._lookup(digest, 3)
            if found is None:
                continue
            _salt, name, disclosed = found
            if not isinstance(name, str) or name in RESERVED_NAMES:
                raise VerifyError("disclosure_invalid")
            if name in result:
                raise VerifyError("claim_collision")
            result[name] = self.value(disclosed, depth + 1)
            self.disclosed.append(name)
            if depth == 0:
                self.top_level.add(name)
        return result

    def array(self, value: list[Any], depth: int) -> list[Any]:
        result = []
        for element in value:
            if _is_array_digest(element):
                found = self._lookup(element["..."], 2)
                if found is not None:
                    result.append(self.value(found[1], depth + 1))
            else:
                result.append(self.value(element, depth + 1))
        return result


def _kb_check(
    kb_jwt: str,
    *,
    presented: str,
    claims: dict[str, Any],
    policy: KeyBindingPolicy | None,
    now: int | None,
    leeway: int,
    algorithms: Sequence[str],
) -> dict[str, Any]:
    cnf = claims.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    if not isinstance(jwk, dict):
        raise VerifyError("kb")
    try:
        jws = compact_parse(kb_jwt)
        signature_check(jws, jwk, algorithms=algorithms, typ="kb+jwt")
    except VerifyError as exc:
        raise VerifyError("kb") from exc
    payload = jws.payload
    sd_hash = b64url_encode(hashlib.sha256(presented.encode("ascii")).digest())
    iat = payload.get("iat")
    if payload.get("sd_hash") != sd_hash or not _is_number(iat):
        raise VerifyError("kb")
    assert isinstance(iat, int | float)  # noqa: S101 - narrowed by _is_number
    if policy is not None:
        if payload.get("aud") != policy.aud or payload.get("nonce") != policy.nonce:
            raise VerifyError("kb")
        if now is not None and iat > now + leeway:
            raise VerifyError("kb")
        if policy.max_age is not None and (now is None or iat < now - policy.max_age - leeway):
            raise VerifyError("kb")
    return payload


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def sd_jwt_process(
    token: str,
    *,
    keys: KeyLookup,
    typ: str | None = "dc+sd-jwt",
    algorithms: Sequence[str] = ("EdDSA", "ES256"),
    kb: KeyBindingPolicy | None = None,
    now: int | None = None,
    leeway: int = 0,
) -> VerifiedSdJwt:
    """Everything of ``sd_jwt_verify`` except the ``exp``/``nbf`` check of the credential, so a
    caller can still show what an expired credential says. Raises ``VerifyError``."""
    parts = _split(token)
    jws: CompactJws = compact_verify(parts.jws, keys=keys, algorithms=algorithms, typ=typ)
    payload = jws.payload
    if payload.get("_sd_alg", SD_ALG) != SD_ALG:
        raise VerifyError("sd_alg")
    processor = _Processor(parts.disclosures)
    claims = processor.object(payload, 0)
    if processor.used != set(processor.by_digest):
        raise VerifyError("unreferenced_disclosure")
    claims.pop("_sd_alg", None)
    if typ in VC_TYPES:
        if processor.top_level & VC_NEVER_DISCLOSED:
            raise VerifyError("disclosure_forbidden")
        if not isinstance(claims.get("vct"), str):
            raise VerifyError("malformed")
    kb_payload = None
    if parts.kb_jwt is not None:
        kb_payload = _kb_check(
            parts.kb_jwt,
            presented=parts.presented,
            claims=claims,
            policy=kb,
            now=now,
            leeway=leeway,
            algorithms=algorithms,
        )
    elif kb is not None and kb.required:
        raise VerifyError("kb_missing")
    return VerifiedSdJwt(
        header=jws.header,
        claims=claims,
        disclosed=processor.disclosed,
        issuer_payload=payload,
        kb_payload=kb_payload,
    )


def claims_time_check(claims: Mapping[str, Any], *, now: int, leeway: int = 0) -> None:
    """Raise ``expired`` once ``exp`` has passed and ``not_yet_valid`` before ``nbf``."""
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if exp is not None:
        if not _is_number(exp):
            raise VerifyError("malformed")
        if now >= exp + leeway:
            raise VerifyError("expired")
    if nbf is not None:
        if not _is_number(nbf):
            raise VerifyError("malformed")
        if now < nbf - leeway:
            raise VerifyError("not_yet_valid")


def sd_jwt_verify(
    token: str,
    *,
    keys: KeyLookup,
    now: int,
    leeway: int = 0,
    typ: str | None = "dc+sd-jwt",
    algorithms: Sequence[str] = ("EdDSA", "ES256"),
    kb: KeyBindingPolicy | None = None,
) -> VerifiedSdJwt:
    """Verify an SD-JWT (or SD-JWT+KB) and return its processed claims; raises ``VerifyError``.

    ``keys`` maps ``kid`` to a public JWK, or is a callable ``(header, payload) -> jwk | None``
    (the payload is not yet verified when it is called). A KB-JWT, when present, is always
    checked against ``cnf.jwk`` and its ``sd_hash``; ``kb`` adds audience, nonce and freshness
    and can make key binding required.
    """
    verified = sd_jwt_process(
        token, keys=keys, typ=typ, algorithms=algorithms, kb=kb, now=now, leeway=leeway
    )
    claims_time_check(verified.claims, now=now, leeway=leeway)
    return verified
