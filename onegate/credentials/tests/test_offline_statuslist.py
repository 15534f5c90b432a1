"""Token Status Lists: the draft's encoding examples and 2^20 vectors, the literal token, and
what a verifier refuses (bad signature, another list's token, expired list, zip bombs)."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path
from typing import Any

import pytest
from joserfc.jwk import OKPKey

from onegate_verify.errors import VerifyError
from onegate_verify.statuslist import (
    StatusBits,
    status_list_decode,
    status_list_encode,
    status_list_token_read,
    status_list_token_sign,
    status_list_token_verify,
)


def _status_vectors() -> dict[str, Any]:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "testdata" / "sd-jwt" / "token-status-list"
        if candidate.is_dir():
            return json.loads((candidate / "status_list_vectors.json").read_text())
    raise LookupError("shared/testdata/sd-jwt/token-status-list is not above this test file")


DATA = _status_vectors()
VECTORS = DATA["vectors"]
TOKEN = DATA["status_list_token_jwt"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_every_vector_decodes_to_its_expected_statuses(vector: dict[str, Any]) -> None:
    bits = StatusBits(vector["bits"], data=status_list_decode(vector["status_list"]["lst"]))

    assert bits.size == vector["size"]
    for index, expected in vector["expected"].items():
        assert bits.get(int(index)) == expected, index
    if vector["all_other_indices_are"] is not None:
        for index in vector["expected_zero_samples"]:
            assert bits.get(index) == 0
        per_byte = 8 // bits.bits
        nonzero = {
            position * per_byte + k
            for position, byte in enumerate(bits.to_bytes())
            if byte
            for k in range(per_byte)
            if bits.get(position * per_byte + k)
        }
        # every index not listed (or listed as 0) is 0
        assert nonzero == {int(i) for i, value in vector["expected"].items() if value}
    if "uncompressed_hex" in vector:
        assert bits.to_bytes().hex() == vector["uncompressed_hex"]


@pytest.mark.parametrize("vector", VECTORS[:2], ids=[v["name"] for v in VECTORS[:2]])
def test_the_worked_examples_encode_back_to_the_same_list(vector: dict[str, Any]) -> None:
    bits = StatusBits(vector["bits"], vector["size"])
    for index, value in vector["expected"].items():
        bits.set(int(index), value)

    assert bits.to_bytes().hex() == vector["uncompressed_hex"]
    assert status_list_decode(status_list_encode(bits.to_bytes())) == bits.to_bytes()
    assert status_list_encode(bits.to_bytes()) == vector["status_list"]["lst"]


def test_the_literal_status_list_token_verifies_with_its_published_key() -> None:
    key = TOKEN["verification_key_public_jwk"]
    claims = TOKEN["expected_claims"]

    read = status_list_token_read(
        TOKEN["compact"],
        keys={key["kid"]: key},
        uri=claims["sub"],
        now=claims["iat"] + 60,
        algorithms=("ES256",),
    )

    assert (read.kid, read.iat, read.exp, read.ttl) == (
        "12",
        claims["iat"],
        claims["exp"],
        claims["ttl"],
    )
    for index, expected in TOKEN["expected_status"].items():
        if isinstance(expected, int):
            assert read.bits.get(int(index)) == expected
        else:
            with pytest.raises(IndexError):
                read.bits.get(int(index))


def test_the_literal_token_is_refused_for_another_uri_or_after_its_expiry() -> None:
    key = TOKEN["verification_key_public_jwk"]
    claims = TOKEN["expected_claims"]

    with pytest.raises(VerifyError) as error:
        status_list_token_verify(
            TOKEN["compact"],
            keys={"12": key},
            uri="https://example.com/statuslists/2",
            now=claims["iat"],
        )
    assert error.value.code == "status_uri"
    with pytest.raises(VerifyError) as error:
        status_list_token_verify(
            TOKEN["compact"], keys={"12": key}, uri=claims["sub"], now=claims["exp"]
        )
    assert error.value.code == "status_stale"


# -- our own tokens ------------------------------------------------------------------------------

KEY = OKPKey.generate_key("Ed25519").as_dict(private=True)
PUBLIC = {k: v for k, v in KEY.items() if k != "d"}
URI = "https://onegate.test/credentials/status/7"
NOW = 1_795_000_000


def _token(bits: StatusBits, **overrides: Any) -> str:
    arguments: dict[str, Any] = {
        "uri": URI,
        "bits": bits.bits,
        "data": bits.to_bytes(),
        "private_jwk": KEY,
        "kid": "k1",
        "iat": NOW,
        "exp": NOW + 3600,
        "ttl": 300,
    }
    arguments.update(overrides)
    return status_list_token_sign(**arguments)


def _decode(part: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def _header_payload(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return _decode(header), _decode(payload)


def test_a_signed_list_round_trips_every_status() -> None:
    bits = StatusBits(2, 131_072)
    bits.set(0, 1)
    bits.set(77, 2)
    bits.set(131_071, 3)

    token = _token(bits, iss="https://onegate.test")
    verified = status_list_token_verify(token, keys={"k1": PUBLIC}, uri=URI, now=NOW)

    assert [verified.get(i) for i in (0, 1, 77, 131_071)] == [1, 0, 2, 3]
    header, payload = _header_payload(token)
    assert header == {"alg": "EdDSA", "kid": "k1", "typ": "statuslist+jwt"}
    assert payload["sub"] == URI
    assert payload["iss"] == "https://onegate.test"
    assert (payload["iat"], payload["exp"], payload["ttl"]) == (NOW, NOW + 3600, 300)
    assert payload["status_list"]["bits"] == 2
    assert len(token) < 1000  # 32 KiB of mostly zeros compresses to a QR-friendly size


def test_status_bits_pack_from_the_least_significant_bit() -> None:
    bits = StatusBits(1, 16)
    for index in (0, 3, 4, 5, 7, 8, 9, 13, 15):
        bits.set(index, 1)
    assert bits.to_bytes() == bytes.fromhex("b9a3")

    bits.set(0, 0)
    assert bits.get(0) == 0
    assert bits.to_bytes() == bytes.fromhex("b8a3")


def test_status_bits_refuse_bad_indexes_and_values() -> None:
    bits = StatusBits(2, 12)

    for index in (-1, 12, True):
        with pytest.raises(IndexError):
            bits.get(index)
    with pytest.raises(ValueError, match="between 0 and 3"):
        bits.set(0, 4)
    with pytest.raises(ValueError, match="1, 2, 4 or 8"):
        StatusBits(3, 10)


@pytest.mark.parametrize(
    ("token_of", "code"),
    [
        (
            lambda bits: _token(
                bits, private_jwk=OKPKey.generate_key("Ed25519").as_dict(private=True)
            ),
            "status_signature",
        ),
        (lambda bits: _token(bits, kid="k2"), "status_signature"),
        (lambda bits: _token(bits, exp=NOW), "status_stale"),
        (lambda bits: _token(bits, uri=URI + "0"), "status_uri"),
        (lambda bits: _token(bits)[:-30], "status_signature"),
        (lambda bits: "garbage", "status_malformed"),
        (lambda bits: "", "status_malformed"),
    ],
    ids=["other-key", "unknown-kid", "expired", "other-uri", "truncated", "garbage", "empty"],
)
def test_a_bad_status_list_token_is_refused(token_of: Any, code: str) -> None:
    with pytest.raises(VerifyError) as error:
        status_list_token_verify(token_of(StatusBits(1, 64)), keys={"k1": PUBLIC}, uri=URI, now=NOW)

    assert error.value.code == code


def test_a_token_with_another_typ_is_refused() -> None:
    from onegate_verify._jws import compact_sign

    payload = {"sub": URI, "iat": NOW, "status_list": {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}}
    token = compact_sign(
        {"alg": "EdDSA", "kid": "k1", "typ": "JWT"}, json.dumps(payload).encode(), KEY
    )

    with pytest.raises(VerifyError) as error:
        status_list_token_verify(token, keys={"k1": PUBLIC}, uri=URI, now=NOW)
    assert error.value.code == "status_typ"


def test_a_zip_bomb_stops_at_the_limit() -> None:
    bomb = base64.urlsafe_b64encode(zlib.compress(bytes(64 * 1024 * 1024), 9)).rstrip(b"=")

    with pytest.raises(VerifyError) as error:
        status_list_decode(bomb.decode(), max_bytes=1024 * 1024)
    assert error.value.code == "status_malformed"


@pytest.mark.parametrize(
    "lst",
    [
        "not base64!",
        base64.urlsafe_b64encode(b"not zlib").decode().rstrip("="),
        base64.urlsafe_b64encode(zlib.compress(b"abc")[:-3]).decode().rstrip("="),
        base64.urlsafe_b64encode(zlib.compress(b"abc") + b"trailing").decode().rstrip("="),
    ],
    ids=["not-base64", "not-zlib", "truncated", "trailing-data"],
)
def test_a_damaged_list_is_refused(lst: str) -> None:
    with pytest.raises(VerifyError) as error:
        status_list_decode(lst)
    assert error.value.code == "status_malformed"
