"""The open data validates against its documented schema (``docs/schema/
performance-open-data.schema.json``): the JSON document as served, and every CSV row read back
with the column types ``docs/insights.md`` gives."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from onegate.insights.constants import EventKind
from onegate.insights.public import (
    OPEN_DATA_FIELDS,
    SCHEMA_URL,
    open_data,
    open_data_csv,
    open_data_json,
)
from onegate.insights.tests.measure_rows import (
    NOV_3,
    counted,
    november,
    published_fishing,  # noqa: F401 (the fixture "owner")
)

jsonschema = pytest.importorskip("jsonschema")

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "schema" / "performance-open-data.schema.json"
MONTHS = [dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)]
TODAY = dt.date(2026, 12, 5)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validator(schema: dict[str, Any], ref: str = "") -> Any:
    found = {"$defs": schema["$defs"], "$ref": ref} if ref else schema
    return jsonschema.Draft202012Validator(
        found, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_the_schema_is_a_valid_2020_12_schema_naming_every_field_in_order(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == SCHEMA_URL
    row = schema["$defs"]["row"]
    names = [name for name, _kind in OPEN_DATA_FIELDS]
    assert list(row["properties"]) == names
    assert row["required"] == names


@pytest.mark.usefixtures("owner")
def test_the_json_document_validates(schema):
    november()  # a month with figures, some suppressed
    counted(dt.date(2026, 12, 2), EventKind.STARTED, 3)  # a month with everything suppressed
    rows = open_data(months=MONTHS, today=TODAY)

    document = json.loads(open_data_json(rows, months=MONTHS))

    errors = [error.message for error in validator(schema).iter_errors(document)]
    assert errors == []
    assert [row["month"] for row in document["rows"]] == ["2026-10", "2026-11", "2026-12"]


def read_back(kind: str, cell: str) -> Any:
    """A CSV cell as the documented column type (an empty cell is a suppressed or absent figure)."""
    if kind == "names":
        return cell.split()
    if kind in ("text", "month"):
        return cell
    if cell == "":
        return None
    if kind in ("count", "seconds", "days"):
        return int(cell)
    return float(cell)  # rate, money


@pytest.mark.usefixtures("owner")
def test_every_csv_row_read_back_with_its_column_types_validates(schema):
    november()
    counted(NOV_3, EventKind.SUBMITTED, 2500, channel="assisted")
    rows = open_data(months=MONTHS, today=TODAY)
    kinds = dict(OPEN_DATA_FIELDS)
    row_validator = validator(schema, "#/$defs/row")

    lines = list(csv.DictReader(io.StringIO(open_data_csv(rows).decode("utf-8"))))

    assert len(lines) == 3
    for line in lines:
        row = {name: read_back(kinds[name], cell) for name, cell in line.items()}
        assert [error.message for error in row_validator.iter_errors(row)] == []


@pytest.mark.usefixtures("owner")
def test_the_schema_refuses_a_figure_named_suppressed_that_is_not_empty(schema):
    november()
    (row,) = json.loads(open_data_json(open_data(months=MONTHS[1:2], today=TODAY)))["rows"]
    assert "submitted_assisted" in row["suppressed"]

    row["submitted_assisted"] = 3

    assert not validator(schema, "#/$defs/row").is_valid(row)
