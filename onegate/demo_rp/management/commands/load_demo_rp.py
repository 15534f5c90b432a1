"""``manage.py load_demo_rp``: register the demo agency system with OneGate (after demo staff)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onegate.demo_rp.demo import load_demo_rp


class Command(BaseCommand):
    help = "Register the demo agency system (/demo-rp/) as an OpenID Connect client."

    def handle(self, *args: Any, **options: Any) -> None:
        made = load_demo_rp()
        if options["verbosity"]:
            done = "registered" if made else "already registered"
            self.stdout.write(f"Demo agency system {done}.")
