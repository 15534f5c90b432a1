"""Thai national ID numbers, ID-card laser codes and country codes, as people type them.

The Thai ID cases in ``data/thai_id/`` (python-stdnum, jojoee/thaiid and konjingjing test material;
see its SOURCES.md) are run in full.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError

from onegate.registries.identifiers import (
    CountryCodeValidator,
    country_code_for_mrz,
    country_code_normalise,
    country_name,
    laser_code_normalise,
    thai_national_id_normalise,
    validate_laser_code,
    validate_thai_national_id,
)

DATA = Path(__file__).parent / "data" / "thai_id"


def _cases() -> list[dict[str, Any]]:
    with (DATA / "thai_id_cases.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


CASES = _cases()


def _expected_code(reason: str) -> str:
    """Our error code for the sources' reason for refusing a number."""
    reason = reason.lower()
    if "length" in reason or "short" in reason:
        return "length"
    if "component" in reason:
        return "first_digit"
    if "checksum" in reason:
        return "check_digit"
    return "format"  # not digits, letters, empty, garbage


def test_all_cases_are_present() -> None:
    assert len(CASES) == 107


@pytest.mark.parametrize("case", CASES, ids=lambda case: repr(case["id"]))
def test_thai_national_id_cases(case: dict[str, Any]) -> None:
    assert case["valid"] is case["stdnum_is_valid"]  # the data set agrees with the library we use
    if case["valid"]:
        normalised = thai_national_id_normalise(case["id"])
        assert normalised == case["id"].replace(" ", "").replace("-", "")
        assert len(normalised) == 13
        return
    with pytest.raises(ValidationError) as refused:
        thai_national_id_normalise(case["id"])
    assert refused.value.code == _expected_code(case["reason"])


def test_the_errors_say_what_is_wrong() -> None:
    def message(value: str) -> str:
        with pytest.raises(ValidationError) as refused:
            thai_national_id_normalise(value)
        return refused.value.messages[0]

    assert message("1-2345-45678-78-11") == (
        "A Thai national ID number has 13 digits; this one has 14."
    )
    assert message("0-2345-45678-78-1") == "A Thai national ID number never starts with 0."
    assert "check digit" in message("1-2345-45678-78-9")
    assert "digits only" in message("1-2345-45678-78-X")


def test_thai_digits_are_read_as_digits() -> None:
    assert thai_national_id_normalise("๑-๒๓๔๕-๔๕๖๗๘-๗๘-๑") == "1234545678781"


def test_the_national_id_validator_works_in_a_form() -> None:
    class IdForm(forms.Form):
        national_id = forms.CharField(validators=[validate_thai_national_id])

    assert IdForm({"national_id": "3100600445635"}).is_valid()
    form = IdForm({"national_id": "3100600445636"})
    assert not form.is_valid()
    assert "check digit" in form.errors["national_id"][0]


# --- laser codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["JT0-1234567-89", "JT0123456789", "jt0 1234567 89", " JT0-1234567-89 "]
)
def test_a_laser_code_is_normalised_to_twelve_characters(typed: str) -> None:
    assert laser_code_normalise(typed) == "JT0123456789"


@pytest.mark.parametrize(
    "typed",
    ["", "J10-1234567-89", "JT0-1234567-8", "JT0-1234567-890", "JTX-1234567-89", "JT0_1234567_89"],
)
def test_a_malformed_laser_code_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_laser_code(typed)
    assert refused.value.code == "laser_code"
    assert "JT0-1234567-89" in refused.value.messages[0]


# --- country codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("THA", "THA"),
        ("tha", "THA"),
        ("D", "DEU"),
        ("D<<", "DEU"),
        ("GBN", "GBN"),
        ("XXA", "XXA"),
        ("UNO", "UNO"),
        ("EUE", "EUE"),
    ],
)
def test_country_codes_are_iso_or_icao(typed: str, stored: str) -> None:
    assert country_code_normalise(typed) == stored


@pytest.mark.parametrize("typed", ["ZZZ", "TH", "THAI", "", "ASU"])
def test_an_unknown_country_code_is_refused_by_name(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        country_code_normalise(typed)
    assert refused.value.code == "country_code"
    assert f"“{typed}”" in refused.value.messages[0]


def test_the_specimen_state_needs_to_be_allowed() -> None:
    with pytest.raises(ValidationError) as refused:
        country_code_normalise("UTO")
    assert refused.value.code == "specimen_state"
    assert country_code_normalise("UTO", allow_specimen=True) == "UTO"
    with pytest.raises(ValidationError):
        CountryCodeValidator()("UTO")
    CountryCodeValidator(allow_specimen=True)("UTO")


def test_the_country_validator_can_go_in_a_migration() -> None:
    validator = CountryCodeValidator(allow_specimen=True)
    path, args, kwargs = validator.deconstruct()  # type: ignore[attr-defined]  # @deconstructible
    assert path == "onegate.registries.identifiers.CountryCodeValidator"
    assert (args, kwargs) == ((), {"allow_specimen": True})
    assert CountryCodeValidator() == CountryCodeValidator()
    assert CountryCodeValidator() != CountryCodeValidator(allow_specimen=True)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("THA", "Thailand"),
        ("D", "Germany"),
        ("GBR", "United Kingdom"),
        ("BOL", "Bolivia"),
        ("XXA", "Stateless person"),
        ("UTO", "Utopia (ICAO specimen state)"),
    ],
)
def test_country_names_are_in_english(code: str, name: str) -> None:
    assert country_name(code) == name


def test_country_name_of_an_unknown_code_is_refused() -> None:
    with pytest.raises(ValidationError):
        country_name("ZZZ")


def test_germany_is_written_d_in_an_mrz() -> None:
    assert country_code_for_mrz("DEU") == "D"
    assert country_code_for_mrz("THA") == "THA"
