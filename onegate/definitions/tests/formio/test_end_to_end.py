"""A multi-page wizard with conditionals and a repeating group, imported and then run."""

from __future__ import annotations

from typing import Any

import onegate.definitions.language as language
from onegate.definitions.tests.formio.support import imported, lines, textfield

TRAVEL = {
    "type": "radio",
    "key": "travelling",
    "label": "Are you travelling?",
    "validate": {"required": True},
    "values": [{"label": "Yes", "value": "yes"}, {"label": "No", "value": "no"}],
}
TRIPS = {
    "type": "editgrid",
    "key": "trips",
    "label": "Trip",
    "validate": {"minLength": 1, "maxLength": 5},
    "components": [
        textfield("country"),
        {"type": "checkbox", "key": "business", "label": "For business?"},
        textfield("employer", conditional={"json": {"==": [{"var": "row.business"}, True]}}),
    ],
}
WIZARD = {
    "display": "wizard",
    "title": "Travel declaration",
    "components": [
        {"type": "panel", "key": "about", "title": "About you", "components": [TRAVEL]},
        {
            "type": "panel",
            "key": "journeys",
            "title": "Your trips",
            "conditional": {"show": True, "when": "travelling", "eq": "yes"},
            "components": [TRIPS],
        },
        {"type": "button", "key": "submit", "label": "Submit"},
    ],
}


def inputs(**answers: Any) -> language.RuleInputs:
    return language.RuleInputs(answers=answers, facts={})


def test_wizard_with_conditional_page_and_repeating_group():
    result, definition = imported(WIZARD, service="travel-declaration")
    compiled = language.definition_compile(result.source)

    assert [page["id"] for page in definition["pages"]] == ["about", "journeys"]
    assert language.page_visible(compiled, "journeys", inputs(travelling="yes")) is True
    assert language.page_visible(compiled, "journeys", inputs(travelling="no")) is False
    trips = definition["pages"][1]["fields"][0]
    assert (trips["type"], trips["min_items"], trips["max_items"]) == ("group", 1, 5)
    assert trips["fields"][2]["condition"] == "item.business == true"
    answers = inputs(travelling="yes")
    business = {"country": "Laos", "business": True, "employer": None}
    holiday = {"country": "Laos", "business": False, "employer": None}
    assert language.field_visible(compiled, "employer", answers, item=business) is True
    assert language.field_visible(compiled, "employer", answers, item=holiday) is False
    assert lines(result, "skipped", "submit (button)") == ["The runner draws its own buttons."]
    assert language.definition_check(result.source) == []
