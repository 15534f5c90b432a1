"""``manage.py insights_aggregate``: rebuild the performance aggregates now, or over a range.

Without arguments it does what the periodic job does (the current and previous hours, any
missed since, and their days). ``--since`` (and ``--until``, the last hour included, default
the current hour) rebuild every UTC hour of a range and the days it touches: a backfill after
events were loaded or a fix. Prints what was done and how long it took.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from onegate.insights.services.aggregation import (
    HOUR,
    AggregationReport,
    hours_rebuild,
    measures_aggregate,
)

HOUR_FORMAT = "%Y-%m-%dT%H"


def hour_parse(text: str, option: str) -> dt.datetime:
    """A UTC hour written YYYY-MM-DDTHH (or a date, meaning its hour 00)."""
    for form in (HOUR_FORMAT, "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), form).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    raise CommandError(f"{option} must be a UTC hour written YYYY-MM-DDTHH, e.g. 2026-03-01T17")


class Command(BaseCommand):
    help = "Rebuild the hourly and daily performance aggregates from the recorded events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", default="", help="First UTC hour to rebuild, YYYY-MM-DDTHH.")
        parser.add_argument(
            "--until",
            default="",
            help="Last UTC hour to rebuild (included), YYYY-MM-DDTHH; default the current hour.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since, until = options["since"], options["until"]
        if not since and until:
            raise CommandError("--until needs --since: say the first hour too")
        if not since:
            self._print(measures_aggregate())
            return
        current = timezone.now().astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
        first = hour_parse(since, "--since")
        last = hour_parse(until, "--until") if until else current
        if first > current or last > current:
            raise CommandError(
                f"The range must not be in the future: the current hour is "
                f"{current:{HOUR_FORMAT}} UTC"
            )
        if last < first:
            raise CommandError("--until is before --since")
        self._print(hours_rebuild(start=first, end=last + HOUR))

    def _print(self, report: AggregationReport) -> None:
        self.stdout.write(f"Rebuilt {report}")
