"""Input of the wrong type never crashes the import: it gives a definition that compiles, or
``NotFormio``. Every form in the test data, each component's properties changed one at a time."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

import onegate.definitions.language as language
from onegate.definitions.formio import NotFormio, formio_import
from onegate.definitions.tests.formio.support import FORMS, form

Path_ = tuple[str | int, ...]
FILES = sorted(path for path in FORMS.glob("*/*.json") if "components" in path.read_text())


# The properties the importer reads, tried on each component type; the many others (form.io's
# display settings) are tried on one type only.
READ = {
    "calculateValue", "columns", "conditional", "currency", "customConditional", "data",
    "dataSrc", "decimalLimit", "defaultValue", "description", "enableDate", "enableTime",
    "fields", "fileMaxSize", "filePattern", "hidden", "inputMask", "key", "label", "legend",
    "logic", "multiple", "prefix", "questions", "requireDecimal", "rows", "storage", "suffix",
    "title", "tooltip", "type", "validate", "values",
    # inside them
    "component", "conditions", "conjunction", "custom", "customMessage", "eq", "hide", "json",
    "max", "maxLength", "min", "minLength", "operator", "pattern", "required", "show", "value",
    "when",
}  # fmt: skip


def wrong_values(value: Any) -> list[Any]:
    """Values of other JSON types: a list for an object, a string for a list, null, a number
    (one too large for any field), an object for a list."""
    wrong: list[Any] = [["oops"], "oops", None, 10**40]
    if isinstance(value, list):
        wrong.append({"oops": ["oops"]})
    return [other for other in wrong if type(other) is not type(value)]


def component_paths(node: Any, path: Path_ = ()) -> Iterator[Path_]:
    if isinstance(node, dict):
        if isinstance(node.get("type"), str) and isinstance(node.get("key"), str):
            yield path
        for key, inner in node.items():
            yield from component_paths(inner, (*path, key))
    elif isinstance(node, list):
        for index, inner in enumerate(node):
            yield from component_paths(inner, (*path, index))


def property_paths(node: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Every property of a component, nested ones too, but not its child components."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, inner in items:
        if key == "components":
            continue
        yield (*path, key)
        if isinstance(inner, dict | list):
            yield from property_paths(inner, (*path, key))


def at(node: Any, path: Path_) -> Any:
    for part in path:
        node = node[part]
    return node


def smallest_form(data: dict[str, Any], component: Path_) -> tuple[dict[str, Any], Path_]:
    """The component's top-level component (itself, or the panel it is in) as a form of its
    own, so conditions still see the questions of the same page; and its path in that form."""
    return {"components": [at(data, component[:2])]}, ("components", 0, *component[2:])


def mutations(
    data: dict[str, Any], seen: set[Any], *, whole: bool = False
) -> Iterator[tuple[Any, Path_, Any]]:
    """(form, path, wrong value) for each property of each component, in the smallest form
    that holds it or, ``whole``, in the whole form; a property shape
    (component type, or any for a property not in ``READ``, and path) already in ``seen`` is
    not tried again."""
    for component in component_paths(data):
        kind = at(data, component)["type"]
        small, place = (data, component) if whole else smallest_form(data, component)
        for prop in property_paths(at(data, component)):
            names = tuple(str(part) for part in prop if isinstance(part, str))
            shape = (kind if set(names) <= READ else "*", names)
            if shape in seen:
                continue
            seen.add(shape)
            for value in wrong_values(at(data, (*component, *prop))):
                yield small, (*place, *prop), value


# What the files do not have: form.io 5 conditions, number limits, a file, a survey, JSONLogic.
EVERY_KIND = form(
    {"type": "number", "key": "age", "label": "Age", "validate": {"min": 1, "max": 120}},
    {
        "type": "select", "key": "colour", "label": "Colour", "dataSrc": "values",
        "data": {"values": [{"value": "red", "label": "Red"}, {"value": "blue", "label": "Blue"}]},
        "conditional": {
            "show": True, "conjunction": "all",
            "conditions": [{"component": "age", "operator": "greaterThan", "value": 17}],
        },
    },
    {
        "type": "textfield", "key": "nick", "label": "Nickname",
        "validate": {"pattern": "[a-z]+", "minLength": 2, "maxLength": 20},
        "conditional": {"json": {"in": ["red", {"var": "data.colour"}]}},
    },
    {
        "type": "file", "key": "photo", "label": "Photo", "fileMaxSize": "2MB",
        "filePattern": ".jpg,.png", "conditional": {"show": True, "when": "age", "eq": 30},
    },
    {
        "type": "survey", "key": "rate", "label": "Rate",
        "questions": [{"value": "speed", "label": "Speed"}],
        "values": [{"value": "good", "label": "Good"}, {"value": "bad", "label": "Bad"}],
    },
    {"type": "datetime", "key": "when", "label": "When", "fields": {"day": {"hide": True}}},
)  # fmt: skip


def cases_by_file() -> dict[str, list[tuple[Any, Path_, Any]]]:
    seen: set[Any] = set()
    cases = {"every kind": list(mutations(EVERY_KIND, seen, whole=True))}
    for path in FILES:
        cases[path.name] = list(mutations(json.loads(path.read_text(encoding="utf-8")), seen))
    return cases


CASES = cases_by_file()


def import_or_refuse(data: Any) -> None:
    try:
        result = formio_import(data, service="fuzzed", agency="immigration")
    except NotFormio:
        return
    language.definition_compile(result.source)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_wrong_type_anywhere_gives_a_definition_or_not_formio(name: str):
    for data, where, value in CASES[name]:
        mutated = copy.deepcopy(data)
        *parent, last = where
        at(mutated, tuple(parent))[last] = value

        try:
            import_or_refuse(mutated)
        except Exception as error:  # the failure names the mutation
            pytest.fail(f"{name}: {where} = {value!r}: {type(error).__name__}: {error}")
