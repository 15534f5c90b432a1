"""``manage.py demo_banner``: tell the person who ran ``make run`` where to go."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from onegate.credentials.demo import demo_banner_lines
from onegate.identity.demo_citizens import CITIZENS
from onegate.identity.demo_staff import DEMO_STAFF_PASSWORD, DEMO_STAFF_TOTP_SECRET, STAFF


def _citizen_lines() -> list[str]:
    return [f"  {c.email}  {c.password}  {c.totp_secret}\n      {c.shows}" for c in CITIZENS]


def _staff_lines() -> list[str]:
    return [f"  {s.email}  {s.role.label} ({s.agency_slug})" for s in STAFF]


class Command(BaseCommand):
    help = "Print the demo's addresses and sign-ins."
    requires_system_checks: list[str] = []  # it only prints (the checks take seconds)

    def handle(self, *args: Any, **options: Any) -> None:
        port = os.environ.get("PORT", "8000")
        base = f"http://127.0.0.1:{port}"
        lines = [
            "",
            "OneGate demo government",
            f"  Front door (English)  {base}/",
            f"  Front door (Thai)     {base}/th/",
            f"  Health                {base}/healthz",
            f"  API documentation     {base}/api/v1/docs",
            f"  An agency's system    {base}/demo-rp/ (signs in with OneGate over OpenID Connect)",
            "",
            f"Sign in at {base}/accounts/login/ (passkeys need http://localhost:{port}/).",
            "Every email (codes, notices) is printed in this terminal and kept in var/mail/.",
            "",
            "Demo people (password, then the authenticator-app secret for the second step):",
            *_citizen_lines(),
            "",
            f"Demo staff (password {DEMO_STAFF_PASSWORD}, "
            f"authenticator secret {DEMO_STAFF_TOTP_SECRET}):",
            *_staff_lines(),
            "",
            *demo_banner_lines(base),  # credentials (issue 10): gate, verifier, API clients
            "",
            "Web server, task worker, scheduler and mail catcher (var/mail/) are starting;",
            "press Ctrl-C to stop them all.",
            "",
        ]
        self.stdout.write("\n".join(lines))
