"""``manage.py credentials_rotate_key [--prune]``: retire the signing key and make a new one.

The retired key stays published at ``/.well-known/jwt-vc-issuer`` until the last credential it
signed expires, so credentials already held keep verifying; new credentials and status lists are
signed with the new key. ``--prune`` also drops retired keys nothing valid was signed with.
Prints the key ids only (never key material).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onegate.credentials.services import issuer_key_rotate, issuer_keys_prune


class Command(BaseCommand):
    help = "Rotate the key credentials are signed with (--prune: drop expired retired keys)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--prune",
            action="store_true",
            help="also stop publishing retired keys no longer needed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key = issuer_key_rotate()
        self.stdout.write(f"new signing key: {key.kid}")
        if options["prune"]:
            self.stdout.write(f"retired keys dropped: {issuer_keys_prune()}")
