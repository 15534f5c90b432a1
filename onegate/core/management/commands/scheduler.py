"""``manage.py scheduler``: run every app's periodic jobs (see ``onegate.core.scheduling``)."""

from __future__ import annotations

import logging
import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onegate.core import scheduling

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def positive_seconds(value: str) -> float:
    seconds = float(value)
    if not 0 < seconds < float("inf"):
        raise ValueError(value)
    return seconds


class Command(BaseCommand):
    help = (
        "Run periodic jobs when they are due, until SIGINT or SIGTERM (the job running then "
        "finishes first). With --once, run the jobs due now and exit, failing if one failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the due jobs once, then exit.")
        parser.add_argument(
            "--interval",
            type=positive_seconds,
            default=0.5,
            help="Longest wait in seconds between looks at the schedule (default: %(default)s).",
        )

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        scheduling.discover_jobs()
        scheduler = scheduling.Scheduler(registry=scheduling.registry)
        if once:
            self._run_once(scheduler)
            return
        previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}

        def stop(signum: int, frame: FrameType | None) -> None:
            logger.info("Received %s: stopping after the current job", signal.strsignal(signum))
            scheduler.stop()
            # A second signal acts as it would have without us, e.g. to kill a stuck job.
            for number, handler in previous.items():
                signal.signal(number, handler)

        for signum in STOP_SIGNALS:
            signal.signal(signum, stop)
        try:
            scheduler.run_forever(interval=interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _run_once(self, scheduler: scheduling.Scheduler) -> None:
        runs = scheduler.run_due()
        failed = [run.name for run in runs if not run.ok]
        self.stdout.write(f"ran {len(runs)} periodic jobs, {len(failed)} failed")
        if failed:
            raise CommandError(f"periodic jobs failed: {', '.join(failed)}")
