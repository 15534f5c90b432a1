"""Every real form.io test file imports into a definition the language compiles."""

from __future__ import annotations

from pathlib import Path

import pytest

import onegate.definitions.language as language
from onegate.definitions.tests.formio.support import (
    BUILDERS,
    fields_by_id,
    form_file,
    imported,
    lines,
)


@pytest.mark.parametrize("path", BUILDERS, ids=lambda path: path.name)
def test_each_form_imports_and_compiles(path: Path):
    result, definition = imported(path.read_text(encoding="utf-8"))

    compiled = language.definition_compile(result.source)

    assert compiled.model.service == "imported-form"
    assert definition["pages"]
    assert any(line.kind == "imported" for line in result.report)


def test_wizard_page_shown_only_when_the_box_is_ticked():
    result, definition = imported(form_file("formiojs/wizardWithSimpleConditionalPage.json"))

    first, second = definition["pages"]
    assert (first["id"], second["id"]) == ("page1", "page2")
    assert "condition" not in first
    assert second["condition"] == "answers.checkbox == true"
    assert fields_by_id(definition)["checkbox"]["type"] == "yes_no"
    assert definition["title"] == {"en": "wizard test", "th": "wizard test"}
    compiled = language.definition_compile(result.source)
    ticked = language.RuleInputs(answers={"checkbox": True}, facts={})
    unticked = language.RuleInputs(answers={"checkbox": False}, facts={})
    assert language.page_visible(compiled, "page2", ticked) is True
    assert language.page_visible(compiled, "page2", unticked) is False


def test_wizard_with_three_panels_gives_three_pages():
    result, definition = imported(form_file("formiojs/wizard_nested_form_comp3.json"))

    assert [page["title"]["en"] for page in definition["pages"]] == ["Page 1", "Page 2", "Page 3"]
    assert lines(result, "skipped", "submit (button)") == ["The runner draws its own buttons."]


def test_editgrid_becomes_a_repeating_group():
    result, definition = imported(form_file("formiojs/editgrid_with_conditions_openWhenEmpty.json"))

    group = fields_by_id(definition)["edit_grid"]
    assert group["type"] == "group"
    assert [field["id"] for field in group["fields"]] == ["text_field", "select1"]
    assert [option["value"] for option in group["fields"][1]["options"]] == ["a", "b", "c"]
    assert group.get("max_items", 10) == 10
    skipped = lines(result, "skipped", "editGrid (editgrid)")
    assert skipped == ["A JavaScript condition is not imported: show = data.radio === 'show';"]


def test_datagrid_with_conditions_and_validations():
    result, definition = imported(
        form_file("formiojs/datagrid_with_conditional_components_and_validations.json")
    )

    (page,) = definition["pages"]
    assert [field["id"] for field in page["fields"]] == ["text", "radio", "text_cal", "data_grid"]
    group = page["fields"][3]
    assert len(group["fields"]) == 6
    assert fields_by_id(definition)["radio"].get("required", True) is True
    assert fields_by_id(definition)["text"]["required"] is False
    where = "page1 (panel) > dataGrid (datagrid) > rootTest (textfield)"
    assert lines(result, "skipped", where)[0].startswith("Custom JavaScript validation")
    assert any("calculated value" in message for message in lines(result, "skipped", "dataGrid"))
    assert lines(result, "skipped", "page1 (panel) > html (htmlelement)") == [
        "Static text is not a question."
    ]


def test_jsonlogic_in_a_datagrid_reports_row_and_missing_references():
    result, definition = imported(
        form_file("formio-data/test_conditional_visibility_nested_json_logic_builder.json")
    )

    row = lines(result, "skipped", "dataGrid (datagrid) > columns2 (columns) > secret3 (textfield)")
    assert any("“password3” in the same row, which was not imported" in m for m in row)
    global_secret = lines(result, "skipped", "globalSecret (textfield)")
    assert any("“password”, which was not imported" in message for message in global_secret)
    fields = fields_by_id(definition)
    assert "condition" not in fields["secret3"]
    assert "password" not in fields


def test_simple_conditionals_typed_by_their_target():
    _result, definition = imported(
        form_file("formio-data/test_conditional_visibility_simple_builder.json")
    )

    fields = fields_by_id(definition)
    assert fields["maybe_text_field"]["condition"] == "answers.text_field == 'show!'"
    guarded = "(answers.job_area != null && '{}' in answers.job_area)"
    assert fields["technology"]["condition"] == guarded.format("technology")
    assert fields["sales"]["condition"] == guarded.format("sales")
    assert fields["job_area"]["type"] == "checkboxes"


def test_big_example_reports_every_skipped_component_by_path():
    result, definition = imported(form_file("formio-data/test_example_builder.json"))

    skipped = {line.where for line in result.report if line.kind == "skipped"}
    assert {"content (content)", "signature (signature)"} <= skipped
    assert {"content1 (content)", "submit (button)"} <= skipped
    fields = fields_by_id(definition)
    assert fields["favourite_food"]["type"] == "checkboxes"
    assert fields["delivery_address"]["type"] == "address"
    assert fields["upload_base64"]["max_size_mb"] == 50
    assert fields["birthdate"]["type"] == "date"
    assert fields["text_field_tab1"]["type"] == "text"  # from inside the tabs
    assert fields["phone_number"]["type"] == "phone"
    survey = [field for field in fields.values() if field["id"].startswith("survey_")]
    assert [field["type"] for field in survey] == ["radios"] * 3
    assert survey[1]["label"]["en"] == "How was the support?"
    assert [option["value"] for option in survey[1]["options"]][:2] == ["excellent", "great"]
    flattened = lines(result, "changed", "table (table)")
    assert "The layout (table) is flattened: its questions are asked in order." in flattened
    time_lost = lines(result, "changed", "appointmentDateTime (datetime)")
    assert "Asked as a date: the time of day is not kept." in time_lost


def test_a_file_with_one_fieldset_is_a_form_of_one_page():
    result, definition = imported(form_file("formiojs/fieldset_comp1.json"))

    (page,) = definition["pages"]
    assert page["title"]["en"] == "User Information"
    assert [field["id"] for field in page["fields"]] == ["first_name", "last_name"]
    assert any("one component" in line.message for line in result.report if not line.where)


def test_texts_are_copied_into_thai_and_defaults_reported():
    result, definition = imported(form_file("formiojs/wizardWithSimpleConditionalPage.json"))

    assert definition["level_of_assurance"] == "substantial"
    assert definition["decision"]["otherwise"]["outcome"] == "refer"
    assert definition["sla_working_days"] == 10
    assert definition["retention"] == {"keep_days_after_closing": 365}
    whole_form = lines(result, "changed")
    assert any("translate every label" in message for message in whole_form)
    assert any("10 working days" in message for message in whole_form)
