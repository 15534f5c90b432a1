"""``manage.py demo_setup``: bring the local demo government up to date, keeping existing data.

Run by ``make run`` before the server starts. Every step is idempotent, so a second run only
applies what changed (new migrations, new static files, edited demo data).
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Each app that ships demo data adds its loader here, in dependency order.
DEMO_LOADERS: list[tuple[str, list[str]]] = [
    ("load_catalogue", []),
    ("registry_generate", ["--demo"]),
    ("load_demo_staff", []),  # identity: agency staff and service centres (after the catalogue)
    ("load_demo_citizens", []),  # identity: demo citizens' accounts (uses the centre officer)
]


class Command(BaseCommand):
    help = "Migrate, create the cache table, collect static files and load the demo data."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        quiet = {"verbosity": max(verbosity - 1, 0)}
        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, **quiet)
        call_command("createcachetable", **quiet)
        self.stdout.write("Collecting static files…")
        call_command("collectstatic", interactive=False, **quiet)
        for command, arguments in DEMO_LOADERS:
            self.stdout.write(f"Loading demo data ({command})…")
            call_command(command, *arguments, **quiet)
