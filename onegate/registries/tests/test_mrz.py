"""Reading, checking and writing ICAO 9303 machine-readable zones.

The public cases in ``data/mrz/`` (ICAO specimens, dmrtd, cheminfo/mrz and Arg0s1080/mrz test
material; see its SOURCES.md) are run in full: valid zones give the sources' fields, invalid ones
are refused naming the check digit the source says is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from onegate.registries.mrz import (
    MRZError,
    MRZFormat,
    check_digit,
    compose_td1,
    compose_td3,
    mrz_name,
    parse_mrz,
)

DATA = Path(__file__).parent / "data" / "mrz"
# The day the century rules are evaluated on, so the cases read the same whenever tests run.
TODAY = dt.date(2025, 11, 25)
# The data set's names for check-digit fields, where they differ from ours.
CHECK_NAMES = {"expiry": "expiry_date"}
# Codes in the data that are neither ISO 3166-1 nor ICAO (the source library let them through).
NOT_COUNTRY_CODES = {"ASU", "BAD", "INP"}

ERIKSSON_TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)
STEVENSON_TD1 = (
    "I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<"
)


def _load(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


CASES = _load("mrz_cases.jsonl")
VALID = [case for case in CASES if case["valid"]]
INVALID = [case for case in CASES if not case["valid"]]


def _id(case: dict[str, Any]) -> str:
    return f"{case['format']}-{case.get('source_test', '')}"[:60]


def _parse(text: str, **options: Any):
    return parse_mrz(text, today=TODAY, allow_specimens=True, **options)


def _td3_line2(*, number: str, birth: str, sex: str, expiry: str, personal: str = "") -> str:
    """A TD3 second line with correct check digits around whatever fields a test needs."""
    head = number.ljust(9, "<")
    head += str(check_digit(head))
    birth_part = birth + str(check_digit(birth))
    expiry_part = expiry + str(check_digit(expiry))
    personal_part = personal.ljust(14, "<")
    personal_part += str(check_digit(personal_part))
    composite = check_digit(head + birth_part + expiry_part + personal_part)
    return f"{head}UTO{birth_part}{sex}{expiry_part}{personal_part}{composite}"


TD3_LINE1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"


# --- the public test vectors ------------------------------------------------------------------


@pytest.mark.parametrize("vector", _load("check_digit_vectors.jsonl"), ids=lambda v: v["data"])
def test_check_digit_vectors(vector: dict[str, Any]) -> None:
    assert (check_digit(vector["data"]) == vector["check_digit"]) is vector["valid"]


@pytest.mark.parametrize("case", VALID, ids=_id)
def test_valid_zones_give_the_printed_fields(case: dict[str, Any]) -> None:
    if {case["issuing_state"], case["nationality"]} & NOT_COUNTRY_CODES:
        with pytest.raises(MRZError) as refused:
            _parse(case["mrz"])
        assert set(refused.value.codes) == {"country_code"}
        return
    zone = _parse(case["mrz"])
    assert zone.format == case["format"]
    assert zone.document_code == case["document_code"]
    assert zone.document_number == case["document_number"]
    assert zone.issuing_state == case["issuing_state"]
    assert zone.nationality == case["nationality"]
    assert zone.family_name == case["surname"]
    assert zone.given_names == case["given_names"]
    assert zone.sex == case["sex"]
    assert zone.birth_date.strftime("%y%m%d") == case["birth_date"]
    assert zone.expiry_date.strftime("%y%m%d") == case["expiry"]
    assert zone.personal_number == case.get("personal_number", "")
    assert zone.long_document_number is bool(case.get("long_document_number"))
    assert zone.checks.failed == ()


@pytest.mark.parametrize("case", INVALID, ids=_id)
def test_invalid_zones_are_refused_naming_the_failed_check(case: dict[str, Any]) -> None:
    with pytest.raises(MRZError) as refused:
        _parse(case["mrz"])
    if "expected_failed_check" in case:
        failed = CHECK_NAMES.get(case["expected_failed_check"], case["expected_failed_check"])
        assert failed in refused.value.fields
    assert all(isinstance(message, str) and message for message in refused.value.messages)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_every_failed_check_digit_is_named_and_no_other(case: dict[str, Any]) -> None:
    expected = {CHECK_NAMES.get(name, name) for name, ok in case["check_digits"].items() if not ok}
    try:
        _parse(case["mrz"])
        named: set[str] = set()
    except MRZError as error:
        named = {p.field for p in error.problems if p.code == "check_digit"}
    assert named == expected


def test_an_illegal_character_is_named_with_its_line_and_position() -> None:
    case = next(c for c in INVALID if ">" in c["mrz"])
    with pytest.raises(MRZError) as refused:
        _parse(case["mrz"])
    problem = refused.value.problems[0]
    assert (problem.field, problem.code) == ("line_3", "illegal_character")
    assert problem.params["position"] == 30
    assert "“>” at position 30" in str(problem)
    assert "composite" in refused.value.fields  # the other fault is reported too


def test_a_lenient_read_reports_failed_checks_instead_of_refusing() -> None:
    damaged = ERIKSSON_TD3[:-2] + "20"  # personal-number check digit wrong
    zone = _parse(damaged, strict=False)
    assert zone.checks.failed == ("personal_number", "composite")
    assert zone.document_number == "L898902C3"


# --- shape ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "code"),
    [
        ("", "lines", "empty"),
        ("   \n  ", "lines", "empty"),
        (ERIKSSON_TD3.splitlines()[0], "lines", "line_count"),
        (STEVENSON_TD1 + "\n" + "<" * 30, "lines", "line_count"),
    ],
)
def test_the_wrong_number_of_lines_is_refused(text: str, field: str, code: str) -> None:
    with pytest.raises(MRZError) as refused:
        parse_mrz(text)
    assert (refused.value.field, refused.value.codes) == (field, (code,))


def test_a_short_line_is_named_with_its_length_and_the_expected_length() -> None:
    first, second = ERIKSSON_TD3.splitlines()
    with pytest.raises(MRZError) as refused:
        parse_mrz(first + "\n" + second[:-1])
    problem = refused.value.problems[0]
    assert problem.field == "line_2"
    assert problem.params == {"line": 2, "length": 43, "format": "TD3", "expected": 44}
    assert str(problem) == (
        "Line 2 of the machine-readable zone has 43 characters; a TD3 line has 44."
    )


def test_a_td1_line_of_the_wrong_length_is_named() -> None:
    lines = STEVENSON_TD1.splitlines()
    lines[2] = lines[2][:29]
    with pytest.raises(MRZError) as refused:
        parse_mrz("\n".join(lines))
    assert refused.value.fields == ("line_3",)


def test_two_lines_of_neither_two_line_length_are_refused() -> None:
    with pytest.raises(MRZError) as refused:
        parse_mrz("P" * 40 + "\n" + "1" * 40)
    assert refused.value.codes == ("line_length",)
    assert "44" in refused.value.messages[0] and "36" in refused.value.messages[0]


def test_surrounding_blanks_and_windows_line_ends_are_ignored() -> None:
    text = "\n  " + ERIKSSON_TD3.replace("\n", " \r\n") + "  \n\n"
    assert _parse(text).lines == tuple(ERIKSSON_TD3.splitlines())


def test_lower_case_is_refused_as_not_the_mrz_alphabet() -> None:
    with pytest.raises(MRZError) as refused:
        _parse(ERIKSSON_TD3.lower())
    assert refused.value.problems[0].params["character"] == "p"


# --- fields -----------------------------------------------------------------------------------


def test_an_impossible_date_with_correct_check_digits_is_refused() -> None:
    line2 = _td3_line2(number="L898902C3", birth="741332", sex="F", expiry="240415")
    with pytest.raises(MRZError) as refused:
        _parse(TD3_LINE1 + "\n" + line2)
    assert [(p.field, p.code) for p in refused.value.problems] == [
        ("birth_date", "impossible_date")
    ]
    assert "741332" in refused.value.messages[0]


def test_a_date_with_unknown_parts_is_refused() -> None:
    line2 = _td3_line2(number="L898902C3", birth="74<<<<", sex="F", expiry="240415")
    with pytest.raises(MRZError) as refused:
        _parse(TD3_LINE1 + "\n" + line2)
    assert refused.value.codes == ("date_format",)


def test_expiry_before_birth_is_refused() -> None:
    line2 = _td3_line2(number="L898902C3", birth="100101", sex="F", expiry="090101")
    with pytest.raises(MRZError) as refused:
        _parse(TD3_LINE1 + "\n" + line2)
    assert refused.value.codes == ("expiry_before_birth",)


@pytest.mark.parametrize(
    ("birth", "expected"),
    [("340712", 1934), ("251125", 2025), ("251126", 1925), ("000229", 2000), ("991231", 1999)],
)
def test_a_birth_year_is_the_latest_not_in_the_future(birth: str, expected: int) -> None:
    line2 = _td3_line2(number="L898902C3", birth=birth, sex="F", expiry="300101")
    assert _parse(TD3_LINE1 + "\n" + line2).birth_date.year == expected


@pytest.mark.parametrize(
    ("expiry", "expected"), [("950712", 1995), ("340528", 2034), ("451231", 2045), ("460101", 1946)]
)
def test_an_expiry_year_is_at_most_twenty_years_ahead(expiry: str, expected: int) -> None:
    line2 = _td3_line2(number="L898902C3", birth="300101", sex="F", expiry=expiry)
    assert _parse(TD3_LINE1 + "\n" + line2).expiry_date.year == expected


@pytest.mark.parametrize(("printed", "read"), [("<", "X"), ("X", "X"), ("M", "M")])
def test_sex_is_read_with_unspecified_as_x(printed: str, read: str) -> None:
    line2 = _td3_line2(number="L898902C3", birth="740812", sex=printed, expiry="300101")
    assert _parse(TD3_LINE1 + "\n" + line2).sex == read


def test_an_unknown_sex_is_refused() -> None:
    line2 = _td3_line2(number="L898902C3", birth="740812", sex="Z", expiry="300101")
    with pytest.raises(MRZError) as refused:
        _parse(TD3_LINE1 + "\n" + line2)
    assert refused.value.fields == ("sex",)


def test_the_specimen_state_is_refused_unless_specimens_are_allowed() -> None:
    with pytest.raises(MRZError) as refused:
        parse_mrz(ERIKSSON_TD3, today=TODAY)
    assert refused.value.fields == ("issuing_state", "nationality")
    assert set(refused.value.codes) == {"specimen_state"}
    assert parse_mrz(ERIKSSON_TD3, today=TODAY, allow_specimens=True).issuing_state == "UTO"


def test_an_unknown_country_code_is_named() -> None:
    text = ERIKSSON_TD3.replace("P<UTO", "P<ZZZ")
    with pytest.raises(MRZError) as refused:
        _parse(text)
    problem = refused.value.problems[-1]
    assert (problem.field, problem.code) == ("issuing_state", "country_code")
    assert "“ZZZ”" in str(problem)


def test_a_passport_zone_must_say_it_is_a_passport() -> None:
    with pytest.raises(MRZError) as refused:
        _parse("V" + ERIKSSON_TD3[1:])
    assert refused.value.fields[0] == "document_code"


def test_germany_is_read_as_printed() -> None:
    zone = _parse(next(c["mrz"] for c in VALID if c.get("source_test") == "German example"))
    assert (zone.issuing_state, zone.nationality) == ("D", "D")


def test_the_error_is_a_validation_error_that_survives_pickling() -> None:
    with pytest.raises(MRZError) as refused:
        _parse(ERIKSSON_TD3[:-1] + "9")
    assert isinstance(refused.value, ValidationError)
    copy = pickle.loads(pickle.dumps(refused.value))  # noqa: S301 (our own object)
    assert isinstance(copy, MRZError)
    assert copy.fields == refused.value.fields == ("composite",)


# --- writing ----------------------------------------------------------------------------------


def test_compose_td3_reproduces_the_icao_specimen() -> None:
    text = compose_td3(
        document_number="L898902C3",
        issuing_state="UTO",
        nationality="UTO",
        family_name="Eriksson",
        given_names="Anna Maria",
        birth_date=dt.date(1974, 8, 12),
        sex="F",
        expiry_date=dt.date(2012, 4, 15),
        personal_number="ZE184226B",
    )
    assert text == ERIKSSON_TD3


def test_compose_td1_writes_a_long_document_number_the_icao_way() -> None:
    text = compose_td1(
        document_number="D23145890734",
        issuing_state="UTO",
        nationality="UTO",
        family_name="Stevenson",
        given_names="Peter John",
        birth_date=dt.date(1934, 7, 12),
        sex="M",
        expiry_date=dt.date(1995, 7, 12),
    )
    assert text == STEVENSON_TD1


PERSON: dict[str, Any] = {
    "issuing_state": "DEU",
    "nationality": "THA",
    "family_name": "Müller-Lüdenscheidt",
    "given_names": "Jürgen Çağlar",
    "birth_date": dt.date(1988, 2, 29),
    "sex": "X",
    "expiry_date": dt.date(2031, 6, 30),
}


@pytest.mark.parametrize("number", ["C01X0006H", "X12"])
def test_a_composed_passport_reads_back(number: str) -> None:
    text = compose_td3(document_number=number, personal_number="1234", **PERSON)
    zone = parse_mrz(text, today=TODAY)
    assert zone.format is MRZFormat.TD3
    assert text.startswith("P<D<<MUELLER<LUEDENSCHEIDT<<JUERGEN<CAGLAR<")
    assert (zone.issuing_state, zone.nationality) == ("D", "THA")
    assert (zone.family_name, zone.given_names) == ("MUELLER LUEDENSCHEIDT", "JUERGEN CAGLAR")
    assert (zone.birth_date, zone.expiry_date) == (PERSON["birth_date"], PERSON["expiry_date"])
    assert (zone.document_number, zone.personal_number, zone.sex) == (number, "1234", "X")


@pytest.mark.parametrize("number", ["AB1234567", "AB12", "600001795015", "X" * 20])
def test_a_composed_identity_card_reads_back(number: str) -> None:
    text = compose_td1(document_number=number, optional_data="12", optional_data_2="ZZ", **PERSON)
    zone = parse_mrz(text, today=TODAY)
    assert zone.format is MRZFormat.TD1
    assert [len(line) for line in zone.lines] == [30, 30, 30]
    assert (zone.document_number, zone.optional_data, zone.optional_data_2) == (number, "12", "ZZ")
    assert zone.document_code == "I"


def test_a_long_name_is_cut_in_the_given_names_and_ends_with_a_letter() -> None:
    text = compose_td3(
        **{
            **PERSON,
            "family_name": "Wolfeschlegelsteinhausenbergerdorff",
            "given_names": "Hubert Blaine",
        },
        document_number="X1",
    )
    name_field = text.splitlines()[0][5:]
    assert name_field == "WOLFESCHLEGELSTEINHAUSENBERGERDORFF<<HU"
    zone = parse_mrz(text, today=TODAY)
    assert zone.name_may_be_truncated
    assert zone.given_names == "HU"


def test_a_single_name_is_written_as_the_primary_identifier() -> None:
    text = compose_td3(
        **{**PERSON, "family_name": "", "given_names": "Sukarno"}, document_number="X1"
    )
    zone = parse_mrz(text, today=TODAY)
    assert (zone.family_name, zone.given_names) == ("SUKARNO", "")
    assert not zone.name_may_be_truncated


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Müller-Lüdenscheidt", "MUELLER<LUEDENSCHEIDT"),
        ("O'Connor", "OCONNOR"),
        ("  de la  Cruz ", "DE<LA<CRUZ"),
        ("Ærø", "AEROE"),
        ("Straße", "STRASSE"),
        ("Łukasz Đorđević", "LUKASZ<DORDEVIC"),
        ("Nguyễn", "NGUYEN"),
    ],
)
def test_names_are_transliterated_to_the_mrz_alphabet(name: str, written: str) -> None:
    assert mrz_name(name) == written


def test_a_name_in_thai_script_cannot_be_written() -> None:
    with pytest.raises(MRZError) as refused:
        compose_td3(**{**PERSON, "given_names": "สมชาย"}, document_number="X1")
    assert (refused.value.field, refused.value.codes) == ("given_names", ("name_characters",))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"document_number": "AB-123"}, "document_number"),
        ({"document_number": "A" * 10}, "document_number"),
        ({"nationality": "XYZ"}, "nationality"),
        ({"sex": "Q"}, "sex"),
    ],
)
def test_compose_refuses_fields_an_mrz_cannot_hold(change: dict[str, str], field: str) -> None:
    with pytest.raises(MRZError) as refused:
        compose_td3(**{**PERSON, "document_number": "X1", **change})
    assert refused.value.field == field


def test_composing_and_reading_are_fast_enough_for_the_generator() -> None:
    # The generator composes about 400,000 zones for a million people: budget far below 1 ms.
    rounds = 2000
    started = time.perf_counter()
    for n in range(rounds):
        text = compose_td3(document_number=f"A{n:08d}", **PERSON)
    composed = (time.perf_counter() - started) / rounds
    started = time.perf_counter()
    for _ in range(rounds):
        parse_mrz(text, today=TODAY)
    parsed = (time.perf_counter() - started) / rounds
    assert composed < 200e-6
    assert parsed < 500e-6
