"""``manage.py load_demo_staff``: the demo staff accounts and service centres, with sign-in details.

Prints each account's email address and role, then the password and authenticator-app secret
they all share: they are demo accounts, published in README, and this command exists to hand
them to a demonstrator. Run it after ``load_catalogue`` (the agencies come from the catalogue).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onegate.identity.demo_staff import (
    DEMO_STAFF_PASSWORD,
    DEMO_STAFF_TOTP_SECRET,
    load_demo_staff,
)


class Command(BaseCommand):
    help = "Create what is missing of the demo staff, teams and centres; print sign-in details."

    def handle(self, *args: Any, **options: Any) -> None:
        for member in load_demo_staff():
            where = member.centre or member.team
            place = f"{member.agency_slug}{f' ({where})' if where else ''}"
            self.stdout.write(f"{member.email}  {member.role.label}, {place}")
        self.stdout.write(
            f"\nEvery staff account: password {DEMO_STAFF_PASSWORD}, "
            f"authenticator app secret {DEMO_STAFF_TOTP_SECRET}\n"
        )
