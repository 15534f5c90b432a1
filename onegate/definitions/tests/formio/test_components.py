"""Component types, shared properties, ids and pages."""

from __future__ import annotations

from typing import Any

import cel
import pytest

from onegate.definitions.formio.naming import IdRegistry, identifier_from
from onegate.definitions.formio.pages import MAX_PAGES
from onegate.definitions.tests.formio.support import (
    fields_by_id,
    form,
    imported,
    lines,
    textfield,
)


def one_field(component: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    result, definition = imported(form(textfield("other"), component))
    field = fields_by_id(definition).get(identifier_from(component["key"]))
    where = f"{component['key']} ({component['type']})"
    return field, [line.message for line in result.report if line.where == where]


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        ({"type": "textarea"}, "long_text"),
        ({"type": "email"}, "email"),
        ({"type": "phoneNumber"}, "phone"),
        ({"type": "number"}, "number"),
        ({"type": "number", "prefix": "฿"}, "money"),
        ({"type": "currency", "currency": "THB"}, "money"),
        ({"type": "day"}, "date"),
        ({"type": "checkbox"}, "yes_no"),
        ({"type": "checkbox", "validate": {"required": True}}, "declaration"),
        ({"type": "address"}, "address"),
        ({"type": "file"}, "file"),
    ],
)
def test_component_types(component: dict[str, Any], expected: str):
    field, _messages = one_field({"key": "answer", "label": "Answer", **component})

    assert field is not None
    assert field["type"] == expected


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("password", "never asks for a password"),
        ("signature", "no signature field"),
        ("hidden", "hidden value is not a question"),
        ("form", "nested form"),
        ("tags", "Free tags"),
        ("container", "container nests answers"),
        ("sketchpad", "drawing"),
        ("myCustomWidget", "“myCustomWidget” has no OneGate field type"),
    ],
)
def test_skipped_types_say_why(kind: str, reason: str):
    field, messages = one_field({"type": kind, "key": "thing", "label": "Thing"})

    assert field is None
    assert any(reason in message for message in messages)


def test_common_properties():
    component = textfield(
        "passportNo",
        label="<b>Passport</b> number",
        description="As printed",
        validate={"required": True, "minLength": "6", "maxLength": 9, "pattern": "[A-Z0-9]+"},
    )
    field, messages = one_field(component)

    assert field is not None
    assert field["id"] == "passport_no"
    assert field["label"] == {"en": "Passport number", "th": "Passport number"}
    assert field["hint"] == {"en": "As printed", "th": "As printed"}
    assert (field.get("required", True), field["min_length"], field["max_length"]) == (True, 6, 9)
    (rule,) = field["validations"]
    assert rule["rule"] == "value.matches('^(?:[A-Z0-9]+)$')"
    assert cel.compile(rule["rule"]).execute({"value": "AB123"}) is True
    assert cel.compile(rule["rule"]).execute({"value": "ab 1"}) is False
    assert any("“passportNo” is renamed" in message for message in messages)


def test_javascript_only_patterns_and_logic_are_skipped():
    component = textfield(
        "code",
        defaultValue="X1",
        validate={"pattern": "(?=.*[0-9]).+", "custom": "valid = input.length > 2;"},
        calculateValue="value = 1;",
        logic=[{"name": "x", "trigger": {}, "actions": []}],
    )
    field, messages = one_field(component)

    assert field is not None
    assert "validations" not in field
    assert any("look-around" in message for message in messages)
    assert any(message.startswith("Custom JavaScript validation") for message in messages)
    assert any(message.startswith("A calculated value") for message in messages)
    assert any(message.startswith("form.io logic") for message in messages)
    assert any(message.startswith("The default answer X1") for message in messages)


def test_select_from_a_url_is_skipped():
    component = {"type": "select", "key": "country", "dataSrc": "url", "data": {"url": "https://x"}}
    field, messages = one_field(component)

    assert field is None
    assert any("come from “url”" in message for message in messages)


def test_option_values_become_identifiers():
    values = [{"label": "Yes please", "value": "Yes please"}, {"label": "No", "value": "2"}]
    field, messages = one_field({"type": "radio", "key": "wish", "values": values})

    assert field is not None
    assert [option["value"] for option in field["options"]] == ["yes_please", "f_2"]
    assert "The option value “Yes please” becomes “yes_please”." in messages


def test_file_limits_and_types():
    component = {"type": "file", "key": "scan", "fileMaxSize": "5MB", "filePattern": ".pdf,.docx"}
    field, messages = one_field({**component, "multiple": True})

    assert field is not None
    assert (field["max_size_mb"], field["accept"], field["max_files"]) == (5, ["pdf"], 10)
    assert any("Only PDF, JPEG and PNG" in message for message in messages)


def test_number_limits_are_whole_numbers():
    component = {"type": "number", "key": "n", "validate": {"min": "0.5", "max": 9.5}}
    field, _messages = one_field(component)

    assert field is not None
    assert (field["min"], field["max"]) == (1, 9)


def test_hidden_components_are_skipped():
    field, messages = one_field(textfield("secret", hidden=True))

    assert field is None
    assert messages == ["The component is hidden: the person never sees it."]


def test_group_limits_and_nested_groups():
    deepest = {"type": "datagrid", "key": "deepest", "components": [textfield("deep")]}
    inner = {"type": "datagrid", "key": "visits", "components": [textfield("place"), deepest]}
    grid = {
        "type": "editgrid",
        "key": "children",
        "label": "Child",
        "validate": {"minLength": 1, "maxLength": 4},
        "components": [textfield("name"), inner],
    }
    result, definition = imported(form(grid))

    group = fields_by_id(definition)["children"]
    assert (group["min_items"], group["max_items"]) == (1, 4)
    assert [field["id"] for field in group["fields"]] == ["name", "visits"]
    assert [field["id"] for field in group["fields"][1]["fields"]] == ["place"]
    where = "children (editgrid) > visits (datagrid) > deepest (datagrid)"
    assert lines(result, "skipped", where) == ["Repeating groups may be nested at most 2 deep."]


def test_ids_are_unique_snake_case():
    registry = IdRegistry()

    assert [registry.claim(key) for key in ("textField", "text_field", "1st", "")] == [
        "text_field",
        "text_field_2",
        "f_1st",
        "field",
    ]


def test_loose_questions_get_a_page_each():
    _result, definition = imported(form(textfield("first"), textfield("second")))

    assert [page["id"] for page in definition["pages"]] == ["first", "second"]
    assert definition["pages"][0]["title"] == {"en": "First", "th": "First"}


def test_too_many_loose_questions_share_pages():
    many = [textfield(f"q{number}") for number in range(MAX_PAGES + 1)]
    panel = {"type": "panel", "key": "end", "title": "End", "components": [textfield("last")]}
    result, definition = imported(form(*many, panel, textfield("after")))

    # the shared page holds 51 questions, more than a page may: it is split after 50
    assert [len(page["fields"]) for page in definition["pages"]] == [50, 1, 1, 1]
    assert definition["pages"][0]["title"] == {"en": "Page 1", "th": "หน้า 1"}
    assert definition["pages"][1]["title"] == {"en": "Page 1 (2)", "th": "หน้า 1 (2)"}
    assert any("share a page" in message for message in lines(result, "changed", ""))


def test_a_page_without_questions_is_dropped():
    empty = {"type": "panel", "key": "intro", "components": [{"type": "content", "key": "c"}]}
    result, definition = imported(form(empty, textfield("name")))

    assert [page["id"] for page in definition["pages"]] == ["name"]
    assert "The page has no question that could be imported." in lines(result, "skipped", "intro")


def test_title_and_slugs_from_the_arguments():
    result, definition = imported(
        form(textfield("name")),
        service="Visa_Application",
        agency="immigration",
        title={"en": "Visa", "th": "วีซ่า"},
    )

    assert definition["service"] == "visa-application"
    assert definition["title"] == {"en": "Visa", "th": "วีซ่า"}
    assert any("“visa-application”" in message for message in lines(result, "changed", ""))
