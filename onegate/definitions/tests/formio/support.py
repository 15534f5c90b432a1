"""Shared test data for the form.io import tests: the real form.io files and small builders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from onegate.definitions.formio import FormioImport, formio_import


def _forms_folder() -> Path:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "testdata" / "forms"
        if candidate.is_dir():
            return candidate
    raise LookupError("shared/testdata/forms is not above this test file")


FORMS = _forms_folder()
BUILDERS = sorted(
    [*(FORMS / "formiojs").glob("*.json"), *(FORMS / "formio-data").glob("*_builder.json")]
)


def form_file(name: str) -> dict[str, Any]:
    return json.loads((FORMS / name).read_text(encoding="utf-8"))


def imported(form: Any, **arguments: Any) -> tuple[FormioImport, dict[str, Any]]:
    """The import and its YAML read back."""
    arguments = {"service": "imported-form", "agency": "immigration", **arguments}
    result = formio_import(form, **arguments)
    return result, yaml.safe_load(result.source)


def fields_by_id(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def collect(fields: list[dict[str, Any]]) -> None:
        for field in fields:
            found[field["id"]] = field
            collect(field.get("fields", []))

    for page in definition["pages"]:
        collect(page["fields"])
    return found


def lines(result: FormioImport, kind: str, where_contains: str = "") -> list[str]:
    return [
        line.message for line in result.report if line.kind == kind and where_contains in line.where
    ]


def form(*components: dict[str, Any], display: str = "form") -> dict[str, Any]:
    return {"display": display, "title": "Test form", "components": list(components)}


def textfield(key: str, **extra: Any) -> dict[str, Any]:
    return {"type": "textfield", "key": key, "label": key.title(), "input": True, **extra}
