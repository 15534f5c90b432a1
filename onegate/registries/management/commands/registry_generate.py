"""``manage.py registry_generate --people N --seed S``: load a synthetic population.

Deterministic: the same seed and start date make the same people with the same UUIDs. Prints
progress per chunk and the final rate. Refuses to add to a database that already holds a
population unless ``--append``. The work is ``generator.service.population_generate``.

``--demo`` is what ``make run`` uses: the demo population (10,000 people, a fixed seed; skipped
when the database already has one) and the named demo people README lists (refreshed each time).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onegate.registries.demo_people import load_demo_people
from onegate.registries.demo_subscriptions import load_demo_subscriptions
from onegate.registries.generator.service import (
    PopulationError,
    PopulationReport,
    population_generate,
    population_load_demo,
)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--start-date must be a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Generate a deterministic synthetic population (people, families, documents, addresses)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, help="How many people.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--start-date",
            type=_date,
            help="The day the population is as of (ages, expiries); default today.",
        )
        parser.add_argument(
            "--append", action="store_true", help="Add to a database that already has people."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1 if (os.cpu_count() or 1) > 1 else 0,
            help="Processes drafting chunks while this one writes (default 1; 0: none).",
        )
        parser.add_argument("--database", default="default", help="Database alias.")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Load the demo population (unless one is there) and the named demo people.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["demo"]:
            self._demo()
            return
        if options["people"] is None:
            raise CommandError("Say how many people: --people N (or --demo).")

        def progress(done: int, total: int, seconds: float) -> None:
            if options["verbosity"] > 0:
                rate = done / seconds if seconds else 0
                self.stdout.write(f"  {done:>10,} / {total:,} people  ({rate:,.0f} people/s)")

        try:
            report = population_generate(
                people=options["people"],
                seed=options["seed"],
                start_date=options["start_date"],
                append=options["append"],
                workers=options["workers"],
                progress=progress,
                using=options["database"],
            )
        except PopulationError as error:
            raise CommandError(str(error.message)) from None
        self._report(report)

    def _report(self, report: PopulationReport) -> None:
        rows = ", ".join(
            f"{label.split('.')[-1]} {count:,}" for label, count in report.rows.items()
        )
        self.stdout.write(
            f"Generated {report.people:,} people (seed {report.seed}, as of "
            f"{report.start_date.isoformat()}) in {report.seconds:.1f} s: "
            f"{report.rate:,.0f} people/s. Rows: {rows}."
        )

    def _demo(self) -> None:
        report = population_load_demo()
        if report is None:
            self.stdout.write("The registers already hold a population; not generating another.")
        else:
            self._report(report)
        people = load_demo_people()
        self.stdout.write(f"Named demo people ready: {', '.join(p.name for p in people)}.")
        subscriptions = load_demo_subscriptions()
        agencies = ", ".join(s.agency_slug for s in subscriptions)
        self.stdout.write(f"Agencies told about changes of address: {agencies}.")
