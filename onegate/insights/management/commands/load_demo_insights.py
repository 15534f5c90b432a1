"""``manage.py load_demo_insights``: the demo's performance history and the owners' figures
(after the definitions are published; once a day, see ``insights.demo``)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from onegate.insights.demo import load_demo_insights


class Command(BaseCommand):
    help = "Generate the demo services' last months of performance events and aggregate them."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        loaded = load_demo_insights()
        if not options["verbosity"]:
            return
        if loaded.already:
            history = f"the history to {loaded.last_day} was there already"
        else:
            history = (
                f"{loaded.events:,} events from {loaded.first_day} to {loaded.last_day}, "
                f"{loaded.hours:,} hours aggregated"
            )
        self.stdout.write(
            f"Performance history: {history}; {loaded.months_entered} months of owners' "
            f"figures entered ({time.monotonic() - started:.1f} s)."
        )
