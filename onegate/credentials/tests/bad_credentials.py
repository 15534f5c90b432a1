"""A corpus of bad credentials, each built from a freshly issued Ed25519 SD-JWT VC.

``bad_credentials(world)`` returns named cases: the payload a verifier is shown, the status
lists it can fetch, and the answer it must give (never "valid"). The tampering is done by hand
here, with joserfc and base64 directly, not through the code under test, so a bug in the
verifier cannot hide itself. Server tests can reuse it against ``credential_verify`` or, with
their own world, against the web verifier::

    world = CredentialWorld.create()
    for case in bad_credentials(world):
        verdict = world.verify(case.payload, status_tokens=case.status_tokens)
"""

from __future__ import annotations

import base64
import json
import secrets
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from joserfc import jws
from joserfc.jwk import OctKey, OKPKey

from onegate_verify.errors import VerifyError
from onegate_verify.sdjwt import sd_jwt_issue, sd_jwt_present
from onegate_verify.statuslist import StatusBits, status_list_encode, status_list_token_sign
from onegate_verify.verify import Verdict, credential_verify

__all__ = [
    "DISCLOSABLE",
    "REVEALED",
    "BadCase",
    "CredentialWorld",
    "Signer",
    "bad_credentials",
]

# What OneGate makes selectively disclosable, and what a holder shows at a border gate.
DISCLOSABLE = (
    "given_name",
    "family_name",
    "birthdate",
    "nationality",
    "document_number",
    "issuing_state",
    "national_id",
    "valid_until",
    "conditions",
    "title",
)
REVEALED = ("given_name", "family_name", "document_number", "issuing_state", "valid_until")
NOW = 1_795_000_000  # 2026-11-18, frozen so the corpus is the same on every run
DAY = 86_400
STATUS_INDEX = 4242
STATUS_SIZE = 8192


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64json(value: Any) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode("utf-8"))


@dataclass(frozen=True)
class Signer:
    """An Ed25519 key with its key id."""

    kid: str
    private_jwk: dict[str, Any]

    @classmethod
    def create(cls, kid: str) -> Signer:
        return cls(kid, OKPKey.generate_key("Ed25519").as_dict(private=True))

    @property
    def public_jwk(self) -> dict[str, Any]:
        return {**{k: v for k, v in self.private_jwk.items() if k != "d"}, "kid": self.kid}

    def sign(self, header: dict[str, Any], payload: dict[str, Any]) -> str:
        """A compact JWS made by joserfc itself (independent of the code under test)."""
        key = OKPKey.import_key(self.private_jwk)
        body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        with warnings.catch_warnings():  # joserfc prefers RFC 9864 "Ed25519"; we issue "EdDSA"
            warnings.simplefilter("ignore")
            return jws.serialize_compact(header, body, key, algorithms=["EdDSA"])


@dataclass
class CredentialWorld:
    """An issuer, its status list and a verifier clock: everything a verification needs."""

    issuer: str
    signer: Signer
    now: int
    status_tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, issuer: str = "https://onegate.test", now: int = NOW) -> CredentialWorld:
        world = cls(issuer=issuer, signer=Signer.create("onegate-2026-1"), now=now)
        world.status_tokens[world.status_uri] = world.status_token()
        return world

    @property
    def keys(self) -> dict[str, dict[str, Any]]:
        return {self.signer.kid: self.signer.public_jwk}

    @property
    def status_uri(self) -> str:
        return f"{self.issuer}/credentials/status/1"

    def claims(self, **overrides: Any) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "vct": f"{self.issuer}/credentials/types/travel-authority",
            "iat": self.now - DAY,
            "nbf": self.now - DAY,
            "exp": self.now + 365 * DAY,
            "status": {"status_list": {"idx": STATUS_INDEX, "uri": self.status_uri}},
            "entitlement_type": "travel-authority",
            "reference": "ETA-2026-000042",
            "given_name": "Ananya",
            "family_name": "Srisai",
            "birthdate": "1990-04-01",
            "nationality": "IND",
            "document_number": "Z1234567",
            "issuing_state": "IND",
            "valid_until": "2027-11-18",
            "conditions": ["tourism only"],
            "title": {"en": "Electronic travel authority", "th": "การอนุญาตเดินทางอิเล็กทรอนิกส์"},
        }
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def issue(self, *, signer: Signer | None = None, **overrides: Any) -> str:
        """A full issuance (all disclosures) signed by ``signer`` (default: the issuer)."""
        signer = signer or self.signer
        return sd_jwt_issue(
            claims=self.claims(**overrides),
            disclosable=DISCLOSABLE,
            private_jwk=signer.private_jwk,
            kid=signer.kid,
            decoys=2,
        )

    def present(self, *, signer: Signer | None = None, **overrides: Any) -> str:
        """What a holder shows: the credential with the gate's disclosures only."""
        return sd_jwt_present(self.issue(signer=signer, **overrides), reveal=REVEALED)

    def status_token(
        self,
        *,
        values: Mapping[int, int] | None = None,
        signer: Signer | None = None,
        uri: str | None = None,
        iat: int | None = None,
        exp: int | None = None,
    ) -> str:
        bits = StatusBits(2, STATUS_SIZE)
        for index, value in (values or {}).items():
            bits.set(index, value)
        signer = signer or self.signer
        return status_list_token_sign(
            uri=uri or self.status_uri,
            bits=2,
            data=bits.to_bytes(),
            private_jwk=signer.private_jwk,
            kid=signer.kid,
            iat=iat if iat is not None else self.now - 60,
            exp=exp if exp is not None else self.now + 3600,
            ttl=300,
        )

    def verify(self, payload: str, *, status_tokens: Mapping[str, str] | None = None) -> Verdict:
        tokens = self.status_tokens if status_tokens is None else status_tokens

        def status_token_for(uri: str) -> str:
            if uri not in tokens:
                raise VerifyError("status_unavailable")
            return tokens[uri]

        return credential_verify(
            payload,
            keys=self.keys,
            issuer=self.issuer,
            now=self.now,
            status_token_for=status_token_for,
        )


@dataclass(frozen=True)
class BadCase:
    name: str
    payload: str
    expected_status: str
    expected_code: str
    # The status lists the verifier can fetch; None: the world's good list.
    status_tokens: Mapping[str, str] | None = None


def _parts(presentation: str) -> tuple[str, list[str]]:
    jws_part, *rest = presentation.split("~")
    return jws_part, rest[:-1]


def _flip(text: str, position: int) -> str:
    """Change one base64url character (not the last, whose low bits may be padding)."""
    return text[:position] + ("A" if text[position] != "A" else "B") + text[position + 1 :]


def _header_payload(jws_part: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header_b64, payload_b64, _ = jws_part.split(".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # noqa: E731
    return decode(header_b64), decode(payload_b64)


def _disclosure(name: str, value: Any) -> str:
    return _b64json([_b64(secrets.token_bytes(16)), name, value])


def _signature_cases(world: CredentialWorld, good: str) -> list[BadCase]:
    jws_part, disclosures = _parts(good)
    header_b64, payload_b64, signature = jws_part.split(".")
    header, payload = _header_payload(jws_part)
    tail = "~" + "~".join(disclosures) + "~"
    stranger = Signer.create(world.signer.kid)  # same kid, another key
    longer = dict(payload, exp=payload["exp"] + 3650 * DAY)
    hmac_key = OctKey.import_key(world.signer.public_jwk["x"].encode("ascii"))
    hs256 = jws.serialize_compact(
        {"alg": "HS256", "typ": "dc+sd-jwt", "kid": world.signer.kid},
        json.dumps(payload).encode(),
        hmac_key,
        algorithms=["HS256"],
    )
    return [
        BadCase(
            "forged_signature",
            f"{header_b64}.{payload_b64}.{_flip(signature, 10)}{tail}",
            "invalid",
            "signature",
        ),
        BadCase(
            "payload_changed_signature_kept",
            f"{header_b64}.{_b64json(longer)}.{signature}{tail}",
            "invalid",
            "signature",
        ),
        BadCase("truncated_signature", good[: len(jws_part) - 20], "invalid", "malformed"),
        BadCase("truncated_in_disclosures", good[: len(good) - 7], "invalid", "malformed"),
        BadCase(
            "resigned_with_another_key",
            stranger.sign(header, payload) + tail,
            "invalid",
            "signature",
        ),
        BadCase(
            "unknown_kid",
            Signer.create("not-published").sign(dict(header, kid="not-published"), payload) + tail,
            "invalid",
            "unknown_kid",
        ),
        BadCase(
            "no_kid",
            world.signer.sign({"alg": "EdDSA", "typ": "dc+sd-jwt"}, payload) + tail,
            "invalid",
            "unknown_kid",
        ),
        BadCase(
            "alg_none",
            f"{_b64json(dict(header, alg='none'))}.{payload_b64}.{tail}",
            "invalid",
            "alg",
        ),
        BadCase(
            "alg_none_with_signature",
            f"{_b64json(dict(header, alg='none'))}.{payload_b64}.{signature}{tail}",
            "invalid",
            "alg",
        ),
        BadCase("alg_hs256_public_key_as_secret", hs256 + tail, "invalid", "alg"),
        BadCase(
            "typ_plain_jwt",
            world.signer.sign(dict(header, typ="JWT"), payload) + tail,
            "invalid",
            "typ",
        ),
        BadCase(
            "sd_alg_sha512",
            world.signer.sign(header, dict(payload, _sd_alg="sha-512")) + tail,
            "invalid",
            "sd_alg",
        ),
    ]


def _disclosure_cases(world: CredentialWorld, good: str) -> list[BadCase]:
    jws_part, disclosures = _parts(good)
    decoded = [json.loads(base64.urlsafe_b64decode(d + "=" * (-len(d) % 4))) for d in disclosures]
    salt, name, _value = decoded[0]
    tampered = _b64json([salt, name, "Mallory"])
    return [
        BadCase(
            "tampered_disclosure",
            "~".join([jws_part, tampered, *disclosures[1:]]) + "~",
            "invalid",
            "unreferenced_disclosure",
        ),
        BadCase(
            "duplicate_disclosure",
            "~".join([jws_part, *disclosures, disclosures[0]]) + "~",
            "invalid",
            "duplicate_disclosure",
        ),
        BadCase(
            "unreferenced_disclosure",
            "~".join([jws_part, *disclosures, _disclosure("national_id", "1234567890121")]) + "~",
            "invalid",
            "unreferenced_disclosure",
        ),
        BadCase("kb_jwt_garbage", good + "garbage", "invalid", "malformed"),
        BadCase(
            "empty_disclosure",
            jws_part + "~~" + "~".join(disclosures) + "~",
            "invalid",
            "malformed",
        ),
    ]


def _claim_cases(world: CredentialWorld) -> list[BadCase]:
    elsewhere = {"status_list": {"idx": STATUS_INDEX, "uri": "https://evil.test/status/1"}}
    return [
        BadCase("expired", world.present(exp=world.now - 1), "expired", "expired"),
        BadCase("never_expires", world.present(exp=None), "invalid", "no_expiry"),
        BadCase("not_yet_valid", world.present(nbf=world.now + DAY), "invalid", "not_yet_valid"),
        BadCase(
            "issued_by_someone_else",
            world.present(iss="https://other.test"),
            "invalid",
            "issuer_untrusted",
        ),
        BadCase("no_status", world.present(status=None), "invalid", "status_missing"),
        BadCase("status_elsewhere", world.present(status=elsewhere), "invalid", "status_uri"),
        BadCase(
            "status_index_out_of_range",
            world.present(status={"status_list": {"idx": STATUS_SIZE, "uri": world.status_uri}}),
            "invalid",
            "status_index",
        ),
    ]


def _status_cases(world: CredentialWorld, good: str) -> list[BadCase]:
    uri = world.status_uri
    forged_list = world.status_token(signer=Signer.create(world.signer.kid))
    return [
        BadCase(
            "revoked",
            good,
            "revoked",
            "revoked",
            {uri: world.status_token(values={STATUS_INDEX: 1})},
        ),
        BadCase(
            "suspended",
            good,
            "suspended",
            "suspended",
            {uri: world.status_token(values={STATUS_INDEX: 2})},
        ),
        BadCase(
            "status_value_unknown",
            good,
            "invalid",
            "status_unknown",
            {uri: world.status_token(values={STATUS_INDEX: 3})},
        ),
        BadCase(
            "status_list_bad_signature", good, "invalid", "status_signature", {uri: forged_list}
        ),
        BadCase(
            "status_list_unknown_kid",
            good,
            "invalid",
            "status_signature",
            {uri: world.status_token(signer=Signer.create("stranger"))},
        ),
        BadCase(
            "status_list_expired",
            good,
            "invalid",
            "status_stale",
            {uri: world.status_token(iat=world.now - 7200, exp=world.now - 1)},
        ),
        BadCase(
            "status_list_for_another_uri",
            good,
            "invalid",
            "status_uri",
            {uri: world.status_token(uri=f"{world.issuer}/credentials/status/2")},
        ),
        BadCase(
            "status_list_without_expiry",
            good,
            "invalid",
            "status_no_expiry",
            {
                uri: world.signer.sign(
                    {"alg": "EdDSA", "typ": "statuslist+jwt", "kid": world.signer.kid},
                    {
                        "sub": uri,
                        "iat": world.now - 60,
                        "ttl": 300,
                        "status_list": {
                            "bits": 2,
                            "lst": status_list_encode(bytes(STATUS_SIZE // 4)),
                        },
                    },
                )
            },
        ),
        BadCase("status_list_garbage", good, "invalid", "status_malformed", {uri: "not.a.jwt"}),
        BadCase("status_list_unavailable", good, "invalid", "status_unavailable", {}),
    ]


def _garbage_cases() -> list[BadCase]:
    return [
        BadCase("garbage", "hello, this is not a credential", "invalid", "malformed"),
        BadCase("empty", "", "invalid", "malformed"),
        BadCase("whitespace", "  \n ", "invalid", "malformed"),
        BadCase("only_tildes", "~~~", "invalid", "malformed"),
        BadCase("plain_jwt_without_tilde", "eyJhbGciOiJFZERTQSJ9.e30.c2ln", "invalid", "malformed"),
        BadCase("non_ascii", "eyJ\u0e01.e30.x~", "invalid", "malformed"),
        BadCase("too_large", "A" * (70 * 1024) + "~", "invalid", "too_large"),
        BadCase(
            "too_many_disclosures", "a.b.c" + "~WyJhIiwiYiIsMV0" * 101 + "~", "invalid", "too_large"
        ),
        BadCase(
            "deeply_nested_header",
            _b64(b"[" * 5000 + b"]" * 5000) + ".e30.c2ln~",
            "invalid",
            "malformed",
        ),
        BadCase(
            "duplicate_json_keys",
            _b64(b'{"alg":"EdDSA","alg":"none"}') + ".e30.c2ln~",
            "invalid",
            "malformed",
        ),
    ]


def bad_credentials(world: CredentialWorld | None = None) -> list[BadCase]:
    """Every bad credential of the corpus, with the answer a verifier must give."""
    world = world or CredentialWorld.create()
    good = world.present()
    cases = [
        *_signature_cases(world, good),
        *_disclosure_cases(world, good),
        *_claim_cases(world),
        *_status_cases(world, good),
        *_garbage_cases(),
    ]
    names = [case.name for case in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases
