"""``manage.py appointments_load_holidays``: load Thailand's public holidays from the bundled
file (the data migration does this once; run it again after the file is updated)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onegate.appointments.public_holidays import holidays_source
from onegate.appointments.services import public_holidays_load


class Command(BaseCommand):
    help = "Load Thailand's public holidays (data/thai_public_holidays.json)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = public_holidays_load()
        source = holidays_source()
        self.stdout.write(
            f"{count} public holidays loaded (from {source['package']} {source['version']})."
        )
