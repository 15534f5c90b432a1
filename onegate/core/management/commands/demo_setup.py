"""``manage.py demo_setup``: bring the local demo government up to date, keeping existing data.

Run by ``make run`` before the server starts (with ``--banner``, which then says where to go).
Every step is idempotent, so a run only applies what changed (new migrations, new static files,
edited demo data). When nothing can have changed since the last complete run on this same
database, the steps are skipped altogether (see ``DemoSources``): ``make run`` then restarts in
seconds. ``--fresh`` (``make demo``) starts the demo's own SQLite database afresh, keeping the old
one beside it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.exceptions import InconsistentMigrationHistory
from django.db.migrations.executor import MigrationExecutor
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

# What the loads read, under the project's root: the code and data of every app (the demo data
# lives beside its app), the settings, the built front end that collectstatic copies, and the
# locked versions of every library (their migrations, their static files).
SOURCE_FOLDERS = ("onegate", "config", "frontend/dist")
SOURCE_FILES = ("uv.lock",)
# Not read by any load: tests, compiled bytecode, and catalogues compiled from the .po beside them.
IGNORED_PARTS = frozenset({"tests", "__pycache__", "node_modules"})
IGNORED_SUFFIXES = frozenset({".pyc", ".mo"})


def demo_file() -> Path:
    return Path(settings.VAR_DIR) / "onegate.sqlite3"


def is_demo_file_database() -> bool:
    """True when the database is the demo's own SQLite file under var/ (not the operator's)."""
    return connection.vendor == "sqlite" and Path(str(connection.settings_dict["NAME"])) == (
        demo_file()
    )


def demo_file_set_aside() -> Path:
    """Rename the demo's SQLite file (never delete it) so that migrate makes a new one."""
    connection.close()
    stamp = f"{timezone.now():%Y%m%d%H%M%S}"
    kept = demo_file().with_name(f"onegate.sqlite3.{stamp}.old")
    number = 1
    while kept.exists():  # twice in one second: never rename over an older copy
        number += 1
        kept = demo_file().with_name(f"onegate.sqlite3.{stamp}-{number}.old")
    for suffix in ("", "-wal", "-shm"):  # SQLite's write-ahead log travels with its database
        part = Path(f"{demo_file()}{suffix}")
        if part.exists():
            part.rename(f"{kept}{suffix}")
    return kept


@dataclass(frozen=True)
class DemoSources:
    """Everything a complete ``demo_setup`` depends on, as one digest.

    Two runs with the same digest would load the same data into the same database: the same
    code, demo data, settings, front end and libraries (by each file's path, size and time of
    change), the same database (SQLite: its file's identity, which a new file does not share;
    PostgreSQL: its name, host and internal id, which a re-created database does not share), the
    same secret key (the API clients' secrets derive from it) and the same day (appointment
    slots and the performance history run up to today). The digest of the last complete run is
    kept in ``var/``; it is removed before a run starts, so a run that stopped half-way is
    never taken for complete.
    """

    root: Path

    @property
    def record(self) -> Path:
        return Path(settings.VAR_DIR) / "demo-setup.digest"

    def digest(self, files: list[str] | None = None) -> str:
        """``files``: the source files as ``files_seen()`` listed them (default: now)."""
        hasher = hashlib.sha256()
        listed = self._files() if files is None else files
        for line in (*self._database_identity(), *listed, timezone.localdate().isoformat()):
            hasher.update(line.encode("utf-8", "surrogateescape") + b"\n")
        hasher.update(hashlib.sha256(str(settings.SECRET_KEY).encode()).digest())
        return hasher.hexdigest()

    def unchanged(self) -> bool:
        """True when the last complete run had this digest and migrate has nothing to do."""
        try:
            recorded = self.record.read_text().strip()
        except FileNotFoundError:
            return False
        return recorded == self.digest() and self._static_collected() and not _migrations_due()

    def forget(self) -> None:
        self.record.unlink(missing_ok=True)

    def files_seen(self) -> list[str]:
        return self._files()

    def remember(self, files: list[str]) -> None:
        """Keep the digest of a complete run: of the source files as they were when it started
        (a file edited during the run makes the next one load again), and of the database as it
        is now (a new SQLite file exists only after the run)."""
        self.record.parent.mkdir(parents=True, exist_ok=True)
        self.record.write_text(self.digest(files) + "\n")

    def _database_identity(self) -> list[str]:
        database = connection.settings_dict
        identity = [connection.vendor, str(database["NAME"])]
        if connection.vendor == "sqlite":
            path = Path(str(database["NAME"]))
            found = path.stat() if path.is_file() else None  # in memory: nothing to compare
            identity.append(f"{found.st_dev}:{found.st_ino}" if found else "not a file")
        else:
            identity += [str(database.get("HOST")), str(database.get("PORT"))]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
                    identity.append(str(cursor.fetchone()[0]))
        return identity

    def _files(self) -> list[str]:
        found = []
        folders = [self.root / name for name in SOURCE_FOLDERS]
        files = [self.root / name for name in SOURCE_FILES]
        for folder in folders:
            for path in folder.rglob("*"):
                relative = path.relative_to(self.root)
                if IGNORED_PARTS.intersection(relative.parts) or path.suffix in IGNORED_SUFFIXES:
                    continue
                if path.is_file():
                    files.append(path)
        for path in sorted(files):
            if path.exists():
                state = path.stat()
                found.append(f"{path.relative_to(self.root)} {state.st_size} {state.st_mtime_ns}")
            else:
                found.append(f"{path.relative_to(self.root)} missing")
        return found

    @staticmethod
    def _static_collected() -> bool:
        root = settings.STATIC_ROOT
        return bool(root) and (Path(root) / "staticfiles.json").exists()


def _migrations_due() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = "Migrate, create the cache table, collect static files and load the demo data."
    # The system checks (3 s: they import every view) run with the steps, not on a restart: what
    # they check (code and settings) is part of the digest, so an unchanged digest has passed them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="Start the demo's own SQLite database afresh (the old one is renamed, never "
            "deleted). Any other database is left as it is and only brought up to date.",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Run every step even when nothing changed since the last complete run.",
        )
        parser.add_argument(
            "--banner",
            action="store_true",
            help="Then print the demo's addresses and sign-ins (as manage.py demo_banner).",
        )

    def handle(self, *args: Any, fresh: bool, full: bool, banner: bool, **options: Any) -> None:
        sources = DemoSources(root=Path(settings.BASE_DIR))
        if fresh:
            self._start_afresh()
        if not fresh and not full and self._database_exists() and sources.unchanged():
            self.stdout.write(
                "The demo government is up to date: nothing changed since it was last loaded "
                "(manage.py demo_setup --full loads it again)."
            )
        else:
            sources.forget()
            files = sources.files_seen()
            self._load(verbosity=options["verbosity"])
            sources.remember(files)
        if banner:
            call_command("demo_banner", stdout=self.stdout)

    def _start_afresh(self) -> None:
        if not is_demo_file_database():
            self.stdout.write(
                f"Not starting afresh: the database is not the demo's own file ({demo_file()}), "
                "and demo_setup never drops a database. Bringing it up to date instead; for a "
                "fresh demo, point DATABASE_URL at a new, empty database."
            )
            return
        if demo_file().exists():
            kept = demo_file_set_aside()
            self.stdout.write(f"The demo database was moved to {kept}; loading a fresh demo.")

    @staticmethod
    def _database_exists() -> bool:
        return not is_demo_file_database() or demo_file().exists()

    def _load(self, *, verbosity: int) -> None:
        quiet = {"verbosity": max(verbosity - 1, 0)}
        self.check(display_num_errors=False)
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

    def _start_over_from_an_older_demo(self) -> None:
        """A demo database from before accounts existed cannot take the account model's migration.

        Only the demo's own SQLite file under var/ is set aside (renamed, never deleted); any other
        database is the operator's, and the error stands.
        """
        if not is_demo_file_database():
            raise CommandError(
                "This database was made by an older OneGate whose migrations cannot be applied "
                "on top: migrate a copy by hand, or point DATABASE_URL at a new database."
            )
        kept = demo_file_set_aside()
        self.stdout.write(
            f"The demo database predates accounts; it was moved to {kept} and a new one is made."
        )
