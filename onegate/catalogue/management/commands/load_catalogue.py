"""``manage.py load_catalogue [path]``: create or update the catalogue from a YAML data file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onegate.catalogue.services import DEMO_CATALOGUE, CatalogueDataError, catalogue_load_file


class Command(BaseCommand):
    help = (
        "Load agencies, life events and services from a YAML file (the demo catalogue by default). "
        "Safe to run again: entries are matched by slug and only changed fields are written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", type=Path, default=DEMO_CATALOGUE, help="catalogue YAML file"
        )

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            report = catalogue_load_file(path=path)
        except CatalogueDataError as exc:
            raise CommandError(f"{exc}\nNothing was loaded.") from exc
        for line in report.lines():
            self.stdout.write(line)
