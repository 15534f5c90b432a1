"""``manage.py load_demo_credentials``: register the demo's verification API clients (a border
gate, a clinic, a coach company), after the demo staff."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onegate.credentials.demo import load_demo_credentials


class Command(BaseCommand):
    help = "Register the demo relying parties that ask the verification API."

    def handle(self, *args: Any, **options: Any) -> None:
        made = load_demo_credentials()
        if options["verbosity"]:
            self.stdout.write(f"Demo relying parties registered: {made}.")
