"""IETF Token Status Lists (draft-ietf-oauth-status-list): the bit array, its compressed
encoding and the signed ``statuslist+jwt`` token.

Entry ``i`` of a list with ``bits`` bits per entry lives in byte ``i * bits // 8``, packed from
the least significant bit; the byte array is DEFLATE-compressed with a zlib wrapper and
base64url-encoded without padding. Decoding is bounded (a "zip bomb" stops at ``max_bytes``).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from onegate_verify._jws import (
    algorithm_for,
    b64url_decode,
    b64url_encode,
    compact_sign,
    compact_verify,
    json_dumps,
)
from onegate_verify.errors import VerifyError

__all__ = [
    "STATUS_INVALID",
    "STATUS_SUSPENDED",
    "STATUS_VALID",
    "StatusBits",
    "StatusListToken",
    "status_list_decode",
    "status_list_encode",
    "status_list_token_read",
    "status_list_token_sign",
    "status_list_token_verify",
]

STATUS_VALID = 0
STATUS_INVALID = 1  # revoked
STATUS_SUSPENDED = 2
ALLOWED_BITS = (1, 2, 4, 8)
LIST_TYP = "statuslist+jwt"
MAX_TOKEN_CHARS = 8 * 1024 * 1024
MAX_LIST_BYTES = 16 * 1024 * 1024


class StatusBits:
    """A mutable array of ``size`` entries of ``bits`` bits each."""

    __slots__ = ("_data", "_mask", "bits", "size")

    def __init__(self, bits: int, size: int | None = None, data: bytes | None = None) -> None:
        if bits not in ALLOWED_BITS:
            raise ValueError("bits must be 1, 2, 4 or 8")
        if data is None:
            if size is None or size < 0:
                raise ValueError("give the size of a new list")
            self._data = bytearray((size * bits + 7) // 8)
        else:
            self._data = bytearray(data)
            capacity = len(self._data) * 8 // bits
            if size is None:
                size = capacity
            elif not 0 <= size <= capacity:
                raise ValueError("size does not fit the data")
        self.bits = bits
        self.size = size
        self._mask = (1 << bits) - 1

    def __len__(self) -> int:
        return self.size

    def get(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise IndexError("status index out of range")
        position = index * self.bits
        return (self._data[position >> 3] >> (position & 7)) & self._mask

    def set(self, index: int, value: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise IndexError("status index out of range")
        if not 0 <= value <= self._mask:
            raise ValueError(f"a {self.bits}-bit status is between 0 and {self._mask}")
        position = index * self.bits
        shift = position & 7
        byte = self._data[position >> 3] & ~(self._mask << shift)
        self._data[position >> 3] = byte | (value << shift)

    def to_bytes(self) -> bytes:
        return bytes(self._data)


def status_list_encode(data: bytes) -> str:
    """DEFLATE (zlib wrapper, level 9) then base64url without padding: the ``lst`` value."""
    return b64url_encode(zlib.compress(data, 9))


def status_list_decode(lst: str, *, max_bytes: int = MAX_LIST_BYTES) -> bytes:
    """The byte array of an ``lst`` value; refuses more than ``max_bytes`` once inflated."""
    if not isinstance(lst, str) or not lst:
        raise VerifyError("status_malformed")
    compressed = b64url_decode(lst, code="status_malformed")
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error as exc:
        raise VerifyError("status_malformed") from exc
    if len(data) > max_bytes or not inflater.eof or inflater.unused_data:
        raise VerifyError("status_malformed")
    return data


def status_list_token_sign(
    *,
    uri: str,
    bits: int,
    data: bytes,
    private_jwk: dict[str, Any],
    kid: str,
    iat: int,
    exp: int,
    ttl: int,
    iss: str | None = None,
) -> str:
    """A signed Status List Token (``typ: statuslist+jwt``, ``sub`` = the list's URI)."""
    if bits not in ALLOWED_BITS:
        raise ValueError("bits must be 1, 2, 4 or 8")
    payload: dict[str, Any] = {"sub": uri, "iat": iat, "exp": exp, "ttl": ttl}
    if iss is not None:
        payload["iss"] = iss
    payload["status_list"] = {"bits": bits, "lst": status_list_encode(data)}
    header = {"alg": algorithm_for(private_jwk), "kid": kid, "typ": LIST_TYP}
    return compact_sign(header, json_dumps(payload), private_jwk)


@dataclass(frozen=True)
class StatusListToken:
    """A verified Status List Token."""

    uri: str
    bits: StatusBits
    kid: str | None
    iat: int
    exp: int | None
    ttl: int | None


_STATUS_CODES = {
    "malformed": "status_malformed",
    "too_large": "status_malformed",
    "typ": "status_typ",
}


def _int_claim(payload: dict[str, Any], name: str, *, required: bool) -> int | None:
    value = payload.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise VerifyError("status_malformed")
    return value


def status_list_token_read(
    token: str,
    *,
    keys: Mapping[str, dict[str, Any]],
    uri: str,
    now: int,
    algorithms: tuple[str, ...] = ("EdDSA", "ES256"),
) -> StatusListToken:
    """Verify a Status List Token (typ, signature by a key in ``keys``, ``sub`` == ``uri``,
    not past ``exp``) and decode its list; raises ``VerifyError`` with a ``status_*`` code."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        raise VerifyError("status_malformed")
    try:
        jws = compact_verify(token.strip(), keys=keys, algorithms=algorithms, typ=LIST_TYP)
    except VerifyError as exc:
        raise VerifyError(_STATUS_CODES.get(exc.code, "status_signature")) from exc
    payload = jws.payload
    if payload.get("sub") != uri:
        raise VerifyError("status_uri", "The revocation status list is for another address.")
    iat = _int_claim(payload, "iat", required=True)
    exp = _int_claim(payload, "exp", required=False)
    ttl = _int_claim(payload, "ttl", required=False)
    if exp is not None and now >= exp:
        raise VerifyError("status_stale")
    status_list = payload.get("status_list")
    if not isinstance(status_list, dict) or status_list.get("bits") not in ALLOWED_BITS:
        raise VerifyError("status_malformed")
    lst = status_list.get("lst")
    if not isinstance(lst, str):
        raise VerifyError("status_malformed")
    data = status_list_decode(lst)
    kid = jws.header.get("kid")
    return StatusListToken(
        uri=uri,
        bits=StatusBits(status_list["bits"], data=data),
        kid=kid if isinstance(kid, str) else None,
        iat=iat or 0,
        exp=exp,
        ttl=ttl,
    )


def status_list_token_verify(
    token: str, *, keys: Mapping[str, dict[str, Any]], uri: str, now: int
) -> StatusBits:
    """The verified status bits of a Status List Token; raises ``VerifyError``."""
    return status_list_token_read(token, keys=keys, uri=uri, now=now).bits
