"""form.io conditions (simple, form.io 5, JSONLogic) translated into CEL, or reported."""

from __future__ import annotations

from typing import Any

import cel
import pytest

import onegate.definitions.language as language
from onegate.definitions.tests.formio.support import (
    fields_by_id,
    form,
    imported,
    lines,
    textfield,
)

RADIO = {
    "type": "radio",
    "key": "travelReason",
    "label": "Why",
    "values": [
        {"label": "Work trip", "value": "workTrip"},
        {"label": "Holiday", "value": "holiday"},
    ],
}
CHECKBOX = {"type": "checkbox", "key": "married", "label": "Married?"}
NUMBER = {"type": "number", "key": "age", "label": "Age"}
BOXES = {
    "type": "selectboxes",
    "key": "pets",
    "label": "Pets",
    "values": [{"label": "Cat", "value": "cat"}, {"label": "Dog", "value": "dog"}],
}


def condition_of(conditional: dict[str, Any], *others: dict[str, Any]) -> str | None:
    shown = textfield("shown", conditional=conditional)
    _result, definition = imported(form(RADIO, CHECKBOX, NUMBER, BOXES, *others, shown))
    return fields_by_id(definition)["shown"].get("condition")


@pytest.mark.parametrize(
    ("conditional", "expected"),
    [
        ({"show": True, "when": "married", "eq": "true"}, "answers.married == true"),
        ({"show": "true", "when": "age", "eq": "18"}, "answers.age == 18"),
        (
            {"show": True, "when": "travelReason", "eq": "workTrip"},
            "answers.travel_reason == 'work_trip'",
        ),
        (
            {"show": False, "when": "pets", "eq": "dog"},
            "!((answers.pets != null && 'dog' in answers.pets))",
        ),
        ({"show": False, "when": "married", "eq": "false"}, "!(answers.married == false)"),
    ],
)  # fmt: skip
def test_simple_conditional(conditional: dict[str, Any], expected: str):
    assert condition_of(conditional) == expected


@pytest.mark.parametrize(
    ("logic", "expected"),
    [
        ({"==": [{"var": "data.married"}, True]}, "answers.married == true"),
        ({">=": [{"var": "data.age"}, "21"]}, "answers.age >= 21"),
        ({"<": [18, {"var": "data.age"}]}, "answers.age > 18"),
        ({"<": [18, {"var": "data.age"}, 65]}, "(answers.age > 18 && answers.age < 65)"),
        (
            {"and": [{"var": "data.married"}, {"!==": [{"var": "data.travelReason"}, "holiday"]}]},
            "((answers.married) && (answers.travel_reason != 'holiday'))",
        ),
        ({"or": [{"!": {"var": "data.married"}}, {"in": ["cat", {"var": "data.pets"}]}]},
         "((!(answers.married)) || ((answers.pets != null && 'cat' in answers.pets)))"),
        ({"in": [{"var": "data.travelReason"}, ["workTrip", "holiday"]]},
         "answers.travel_reason in ['work_trip', 'holiday']"),
        ({"in": ["@", {"var": "data.name"}]},
         "(answers.name != null && answers.name.contains('@'))"),
        ({"!!": [{"var": "married"}]}, "answers.married"),
    ],
)  # fmt: skip
def test_jsonlogic(logic: dict[str, Any], expected: str):
    assert condition_of({"json": logic}, textfield("name")) == expected
    cel.compile(expected)


@pytest.mark.parametrize(
    ("logic", "reason"),
    [
        ({"if": [{"var": "data.age"}, True, False]}, "operator “if” is not supported"),
        ({"==": [{"var": "data.nowhere"}, 1]}, "“nowhere”, which was not imported"),
        ({"var": "data.name"}, "only a yes/no answer can be"),
        ({"==": [{"var": "data.travelReason"}, "space"]}, "“space” is not one of the options"),
        ({"==": [{"var": "data.age"}, "old"]}, "“old” is not a number"),
        ({"var": ["data.age", 3]}, "default value"),
    ],
)
def test_untranslatable_jsonlogic_is_dropped_and_reported(logic: dict[str, Any], reason: str):
    shown = textfield("shown", conditional={"json": logic})
    result, definition = imported(form(RADIO, CHECKBOX, NUMBER, textfield("name"), shown))

    assert "condition" not in fields_by_id(definition)["shown"]
    (message,) = lines(result, "skipped", "shown (textfield)")
    assert message.startswith("The condition was not imported")
    assert reason in message


def test_jsonlogic_given_as_text():
    assert condition_of({"json": '{"==": [{"var": "data.age"}, 3]}'}) == "answers.age == 3"


def test_formio5_conditions():
    conditional = {
        "show": True,
        "conjunction": "any",
        "conditions": [
            {"component": "age", "operator": "greaterThan", "value": 17},
            {"component": "married", "operator": "isEqual", "value": True},
        ],
    }
    assert condition_of(conditional) == "(answers.age > 17) || (answers.married == true)"


def test_a_panel_condition_applies_to_every_question_inside():
    inner = {
        "type": "panel",
        "key": "more",
        "conditional": {"show": True, "when": "married", "eq": "true"},
        "components": [textfield("spouse", conditional={"show": True, "when": "age", "eq": "30"})],
    }
    page = {
        "type": "panel",
        "key": "about",
        "title": "About",
        "components": [CHECKBOX, NUMBER, inner],
    }
    _result, definition = imported(form(page))

    spouse = fields_by_id(definition)["spouse"]
    assert spouse["condition"] == "(answers.married == true) && (answers.age == 30)"


def test_a_condition_on_a_later_question_is_refused_by_the_language_and_dropped():
    shown = textfield("shown", conditional={"show": True, "when": "later", "eq": "x"})
    result, definition = imported(form(shown, textfield("later")))

    assert "condition" not in fields_by_id(definition)["shown"]
    (dropped,) = [m for m in lines(result, "skipped", "shown (textfield)") if "refused" in m]
    assert "asked after it" in dropped


def test_row_answers_are_read_through_item():
    ticket = {"type": "checkbox", "key": "needsVisa", "label": "Visa?"}
    simple = textfield("visaNumber", conditional={"show": True, "when": "needsVisa", "eq": "true"})
    logic = {"and": [{"var": "row.needsVisa"}, {"==": [{"var": "data.age"}, 3]}]}
    grid = {
        "type": "datagrid",
        "key": "trips",
        "label": "Trips",
        "components": [ticket, simple, textfield("note", conditional={"json": logic})],
    }
    _result, definition = imported(form(NUMBER, grid))

    fields = fields_by_id(definition)
    assert fields["visa_number"]["condition"] == "item.needs_visa == true"
    assert fields["note"]["condition"] == "((item.needs_visa) && (answers.age == 3))"


def test_a_condition_on_an_answer_inside_a_group_from_outside_is_dropped():
    grid = {"type": "datagrid", "key": "trips", "label": "Trips", "components": [textfield("city")]}
    shown = textfield("shown", conditional={"show": True, "when": "city", "eq": "Rome"})
    result, definition = imported(form(grid, shown))

    assert "condition" not in fields_by_id(definition)["shown"]
    assert any(
        "inside a repeating group" in message for message in lines(result, "skipped", "shown")
    )


def test_a_grid_field_may_depend_on_an_answer_outside_the_grid():
    inner = textfield("visa", conditional={"json": {"==": [{"var": "data.married"}, True]}})
    grid = {"type": "editgrid", "key": "trips", "label": "Trips", "components": [inner]}
    _result, definition = imported(form(CHECKBOX, grid))

    assert fields_by_id(definition)["visa"]["condition"] == "answers.married == true"


def test_an_unanswered_checkboxes_question_does_not_hide_a_show_false_field():
    shown = textfield("shown", conditional={"show": False, "when": "pets", "eq": "dog"})
    result, _definition = imported(form(BOXES, shown))
    compiled = language.definition_compile(result.source)

    def visible(pets: list[str] | None) -> bool:
        inputs = language.RuleInputs(answers={"pets": pets}, facts={})
        return language.field_visible(compiled, "shown", inputs)

    assert (visible(None), visible(["cat"]), visible(["dog"])) == (True, True, False)
