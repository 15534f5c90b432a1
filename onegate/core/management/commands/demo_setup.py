"""``manage.py demo_setup``: bring the local demo government up to date, keeping existing data.

Run by ``make run`` before the server starts. Every step is idempotent, so a second run only
applies what changed (new migrations, new static files, edited demo data).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.exceptions import InconsistentMigrationHistory
from django.utils import timezone

# Each app that ships demo data adds its loader here, in dependency order.
DEMO_LOADERS: list[tuple[str, list[str]]] = [
    ("load_catalogue", []),
    ("registry_generate", ["--demo"]),
    ("load_demo_staff", []),  # identity: agency staff and service centres (after the catalogue)
    ("load_demo_citizens", []),  # identity: demo citizens' accounts (uses the centre officer)
    ("load_demo_appointments", []),  # appointments: centres' places, facilities, slots (issue 6)
    ("load_demo_rp", []),  # the demo agency system's OpenID Connect client (uses demo staff)
    ("load_demo_definitions", []),  # definitions: the demo services, published (uses demo staff)
    ("load_demo_eta_applicants", []),  # cases: 40 seeded ETA visitors apply (issue 9)
    ("load_demo_credentials", []),  # credentials: the verification API's demo clients (issue 10)
    ("load_demo_insights", []),  # insights: 120 days of performance history (issue 11)
]


class Command(BaseCommand):
    help = "Migrate, create the cache table, collect static files and load the demo data."

    def _start_over_from_an_older_demo(self) -> None:
        """A demo database from before accounts existed cannot take the account model's migration.

        Only the demo's own SQLite file under var/ is set aside (renamed, never deleted); any other
        database is the operator's, and the error stands.
        """
        database = connection.settings_dict
        demo_file = Path(settings.VAR_DIR) / "onegate.sqlite3"
        if connection.vendor != "sqlite" or Path(str(database["NAME"])) != demo_file:
            raise CommandError(
                "This database was made by an older OneGate whose migrations cannot be applied "
                "on top: migrate a copy by hand, or point DATABASE_URL at a new database."
            )
        connection.close()
        kept = demo_file.with_name(f"onegate.sqlite3.{timezone.now():%Y%m%d%H%M%S}.old")
        demo_file.rename(kept)
        self.stdout.write(
            f"The demo database predates accounts; it was moved to {kept} and a new one is made."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        quiet = {"verbosity": max(verbosity - 1, 0)}
        self.stdout.write("Preparing the database…")
        try:
            call_command("migrate", interactive=False, **quiet)
        except InconsistentMigrationHistory:
            self._start_over_from_an_older_demo()
            call_command("migrate", interactive=False, **quiet)
        call_command("createcachetable", **quiet)
        self.stdout.write("Collecting static files…")
        call_command("collectstatic", interactive=False, **quiet)
        for command, arguments in DEMO_LOADERS:
            self.stdout.write(f"Loading demo data ({command})…")
            call_command(command, *arguments, **quiet)
