"""``manage.py load_demo_definitions``: publish the demo services' definitions (after staff)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onegate.definitions.demo import load_demo_definitions
from onegate.definitions.language import DefinitionInvalid


class Command(BaseCommand):
    help = "Publish the demo service definitions whose text has not been published yet."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = load_demo_definitions()  # skipped services are warned about on stderr
        except DefinitionInvalid as invalid:
            problems = "\n".join(f"  {problem}" for problem in invalid.problems)
            raise CommandError(f"A demo definition cannot be published:\n{problems}") from invalid
        if not options["verbosity"]:
            return
        for item in loaded:
            if item.skipped:
                continue  # said on standard error, as a warning
            done = "published" if item.published else "already published"
            self.stdout.write(f"{item.service}: version {item.number} {done}.")
