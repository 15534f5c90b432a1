"""Documents as entitlements are linked to them: one spelling for every way a number is typed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from onegate.credentials.constants import LinkScheme
from onegate.credentials.verification import DocumentRef, document_digest, document_normalise


@pytest.mark.parametrize(
    "typed",
    ["AB1234567", "ab 123 4567", " ab1234567 ", "AB-123-4567", "AB1234567<<", "ab\t1234567"],
)
def test_passport_numbers_in_any_case_or_spacing_are_the_same(typed: str) -> None:
    document = document_normalise("passport", typed, "gbr")

    assert document == DocumentRef(LinkScheme.PASSPORT, "AB1234567", "GBR")


def test_the_issuing_state_is_the_icao_code() -> None:
    assert document_normalise("passport", "C01X00T47", "D<<").issuing_state == "DEU"


@pytest.mark.parametrize(
    ("number", "state", "code"),
    [
        ("AB#1234", "GBR", "passport_number"),
        ("", "GBR", "passport_number"),
        ("A" * 21, "GBR", "passport_number"),
        ("AB1234567", "", "issuing_state"),
        ("AB1234567", "QQQ", "country_code"),
        ("AB1234567", "UTO", "specimen_state"),
    ],
)
def test_what_is_not_a_passport_is_refused_with_a_reason(
    number: str, state: str, code: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        document_normalise("passport", number, state)

    assert refused.value.code == code
    assert refused.value.messages[0]


def test_national_id_numbers_are_13_digits_issued_by_thailand() -> None:
    document = document_normalise("national_id", "1-1037-02071-81-1", "")

    assert document == DocumentRef(LinkScheme.NATIONAL_ID, "1103702071811", "THA")


def test_a_national_id_with_a_wrong_check_digit_is_refused() -> None:
    with pytest.raises(ValidationError):
        document_normalise("national_id", "1103702071812")


def test_another_kind_of_document_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        document_normalise("driving_licence", "123")

    assert refused.value.code == "document_type"


def test_the_digest_is_keyed_and_does_not_contain_the_number(settings) -> None:
    document = document_normalise("passport", "AB1234567", "GBR")

    digest = document_digest(document)
    typed_loosely = document_digest(document_normalise("passport", "ab 123 4567", "gbr"))
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    other_key = document_digest(document)

    assert len(digest) == 64 and "AB1234567" not in digest
    assert digest == typed_loosely
    assert digest != other_key
