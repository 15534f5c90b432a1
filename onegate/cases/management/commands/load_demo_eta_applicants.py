"""``manage.py load_demo_eta_applicants``: the demo's 40 ETA visitors apply (after definitions)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onegate.cases.demo import load_demo_eta_applicants


class Command(BaseCommand):
    help = "Send the seeded demo visitors' electronic travel authority applications (once)."

    def handle(self, *args: Any, **options: Any) -> None:
        mix = load_demo_eta_applicants()
        if options["verbosity"]:
            self.stdout.write(
                f"ETA visitors: {len(mix.sent)} applications sent, {len(mix.stopped)} stopped by "
                f"eligibility, {mix.already} had applied already."
            )
