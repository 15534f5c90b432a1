"""The RFC 9457 checks themselves: they match the RFC's schema and judge its examples right.

The schema and examples are copied from the shared test data into ``data/rfc9457`` (origin and
licence in its SOURCES.md); ``ONEGATE_RFC9457_TESTDATA`` points elsewhere if wanted.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from onegate.api.tests.problem_checks import (
    PROBLEM_MEMBERS,
    checklist_violations,
    is_uri_reference,
    schema_violations,
)

TESTDATA = Path(
    os.environ.get("ONEGATE_RFC9457_TESTDATA", Path(__file__).parent / "data" / "rfc9457")
)


def shared(name: str) -> Any:
    path = TESTDATA / name
    if not path.exists():
        pytest.skip(f"shared RFC 9457 test data not found at {path}")
    return json.loads(path.read_text())


def test_the_checks_state_the_same_members_as_the_rfc_schema() -> None:
    schema = shared("problem.schema.json")

    assert schema["type"] == "object"
    stated = {
        name: {key: rule[key] for key in ("type", "format", "minimum", "maximum") if key in rule}
        for name, rule in schema["properties"].items()
    }
    assert stated == PROBLEM_MEMBERS
    assert "required" not in schema  # RFC 9457 requires no member


def test_the_checks_judge_the_rfc_examples_as_the_rfc_does() -> None:
    for example in shared("examples.json")["examples"]:
        violations = checklist_violations(example["http_status"], example["body"])
        assert (violations == []) is example["valid"], (example["note"], violations)


@pytest.mark.parametrize(
    ("body", "violation"),
    [
        ([], "not a JSON object"),
        ({"status": "400"}, "status is not a JSON integer"),
        ({"status": True}, "status is not a JSON integer"),
        ({"status": 600}, "status is out of range"),
        ({"title": 3}, "title is not a JSON string"),
        ({"type": "not a uri"}, "type is not a URI reference"),
        ({"instance": "1bad:scheme"}, "instance is not a URI reference"),
    ],
)
def test_wrong_members_are_caught(body: Any, violation: str) -> None:
    assert schema_violations(body) == [violation]


@pytest.mark.parametrize(
    "value", ["about:blank", "https://example.com/probs/x", "/account/1/msgs/abc", "urn:uuid:1", ""]
)
def test_uri_references_pass(value: str) -> None:
    assert is_uri_reference(value)
