"""No bad credential is ever "valid": the corpus of bad_credentials.py against the verifier."""

from __future__ import annotations

import random

import pytest

from onegate.credentials.tests.bad_credentials import (
    REVEALED,
    BadCase,
    CredentialWorld,
    bad_credentials,
)

WORLD = CredentialWorld.create()
CASES = bad_credentials(WORLD)


def test_the_untampered_credential_is_valid_with_the_gate_disclosures() -> None:
    verdict = WORLD.verify(WORLD.present())

    assert verdict.status == "valid", verdict
    assert verdict.issuer == WORLD.issuer
    assert verdict.kid == WORLD.signer.kid
    assert sorted(verdict.disclosed) == sorted(REVEALED)
    assert verdict.claims["family_name"] == "Srisai"
    assert "birthdate" not in verdict.claims  # not disclosed to the gate


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_bad_credential_gets_a_precise_answer_and_never_valid(case: BadCase) -> None:
    verdict = WORLD.verify(case.payload, status_tokens=case.status_tokens)

    assert verdict.status != "valid"
    assert (verdict.status, verdict.code) == (case.expected_status, case.expected_code)
    assert verdict.message


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_an_invalid_credential_shows_no_claims_unless_its_signature_held(case: BadCase) -> None:
    verdict = WORLD.verify(case.payload, status_tokens=case.status_tokens)

    if case.expected_code in {"signature", "unknown_kid", "alg", "malformed", "too_large"}:
        assert verdict.claims == {}
        assert verdict.disclosed == []


def test_the_corpus_covers_what_the_issue_lists() -> None:
    names = {case.name for case in CASES}

    assert {
        "forged_signature",
        "truncated_signature",
        "resigned_with_another_key",
        "unknown_kid",
        "alg_none",
        "expired",
        "not_yet_valid",
        "revoked",
        "suspended",
        "status_list_bad_signature",
        "status_list_expired",
        "status_list_for_another_uri",
        "tampered_disclosure",
        "duplicate_disclosure",
        "unreferenced_disclosure",
        "garbage",
        "empty",
    } <= names


def test_no_single_character_change_is_ever_valid() -> None:
    # given the gate's presentation, change one character anywhere, 400 times
    good = WORLD.present()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~."
    chooser = random.Random(20261118)

    for _ in range(400):
        position = chooser.randrange(len(good))
        replacement = chooser.choice(alphabet.replace(good[position], ""))
        mutated = good[:position] + replacement + good[position + 1 :]

        verdict = WORLD.verify(mutated)

        assert verdict.status == "invalid", (position, replacement, verdict.code)


def test_a_non_canonical_signature_spelling_is_refused() -> None:
    # the last character of an Ed25519 signature carries 2 bits and 4 unused ones: flipping an
    # unused bit decodes to the same signature, but is another spelling of the token
    good = WORLD.present()
    jws_part = good.split("~")[0]
    last = jws_part[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    sibling = alphabet[alphabet.index(last) ^ 1]

    verdict = WORLD.verify(good.replace(jws_part, jws_part[:-1] + sibling))

    assert (verdict.status, verdict.code) == ("invalid", "malformed")
