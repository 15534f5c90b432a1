"""Start-up checks for credentials (``manage.py check --deploy``): a fixed HTTPS issuer.

Every credential names its issuer (``iss``) and its status list's address for good: verifiers
fetch the keys and the lists from there. A deployment that left both ``CREDENTIALS_ISSUER`` and
``SITE_URL`` empty would issue credentials naming ``http://127.0.0.1:8000``, which nobody can
verify, so it must not start. Registered when imported; ``CredentialsConfig.ready`` imports it.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def credentials_issuer_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from django.conf import settings

    issuer = getattr(settings, "CREDENTIALS_ISSUER", "") or getattr(settings, "SITE_URL", "")
    if not issuer.startswith("https://"):
        return [
            Error(
                "Neither CREDENTIALS_ISSUER nor SITE_URL is an https:// address: credentials "
                "would name an issuer that verifiers cannot reach or trust.",
                hint="Set CREDENTIALS_ISSUER (or SITE_URL) to the public https:// address, once: "
                "credentials already issued keep naming it (docs/credentials.md).",
                id="credentials.E101",
            )
        ]
    return []
