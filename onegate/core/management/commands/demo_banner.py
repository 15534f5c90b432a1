"""``manage.py demo_banner``: tell the person who ran ``make run`` where to go."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the demo's addresses and sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        base = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
        lines = [
            "",
            "OneGate demo government",
            f"  Front door (English)  {base}/",
            f"  Front door (Thai)     {base}/th/",
            f"  Health                {base}/healthz",
            f"  API documentation     {base}/api/v1/docs",
            "",
            "Demo sign-ins: none yet. Accounts arrive with the Identity work; until then every",
            "page of the catalogue is public.",
            "",
            "Web server, task worker and scheduler are starting; press Ctrl-C to stop them all.",
            "",
        ]
        self.stdout.write("\n".join(lines))
