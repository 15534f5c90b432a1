"""``manage.py load_demo_appointments``: the demo centres' locations, facilities and slots."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onegate.appointments.demo import load_demo_appointments


class Command(BaseCommand):
    help = "Give the demo service centres coordinates and facilities, and three weeks of slots."

    def handle(self, *args: Any, **options: Any) -> None:
        made = load_demo_appointments()
        self.stdout.write(f"Demo appointments ready ({made} new slots).")
