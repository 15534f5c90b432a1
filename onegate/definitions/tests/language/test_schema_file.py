"""The committed JSON Schema is the one the model generates, and it accepts the example."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command

from onegate.definitions.language.schema_file import SCHEMA_PATH, definition_schema_text

from .support import ETA


def test_the_committed_schema_is_the_generated_one() -> None:
    committed = (Path(settings.BASE_DIR) / SCHEMA_PATH).read_text(encoding="utf-8")

    assert committed == definition_schema_text(), (
        "regenerate it: manage.py definition_schema > docs/schema/service-definition.schema.json"
    )


def test_the_command_prints_the_schema() -> None:
    out = StringIO()

    call_command("definition_schema", stdout=out)

    assert out.getvalue() == definition_schema_text()


def test_the_schema_names_every_top_level_key() -> None:
    import json

    schema = json.loads(definition_schema_text())

    assert set(yaml.safe_load(ETA)) <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_the_documented_example_is_valid_and_its_tests_pass() -> None:
    from onegate.definitions.language import definition_check

    docs = (Path(settings.BASE_DIR) / "docs" / "service-definitions.md").read_text(encoding="utf-8")
    example = docs.split("```yaml\n", 1)[1].split("```", 1)[0]

    assert example == ETA
    assert definition_check(example) == []
