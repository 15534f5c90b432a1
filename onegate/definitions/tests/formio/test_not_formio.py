"""Input that is not a form.io form: every problem listed, nothing imported."""

from __future__ import annotations

from typing import Any

import pytest

from onegate.definitions.formio import NotFormio, formio_import
from onegate.definitions.tests.formio.support import FORMS


def problems_of(data: Any) -> list[str]:
    with pytest.raises(NotFormio) as raised:
        formio_import(data, service="x", agency="y")
    assert isinstance(raised.value, ValueError)
    return raised.value.problems


def test_plain_text():
    (problem,) = problems_of("Name: ____\nAddress: ____")

    assert problem.startswith("The file is not JSON: line 1, column 1")


def test_not_utf8():
    (problem,) = problems_of(b"\xff\xfe\x00{")

    assert problem.startswith("The file is not UTF-8 text")


def test_a_json_list():
    assert problems_of("[1, 2]") == [
        "The top level is a list, not an object: a form.io form is an object with a "
        "“components” list."
    ]


def test_an_empty_object():
    assert problems_of({}) == ["The object is empty: a form.io form has a “components” list."]


def test_a_submission_is_not_a_form():
    text = (FORMS / "formio-data" / "test_example_form.json").read_text(encoding="utf-8")

    (problem,) = problems_of(text)

    assert "looks like a form.io submission" in problem
    assert "not the form itself" in problem


def test_a_submission_with_data_is_not_a_form():
    (problem,) = problems_of({"data": {"name": "Somchai", "age": 40}, "state": "submitted"})

    assert "looks like a form.io submission (the answers given to a form: age, name)" in problem


def test_components_without_type_or_key_are_all_listed():
    form = {
        "components": [
            {"type": "textfield", "key": "ok"},
            {"key": "no_type"},
            {"type": "panel", "key": "p", "components": [{"type": "number"}, "text"]},
            {"type": "columns", "key": "c", "columns": [{"components": [{"label": "x"}]}]},
        ]
    }

    assert problems_of(form) == [
        "components[1]: the component has no “type”.",
        "components[2].components[0]: the component has no “key”.",
        "components[2].components[1]: a component must be an object.",
        "components[3].columns[0].components[0]: the component has no “type”.",
        "components[3].columns[0].components[0]: the component has no “key”.",
    ]


def test_components_not_a_list_or_empty():
    assert problems_of({"components": {}}) == ["“components” is not a list."]
    assert problems_of({"components": []}) == ["“components” is empty: the form has no components."]


def test_a_form_with_nothing_to_import():
    form = {"components": [{"type": "button", "key": "submit"}]}

    problems = problems_of(form)

    assert problems == [
        "The form has no question OneGate can import.",
        "submit (button): The runner draws its own buttons.",
    ]


def test_a_form_nested_too_deep_is_refused_not_crashed():
    inner = '{"type": "textfield", "key": "name", "label": "Name"}'
    text = '{"components": [' + '{"type": "panel", "key": "p", "components": [' * 3000
    text += inner + "]}" * 3000 + "]}"

    assert problems_of(text) == ["The form nests deeper than 100 levels."]
