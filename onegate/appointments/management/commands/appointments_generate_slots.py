"""``manage.py appointments_generate_slots``: make the missing slots for the weeks ahead."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onegate.appointments.constants import SLOT_HORIZON_DAYS
from onegate.appointments.services import slots_generate
from onegate.identity.models.organisations import ServiceCentre


class Command(BaseCommand):
    help = "Make bookable slots from opening hours, less closures and public holidays."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--centre", default="", help="Only this centre (its slug).")
        parser.add_argument("--start", default="", help="First day, YYYY-MM-DD (default today).")
        parser.add_argument("--days", type=int, default=SLOT_HORIZON_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        centre = None
        if options["centre"]:
            centre = ServiceCentre.objects.filter(slug=options["centre"]).first()
            if centre is None:
                raise CommandError(f"No service centre {options['centre']!r}")
        try:
            start = dt.date.fromisoformat(options["start"]) if options["start"] else None
        except ValueError as exc:
            raise CommandError("--start must be a date, YYYY-MM-DD") from exc
        made = slots_generate(centre=centre, start=start, days=options["days"])
        self.stdout.write(f"{made} slots made.")
