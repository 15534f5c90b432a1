"""What the definition language refuses is dropped and reported, or the form is NotFormio; the
importer keeps within the language's caps on counts (pages, questions per page, options)."""

from __future__ import annotations

import pytest

import onegate.definitions.language as language
from onegate.definitions.formio import NotFormio, formio_import
from onegate.definitions.formio.limits import MAX_FIELDS_PER_PAGE, MAX_OPTIONS, MAX_PAGES
from onegate.definitions.tests.formio.support import (
    fields_by_id,
    form,
    imported,
    lines,
    textfield,
)


def test_conditions_that_are_not_objects_drop_the_condition_only():
    odd = textfield("nick", conditional={"show": True, "conditions": ["oops"]})

    result, definition = imported(form(textfield("name"), odd))

    assert "condition" not in fields_by_id(definition)["nick"]
    assert lines(result, "skipped", "nick") == [
        "The condition was not imported: its “conditions” are not a list of conditions."
    ]


def test_a_minimum_above_the_maximum_is_dropped_with_the_languages_reason():
    number = {"type": "number", "key": "n", "label": "N", "validate": {"min": 10, "max": 1}}

    result, definition = imported(form(number))

    assert fields_by_id(definition)["n"].get("max") == 1
    assert "min" not in fields_by_id(definition)["n"]
    [line] = lines(result, "skipped", "n (number)")
    assert line.startswith("Dropped, the definition checks refused it:")
    assert "min is more than max" in line
    language.definition_compile(result.source)


def test_lengths_the_wrong_way_round_are_dropped_too():
    field = textfield("code", validate={"minLength": 9, "maxLength": 3})

    result, definition = imported(form(field, textfield("other")))

    kept = fields_by_id(definition)["code"]
    assert not ("min_length" in kept and "max_length" in kept)
    assert lines(result, "skipped", "code (textfield)")


def test_nothing_left_is_not_formio_with_the_languages_reasons():
    with pytest.raises(NotFormio) as refused:
        formio_import(form(textfield("name")), service="x", agency="y", title={"en": "", "th": ""})

    assert refused.value.problems[0] == (
        "The form does not make a service definition the language accepts."
    )
    assert len(refused.value.problems) > 1


def test_a_page_with_too_many_questions_is_split_with_its_condition():
    many = [textfield(f"q{number}") for number in range(MAX_FIELDS_PER_PAGE + 5)]
    panel = {
        "type": "panel", "key": "big", "title": "Big",
        "conditional": {"show": True, "when": "first", "eq": "yes"}, "components": many,
    }  # fmt: skip

    result, definition = imported(form(textfield("first"), panel))

    first, second = definition["pages"][1:]
    assert (len(first["fields"]), len(second["fields"])) == (MAX_FIELDS_PER_PAGE, 5)
    assert second["id"] == "big_2" and second["title"]["en"] == "Big (2)"
    assert first["condition"] == second["condition"] == "answers.first == 'yes'"
    assert lines(result, "changed", "big (panel)")[0].startswith("The page has 55 questions")
    language.definition_compile(result.source)


def test_a_group_keeps_its_first_questions():
    many = [textfield(f"q{number}") for number in range(MAX_FIELDS_PER_PAGE + 2)]
    grid = {"type": "datagrid", "key": "rows", "label": "Rows", "components": many}

    result, definition = imported(form(grid))

    assert len(fields_by_id(definition)["rows"]["fields"]) == MAX_FIELDS_PER_PAGE
    assert any("at most 50 questions" in line for line in lines(result, "skipped", "rows"))


def test_too_many_options_and_pages_are_cut_and_reported():
    values = [{"value": f"v{number}", "label": str(number)} for number in range(MAX_OPTIONS + 1)]
    choice = {"type": "radio", "key": "pick", "label": "Pick", "values": values}
    panels = [
        {"type": "panel", "key": f"p{number}", "components": [textfield(f"t{number}")]}
        for number in range(MAX_PAGES + 1)
    ]

    result, definition = imported(form(choice, *panels))

    assert len(fields_by_id(definition)["pick"]["options"]) == MAX_OPTIONS
    assert len(definition["pages"]) == MAX_PAGES
    assert lines(result, "skipped", "pick (radio)") == [
        f"A question may have at most {MAX_OPTIONS} options; the rest are left out."
    ]
    assert lines(result, "skipped", f"p{MAX_PAGES - 1} (panel)")
