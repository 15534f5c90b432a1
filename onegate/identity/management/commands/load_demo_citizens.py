"""``manage.py load_demo_citizens``: the demo citizens' accounts, with their sign-in details.

Prints each account's email address, password and authenticator-app secret: they are demo
accounts, published in README, and this command exists to hand them to a demonstrator.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onegate.identity.demo_citizens import load_demo_citizens


class Command(BaseCommand):
    help = "Create or refresh the demo citizens' accounts and print their sign-in details."

    def handle(self, *args: Any, **options: Any) -> None:
        for citizen in load_demo_citizens():
            self.stdout.write(
                f"{citizen.email}\n  password: {citizen.password}\n"
                f"  authenticator app secret: {citizen.totp_secret}\n  {citizen.shows}\n"
            )
