"""The published JSON Schema of a definition file, as committed in the docs."""

from __future__ import annotations

import json

from .model import definition_json_schema

__all__ = ["SCHEMA_PATH", "definition_schema_text"]

SCHEMA_PATH = "docs/schema/service-definition.schema.json"


def definition_schema_text() -> str:
    """The schema as the committed file has it: indented, keys sorted, Thai unescaped."""
    return json.dumps(definition_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
