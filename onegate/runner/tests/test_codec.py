"""Answers and facts survive the trip to JSON and back: what is stored is what the rules read."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from onegate.definitions.language import definition_compile
from onegate.runner.codec import (
    answer_from_json,
    answer_to_json,
    answers_from_json,
    value_decode,
    value_encode,
)
from onegate.runner.tests.test_fields import EVERY_TYPE

BANGKOK = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(scope="module")
def fields():
    compiled = definition_compile(EVERY_TYPE)
    return {field.id: field for _page, field in compiled.model.all_fields()}, compiled


@pytest.mark.parametrize(
    ("field_id", "python", "stored"),
    [
        ("name", "Somchai", "Somchai"),
        ("count", 12, 12),
        ("fee", Decimal("1500.5"), "1500.50"),
        ("born", dt.date(2024, 2, 29), "2024-02-29"),
        ("agree", True, True),
        ("colour", "red", "red"),
        ("extras", ["sugar", "milk"], ["sugar", "milk"]),
        ("email", "a@example.test", "a@example.test"),
        ("phone", "+66812345678", "+66812345678"),
        ("home", {"kind": "international", "lines": ["1 High St"], "country": "GBR"}, None),
        ("who", "person-1", "person-1"),
        (
            "proof",
            [{"id": "u1", "name": "a.pdf", "size": 10, "content_type": "application/pdf"}],
            None,
        ),
    ],
)
def test_each_type_is_stored_as_plain_json_and_read_back_the_same(
    fields, field_id, python, stored
) -> None:
    field = fields[0][field_id]

    as_json = answer_to_json(field, python)

    assert json.loads(json.dumps(as_json)) == as_json  # plain JSON
    if stored is not None:
        assert as_json == stored
    assert answer_from_json(field, as_json) == python


def test_money_keeps_every_satang_as_text_not_a_float(fields) -> None:
    field = fields[0]["fee"]

    assert answer_to_json(field, Decimal("0.1") + Decimal("0.2")) == "0.30"
    assert answer_to_json(field, 1.5) == "1.50"
    assert answer_from_json(field, "1234.50") == Decimal("1234.50")


def test_a_group_converts_each_of_its_items_inner_answers(fields) -> None:
    group = fields[0]["travellers"]
    items = [
        {"traveller": "Ann", "traveller_born": dt.date(2015, 1, 2), "kind": "child"},
        {"traveller": "Bo", "traveller_born": dt.date(1980, 5, 6), "kind": "adult"},
    ]

    stored = answer_to_json(group, items)

    assert stored[0]["traveller_born"] == "2015-01-02"
    assert answer_from_json(group, stored) == items


def test_a_group_item_keeps_only_its_own_fields(fields) -> None:
    group = fields[0]["travellers"]

    read = answer_from_json(group, [{"traveller": "Ann", "smuggled": "x"}])

    assert read == [{"traveller": "Ann"}]


def test_not_answered_stays_none(fields) -> None:
    for field in fields[0].values():
        assert answer_to_json(field, None) is None
        assert answer_from_json(field, None) is None


def test_every_stored_answer_is_read_and_keys_of_no_field_are_dropped(fields) -> None:
    compiled = fields[1]

    read = answers_from_json(
        compiled, {"born": "2020-01-31", "fee": "10.00", "count": 3, "nonsense": "x"}
    )

    assert read == {"born": dt.date(2020, 1, 31), "fee": Decimal("10.00"), "count": 3}


def test_a_stored_date_that_is_not_a_date_reads_as_not_answered(fields) -> None:
    assert answer_from_json(fields[0]["born"], "31/01/2020") is None


def test_facts_keep_dates_datetimes_and_decimals_through_json() -> None:
    fact = {
        "date_of_birth": dt.date(1990, 5, 17),
        "checked_at": dt.datetime(2026, 3, 2, 9, 30, tzinfo=BANGKOK),
        "fee": Decimal("1.50"),
        "documents": [{"expires_on": dt.date(2030, 1, 1), "number": "AA1234567"}],
        "resident": True,
        "none": None,
    }

    stored = value_encode(fact)
    back = value_decode(json.loads(json.dumps(stored)))

    assert stored["date_of_birth"] == {"$date": "1990-05-17"}
    assert stored["fee"] == {"$decimal": "1.50"}
    assert back == fact
    assert type(back["checked_at"]) is dt.datetime  # not read back as a plain date
    assert back["checked_at"].utcoffset() == dt.timedelta(hours=7)


def test_a_map_that_only_looks_tagged_is_left_as_a_map() -> None:
    stored = {"$date": "2026-01-01", "other": 1}

    assert value_decode(stored) == stored
    assert value_decode({"$unknown": "x"}) == {"$unknown": "x"}
