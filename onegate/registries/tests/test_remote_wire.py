"""The wire format between nodes: every answer survives the trip, and a wrong shape is refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from onegate.registries.adapters import wire
from onegate.registries.adapters.base import (
    QUESTIONS,
    AddressRecord,
    Answer,
    DocumentOwnership,
    FamilyMember,
    PersonRecord,
    Provenance,
    ResidenceRecord,
    TravelDocumentRecord,
)

BANGKOK = dt.timezone(dt.timedelta(hours=7))
PROVENANCE = Provenance(
    "population", "rec-1", dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=BANGKOK), "b"
)
PERSON = PersonRecord(
    id="p-1",
    national_id=None,
    given_name_th="กันยา",
    family_name_th="ใจดี",
    given_name_latin="Kanya",
    family_name_latin="Jaidee",
    date_of_birth=dt.date(2015, 3, 3),
    sex="F",
    nationality="THA",
    date_of_death=None,
)
ANSWERS = {
    "person_get": Answer(PERSON, PROVENANCE),
    "person_find": None,
    "people_search": [Answer(PERSON, PROVENANCE), Answer(PERSON, PROVENANCE)],
    "children_of": [
        Answer(
            FamilyMember(PERSON, "parent", "birth_registration", dt.date(2015, 3, 3), None),
            PROVENANCE,
        )
    ],
    "guardians_of": [],
    "travel_documents_of": [
        Answer(
            TravelDocumentRecord(
                "d-1",
                "p-1",
                "P",
                "L898902C3",
                "UTO",
                "UTO",
                "ERIKSSON",
                "ANNA MARIA",
                dt.date(1974, 8, 12),
                "F",
                None,
                dt.date(2012, 4, 15),
                "valid",
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
            ),
            PROVENANCE,
        )
    ],
    "current_address": Answer(
        AddressRecord(
            "a-1",
            "p-1",
            "thai",
            "12/3",
            "4",
            "",
            "Soi 5",
            "Maha Rat",
            "100101",
            {"en": "Phra Borom Maha Ratchawang", "th": "พระบรมมหาราชวัง"},
            {"en": "Phra Nakhon", "th": "พระนคร"},
            {"en": "Bangkok", "th": "กรุงเทพมหานคร"},
            "10200",
            "",
            "",
            "",
            "THA",
            dt.date(2020, 1, 1),
        ),
        PROVENANCE,
    ),
    "residence_on": Answer(
        ResidenceRecord("visa_holder", "Non-B", dt.date(2024, 1, 1), None, True), PROVENANCE
    ),
    "document_belongs_to": Answer(DocumentOwnership(belongs=True, valid=False), PROVENANCE),
    "id_card_matches": Answer(True, PROVENANCE),
}


def test_every_question_has_a_sample_answer() -> None:
    assert set(ANSWERS) == set(QUESTIONS)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_answer_comes_back_equal_after_a_trip_through_json(question: str) -> None:
    sent = json.dumps(wire.answer_to_wire(question, ANSWERS[question]), ensure_ascii=False)
    assert wire.answer_from_wire(question, json.loads(sent)) == ANSWERS[question]


def test_dates_travel_as_iso_strings_and_times_keep_their_offset() -> None:
    data = wire.to_dict(ANSWERS["person_get"])
    assert data["value"]["date_of_birth"] == "2015-03-03"
    assert data["provenance"]["as_of"] == "2025-01-02T03:04:05+07:00"
    assert wire.from_dict(PersonRecord, data["value"]) == PERSON


def test_a_newer_node_may_add_fields() -> None:
    data = {**wire.to_dict(PERSON), "favourite_colour": "green"}
    assert wire.from_dict(PersonRecord, data) == PERSON


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"date_of_birth": "03/03/2015"}, "ISO 8601 date"),
        ({"date_of_birth": "2015-03-03T00:00:00"}, "ISO 8601 date"),
        ({"given_name_latin": 7}, "expected a string"),
        ({"national_id": ["1"]}, "expected a string"),
        ({"id": None}, "expected a string, got NoneType"),
    ],
)
def test_a_wrongly_typed_field_is_refused(change: dict[str, object], problem: str) -> None:
    with pytest.raises(wire.WireError, match=problem):
        wire.from_dict(PersonRecord, {**wire.to_dict(PERSON), **change})


def test_a_missing_field_is_refused() -> None:
    data = wire.to_dict(PERSON)
    del data["sex"]
    with pytest.raises(wire.WireError, match=r"PersonRecord\.sex is missing"):
        wire.from_dict(PersonRecord, data)


def test_a_time_without_its_offset_is_refused() -> None:
    data = wire.to_dict(ANSWERS["person_get"])
    data["provenance"]["as_of"] = "2025-01-02T03:04:05"
    with pytest.raises(wire.WireError, match="UTC offset"):
        wire.answer_from_wire("person_get", data)


def test_a_boolean_answer_must_be_a_boolean() -> None:
    data = wire.answer_to_wire("id_card_matches", ANSWERS["id_card_matches"])
    data["value"] = "yes"
    with pytest.raises(wire.WireError):
        wire.answer_from_wire("id_card_matches", data)


class TestArguments:
    def test_arguments_come_back_typed(self) -> None:
        sent = wire.arguments_to_wire(
            "people_search", {"name": "Jaidee", "date_of_birth": dt.date(2015, 3, 3), "limit": 5}
        )
        assert sent == {"name": "Jaidee", "date_of_birth": "2015-03-03", "limit": 5}
        assert wire.arguments_from_wire("people_search", sent)["date_of_birth"] == dt.date(
            2015, 3, 3
        )

    def test_optional_arguments_may_be_left_out(self) -> None:
        assert wire.arguments_from_wire("people_search", {"name": "Jaidee"}) == {"name": "Jaidee"}

    @pytest.mark.parametrize(
        ("arguments", "problem"),
        [
            ({}, "missing arguments: person_id"),
            ({"person_id": "p", "salary": 1}, "unknown arguments: salary"),
            ({"person_id": 7}, "expected a string"),
            ([], "expected an object"),
        ],
    )
    def test_wrong_arguments_are_refused(self, arguments: object, problem: str) -> None:
        with pytest.raises(wire.WireError, match=problem):
            wire.arguments_from_wire("children_of", arguments)

    def test_a_count_is_not_a_boolean(self) -> None:
        with pytest.raises(wire.WireError, match="boolean"):
            wire.arguments_from_wire("people_search", {"name": "x", "limit": True})

    def test_an_unknown_question_is_refused(self) -> None:
        with pytest.raises(wire.WireError, match="unknown question"):
            wire.arguments_from_wire("salary_of", {})
