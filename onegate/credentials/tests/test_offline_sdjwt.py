"""SD-JWT (RFC 9901) and SD-JWT VC: the published vectors, the §7.1 refusals, issue/present."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from joserfc.jwk import OKPKey

from onegate_verify._jws import compact_sign
from onegate_verify.errors import VerifyError
from onegate_verify.sdjwt import (
    MAX_DISCLOSURES,
    KeyBindingPolicy,
    disclosure_digest,
    disclosure_encode,
    sd_jwt_issue,
    sd_jwt_present,
    sd_jwt_verify,
)


def _sd_jwt_folder() -> Path:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "testdata" / "sd-jwt"
        if candidate.is_dir():
            return candidate
    raise LookupError("shared/testdata/sd-jwt is not above this test file")


DATA = _sd_jwt_folder()
SPEC_KEYS = json.loads((DATA / "spec-examples" / "keys.json").read_text())
VC_KEYS = json.loads((DATA / "sd-jwt-vc-examples" / "keys.json").read_text())
# The spec examples are signed in 2023 (KB-JWT 2025) and expire in 2029: a frozen clock.
SPEC_NOW = 1_750_000_000


def _folders(*groups: str) -> list[Path]:
    return sorted(
        folder
        for group in groups
        for folder in (DATA / group).iterdir()
        if (folder / "sd_jwt_presentation.txt").is_file()
    )


def _spec_key(header: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    return SPEC_KEYS["issuer_public_jwk"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64json(value: Any) -> str:
    return _b64(json.dumps(value).encode())


# -- published vectors ---------------------------------------------------------------------------


LITERAL = _folders("spec-examples")
GENERATED = _folders("library-testcases", "generated-spec-examples")


@pytest.mark.parametrize("folder", LITERAL + GENERATED, ids=lambda f: f"{f.parent.name}/{f.name}")
def test_every_published_presentation_verifies_to_its_expected_contents(folder: Path) -> None:
    presentation = (folder / "sd_jwt_presentation.txt").read_text().strip()
    expected = json.loads((folder / "verified_contents.json").read_text())

    verified = sd_jwt_verify(
        presentation, keys=_spec_key, now=SPEC_NOW, typ=None, algorithms=("ES256",)
    )

    assert verified.claims == expected


@pytest.mark.parametrize("folder", _folders("sd-jwt-vc-examples"), ids=lambda f: f.name)
def test_the_sd_jwt_vc_draft_examples_verify_as_dc_sd_jwt(folder: Path) -> None:
    presentation = (folder / "sd_jwt_presentation.txt").read_text().strip()
    expected = json.loads((folder / "verified_contents.json").read_text())

    verified = sd_jwt_verify(
        presentation,
        keys=lambda header, payload: VC_KEYS["issuer_public_jwk"],
        now=SPEC_NOW,
        typ="dc+sd-jwt",
        algorithms=("ES256",),
    )

    assert verified.claims == expected
    assert verified.header["typ"] == "dc+sd-jwt"


def test_the_literal_spec_examples_are_all_present() -> None:
    # the folders the SOURCES.md names as literal copies of the RFC text
    assert {f.name for f in LITERAL} >= {
        "simple",
        "simple_structured",
        "complex_ekyc",
        "jsonld",
        "arf-pid",
    }
    assert len(GENERATED) >= 20


def test_a_published_presentation_with_another_issuer_key_is_refused() -> None:
    presentation = (DATA / "spec-examples/simple/sd_jwt_presentation.txt").read_text().strip()
    holder_public = {
        k: v for k, v in SPEC_KEYS["holder_jwk_with_private_d_for_test_only"].items() if k != "d"
    }

    with pytest.raises(VerifyError) as error:
        sd_jwt_verify(
            presentation,
            keys=lambda h, p: holder_public,
            now=SPEC_NOW,
            typ=None,
            algorithms=("ES256",),
        )

    assert error.value.code == "signature"


def test_es256_is_refused_when_only_eddsa_is_allowed() -> None:
    presentation = (DATA / "spec-examples/simple/sd_jwt_presentation.txt").read_text().strip()

    with pytest.raises(VerifyError) as error:
        sd_jwt_verify(presentation, keys=_spec_key, now=SPEC_NOW, typ=None, algorithms=("EdDSA",))

    assert error.value.code == "alg"


def test_the_expected_typ_is_enforced() -> None:
    presentation = (DATA / "spec-examples/simple/sd_jwt_presentation.txt").read_text().strip()

    with pytest.raises(VerifyError) as error:
        sd_jwt_verify(presentation, keys=_spec_key, now=SPEC_NOW, algorithms=("ES256",))

    assert error.value.code == "typ"  # example+sd-jwt is not dc+sd-jwt


NEGATIVE = json.loads((DATA / "negative_cases_derived.json").read_text())["cases"]


@pytest.mark.parametrize("case", NEGATIVE, ids=[case["name"] for case in NEGATIVE])
def test_the_derived_negative_cases_follow_the_rfc(case: dict[str, Any]) -> None:
    policy = (
        KeyBindingPolicy(aud=case["expected_aud"], nonce=case["expected_nonce"])
        if case["verifier_requires_kb"]
        else None
    )

    def verify() -> Any:
        return sd_jwt_verify(
            case["presentation"],
            keys=_spec_key,
            now=SPEC_NOW,
            typ=None,
            algorithms=("ES256",),
            kb=policy,
        )

    if case["expect_valid"]:
        assert verify().claims["iss"] == "https://issuer.example.com"
    else:
        with pytest.raises(VerifyError):
            verify()


def test_the_key_binding_jwt_is_checked_when_present_even_without_a_policy() -> None:
    valid = NEGATIVE[0]["presentation"]
    tampered = valid[:-5] + ("AAAAA" if not valid.endswith("AAAAA") else "BBBBB")

    verified = sd_jwt_verify(valid, keys=_spec_key, now=SPEC_NOW, typ=None, algorithms=("ES256",))
    assert verified.kb_payload is not None
    assert verified.kb_payload["nonce"] == "1234567890"
    with pytest.raises(VerifyError) as error:
        sd_jwt_verify(tampered, keys=_spec_key, now=SPEC_NOW, typ=None, algorithms=("ES256",))
    assert error.value.code == "kb"


def test_a_stale_key_binding_jwt_is_refused_when_freshness_is_required() -> None:
    valid = NEGATIVE[0]["presentation"]
    kb_iat = 1748536865
    policy = KeyBindingPolicy(aud="https://verifier.example.org", nonce="1234567890", max_age=300)

    sd_jwt_verify(
        valid, keys=_spec_key, now=kb_iat + 60, typ=None, algorithms=("ES256",), kb=policy
    )
    with pytest.raises(VerifyError) as error:
        sd_jwt_verify(
            valid, keys=_spec_key, now=kb_iat + 3600, typ=None, algorithms=("ES256",), kb=policy
        )
    assert error.value.code == "kb"


VECTORS = json.loads((DATA / "disclosure_vectors.json").read_text())["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{v['section']}-{v.get('variant', '')}")
def test_disclosure_digests_match_the_rfc(vector: dict[str, Any]) -> None:
    assert disclosure_digest(vector["disclosure"]) == vector["computed_sha256_digest"]
    if "sha256_digest" in vector:
        assert vector["sha256_digest"] == vector["computed_sha256_digest"]


def test_disclosure_encode_round_trips_the_rfc_claim() -> None:
    salt, name, value = VECTORS[0]["claim_array"]

    encoded = disclosure_encode(name, value, salt=salt)
    decoded = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))

    assert decoded == [salt, name, value]
    element = disclosure_encode(None, "FR", salt="lklxF5jMYlGTPUovMNIvCA")
    assert json.loads(base64.urlsafe_b64decode(element + "==")) == ["lklxF5jMYlGTPUovMNIvCA", "FR"]


# -- OneGate's own credentials (Ed25519) --------------------------------------------------------

NOW = 1_795_000_000
KEY = OKPKey.generate_key("Ed25519").as_dict(private=True)
PUBLIC = {k: v for k, v in KEY.items() if k != "d"}
KEYS = {"k1": PUBLIC}
CLAIMS = {
    "iss": "https://onegate.test",
    "vct": "https://onegate.test/credentials/types/travel-authority",
    "iat": NOW,
    "nbf": NOW,
    "exp": NOW + 1000,
    "reference": "ETA-1",
    "given_name": "Ananya",
    "family_name": "Srisai",
    "birthdate": "1990-04-01",
    "title": {"en": "Travel authority", "th": "การอนุญาตเดินทาง"},
}
DISCLOSABLE = ["given_name", "family_name", "birthdate", "title"]


def _issue(**kwargs: Any) -> str:
    return sd_jwt_issue(claims=CLAIMS, disclosable=DISCLOSABLE, private_jwk=KEY, kid="k1", **kwargs)


def _sign(payload: dict[str, Any], disclosures: list[str], **header: Any) -> str:
    head = {"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": "k1", **header}
    return "~".join([compact_sign(head, json.dumps(payload).encode(), KEY), *disclosures]) + "~"


def test_an_issued_credential_verifies_with_every_claim() -> None:
    token = _issue(decoys=3)

    verified = sd_jwt_verify(token, keys=KEYS, now=NOW)

    assert verified.claims == CLAIMS
    assert sorted(verified.disclosed) == sorted(DISCLOSABLE)
    assert verified.header == {"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": "k1"}
    payload = verified.issuer_payload
    assert payload["_sd_alg"] == "sha-256"
    assert len(payload["_sd"]) == len(DISCLOSABLE) + 3
    assert payload["_sd"] == sorted(payload["_sd"])
    assert "given_name" not in payload  # hidden unless disclosed


def test_a_presentation_reveals_only_what_the_holder_chose() -> None:
    presentation = sd_jwt_present(_issue(), reveal=["family_name", "title"])

    verified = sd_jwt_verify(presentation, keys=KEYS, now=NOW)

    assert verified.disclosed == ["family_name", "title"] or sorted(verified.disclosed) == [
        "family_name",
        "title",
    ]
    assert "given_name" not in verified.claims
    assert "birthdate" not in verified.claims
    assert verified.claims["title"]["th"] == "การอนุญาตเดินทาง"
    assert presentation.count("~") == 3


def test_salts_are_fresh_for_every_issue() -> None:
    assert _issue().split("~")[1:] != _issue().split("~")[1:]


def test_issuing_refuses_to_hide_what_an_sd_jwt_vc_must_show() -> None:
    with pytest.raises(ValueError, match="must stay visible"):
        sd_jwt_issue(claims=CLAIMS, disclosable=["exp"], private_jwk=KEY, kid="k1")


@pytest.mark.parametrize(
    ("moment", "code"),
    [(NOW + 1000, "expired"), (NOW + 5000, "expired"), (NOW - 1, "not_yet_valid")],
)
def test_dates_are_enforced(moment: int, code: str) -> None:
    with pytest.raises(VerifyError) as error:
        sd_jwt_verify(_issue(), keys=KEYS, now=moment)

    assert error.value.code == code


def test_leeway_tolerates_a_slow_clock() -> None:
    assert sd_jwt_verify(_issue(), keys=KEYS, now=NOW + 1005, leeway=10).claims["reference"]


def _refused(token: str, **kwargs: Any) -> str:
    with pytest.raises(VerifyError) as error:
        sd_jwt_verify(token, keys=KEYS, now=NOW, **kwargs)
    return error.value.code


def test_rfc_7_1_a_digest_seen_twice_is_refused() -> None:
    given = disclosure_encode("given_name", "A")
    digest = disclosure_digest(given)
    payload = {**CLAIMS, "_sd": [digest], "nested": {"_sd": [digest]}}
    del payload["given_name"]

    assert _refused(_sign(payload, [given])) == "duplicate_digest"
    assert _refused(_sign({**payload, "nested": {}, "_sd": [digest, digest]}, [])) == (
        "duplicate_digest"
    )


def test_rfc_7_1_a_disclosed_name_that_already_exists_is_refused() -> None:
    shadow = disclosure_encode("reference", "ETA-999")

    assert _refused(_sign({**CLAIMS, "_sd": [disclosure_digest(shadow)]}, [shadow])) == (
        "claim_collision"
    )


@pytest.mark.parametrize("name", ["_sd", "..."])
def test_rfc_7_1_reserved_names_cannot_be_disclosed(name: str) -> None:
    disclosure = _b64json(["salt", name, "x"])

    assert _refused(_sign({**CLAIMS, "_sd": [disclosure_digest(disclosure)]}, [disclosure])) == (
        "disclosure_invalid"
    )


def test_rfc_7_1_a_disclosure_of_the_wrong_shape_is_refused() -> None:
    as_element = _b64json(["salt", "given_name"])  # two elements where a property needs three
    as_property = _b64json(["salt", "name", "value"])  # three where an array element needs two

    assert _refused(_sign({**CLAIMS, "_sd": [disclosure_digest(as_element)]}, [as_element])) == (
        "disclosure_invalid"
    )
    array = {**CLAIMS, "list": [{"...": disclosure_digest(as_property)}]}
    assert _refused(_sign(array, [as_property])) == "disclosure_invalid"


def test_rfc_7_1_only_sha_256_is_accepted() -> None:
    assert _refused(_sign({**CLAIMS, "_sd_alg": "sha-512"}, [])) == "sd_alg"
    assert _refused(_sign({**CLAIMS, "_sd": "not-a-list"}, [])) == "malformed"


def test_array_elements_and_recursive_disclosures_are_processed() -> None:
    street = disclosure_encode("street", "1 Sukhumvit")
    address = disclosure_encode("address", {"_sd": [disclosure_digest(street)], "city": "BKK"})
    first = disclosure_encode(None, "THA")
    hidden = disclosure_encode(None, "IND")
    payload = {
        **CLAIMS,
        "_sd": [disclosure_digest(address)],
        "nationalities": [
            {"...": disclosure_digest(first)},
            {"...": disclosure_digest(hidden)},
            "open",
        ],
    }

    verified = sd_jwt_verify(_sign(payload, [address, street, first]), keys=KEYS, now=NOW)

    assert verified.claims["address"] == {"street": "1 Sukhumvit", "city": "BKK"}
    assert verified.claims["nationalities"] == ["THA", "open"]
    # a nested disclosure without its parent is unreferenced
    assert _refused(_sign(payload, [street])) == "unreferenced_disclosure"


def test_an_sd_jwt_vc_may_not_hide_its_status_or_validity() -> None:
    hidden_exp = disclosure_encode("exp", NOW + 10**6)
    payload = {k: v for k, v in CLAIMS.items() if k != "exp"}
    token = _sign({**payload, "_sd": [disclosure_digest(hidden_exp)]}, [hidden_exp])

    assert _refused(token) == "disclosure_forbidden"
    assert _refused(_sign({k: v for k, v in CLAIMS.items() if k != "vct"}, [])) == "malformed"


def test_key_binding_can_be_required() -> None:
    policy = KeyBindingPolicy(aud="https://gate.test", nonce="n-1")

    assert _refused(_issue(), kb=policy) == "kb_missing"


def test_unknown_keys_algorithms_and_headers() -> None:
    token = _issue()
    other = {k: v for k, v in OKPKey.generate_key("Ed25519").as_dict().items() if k != "d"}

    assert _refused(
        token.replace(
            token.split(".")[0],
            _b64json({"alg": "EdDSA", "kid": "k1", "typ": "dc+sd-jwt", "crit": ["x"], "x": 1}),
        )
    ) in {"header"}
    with pytest.raises(VerifyError) as error:
        sd_jwt_verify(token, keys={"k2": PUBLIC}, now=NOW)
    assert error.value.code == "unknown_kid"
    with pytest.raises(VerifyError) as error:
        sd_jwt_verify(token, keys={"k1": other}, now=NOW)
    assert error.value.code == "signature"
    with pytest.raises(VerifyError) as error:
        sd_jwt_verify(token, keys={"k1": {**PUBLIC, "alg": "ES256"}}, now=NOW)
    assert error.value.code == "alg"
    with pytest.raises(VerifyError) as error:
        sd_jwt_verify(token, keys={"k1": {"kty": "RSA", "n": "x", "e": "AQAB"}}, now=NOW)
    assert error.value.code == "alg"


def test_hostile_sizes_are_refused_quickly() -> None:
    many = [disclosure_encode(f"c{i}", i) for i in range(MAX_DISCLOSURES + 1)]
    payload = {**CLAIMS, "_sd": [disclosure_digest(d) for d in many]}

    assert _refused(_sign(payload, many)) == "too_large"
    assert _refused("x" * (64 * 1024 + 1)) == "too_large"
    deep: Any = "x"
    for _ in range(200):
        deep = {"a": deep}
    assert _refused(_sign({**CLAIMS, "deep": deep}, [])) == "malformed"


def test_digest_is_over_the_ascii_disclosure_string() -> None:
    disclosure = disclosure_encode("given_name", "Ananya", salt="abc")

    assert disclosure_digest(disclosure) == _b64(hashlib.sha256(disclosure.encode()).digest())
