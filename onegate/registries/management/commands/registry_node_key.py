"""``manage.py registry_node_key``: make this node's signing key, and show its public half.

Writes a new Ed25519 private JWK to a file only its owner can read (default
``<ONEGATE_VAR_DIR>/registry_node_key.jwk``; never printed) and prints the public JWK, which the
other node puts in its ``REGISTRY_PEERS`` (to let this node ask it) or its
``REGISTRY_REMOTE_PUBLIC_KEY`` (to check this node's answers). ``--show-public`` prints the public
JWK of an existing key file instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from joserfc.jwk import OKPKey

from onegate.registries.adapters import signing


class Command(BaseCommand):
    help = "Generate this node's registry signing key (Ed25519) and print its public JWK."
    # Making a key needs neither the database nor the URLs: it works on a node not yet set up.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="the private key file (default: <ONEGATE_VAR_DIR>/registry_node_key.jwk)",
        )
        parser.add_argument("--force", action="store_true", help="replace an existing key file")
        parser.add_argument(
            "--show-public",
            action="store_true",
            help="print the public JWK of the existing key file; generate nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["output"] or Path(settings.VAR_DIR) / "registry_node_key.jwk"
        if options["show_public"]:
            key = self._read(path)
        else:
            key = self._generate(path, force=options["force"])
            self.stderr.write(f"Private key written to {path} (keep it secret).")
            self.stderr.write(
                f"Set REGISTRY_NODE_PRIVATE_KEY={path} here; give the other node this public key:"
            )
        self.stdout.write(json.dumps(key.public_jwk(), indent=2))

    def _generate(self, path: Path, *, force: bool) -> signing.NodeKey:
        if path.exists() and not force:
            raise CommandError(f"{path} exists; use --force to replace it (peers must then update)")
        private = OKPKey.generate_key("Ed25519").as_dict(private=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        with os.fdopen(os.open(path, flags, 0o600), "w", encoding="utf-8") as file:
            json.dump(private, file)
        os.chmod(path, 0o600)  # also when --force replaced a file with looser permissions
        return self._read(path)

    def _read(self, path: Path) -> signing.NodeKey:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            return signing.node_key_from_jwk("this-node", document, str(path), private=True)
        except (OSError, ValueError, ImproperlyConfigured) as exc:
            raise CommandError(f"{path}: not a usable private key ({exc})") from exc
