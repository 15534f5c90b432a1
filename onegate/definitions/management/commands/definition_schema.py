"""``manage.py definition_schema > docs/schema/service-definition.schema.json``: the JSON Schema.

The schema is generated from the typed model; a test fails when the committed file is stale.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onegate.definitions.language.schema_file import definition_schema_text


class Command(BaseCommand):
    help = "Print the JSON Schema of service definition files (docs/schema/...)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(definition_schema_text(), ending="")
