"""Registering the demo agency system with OneGate, as the Department of Land Transport's
administrator would in the admin: a confidential client (a server-side web application: a
secret, and PKCE as every client) whose redirect and sign-out addresses are the loopback ones of
``/demo-rp/`` in both languages.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from oauth2_provider.models import get_application_model

from onegate.demo_rp.views import client_secret
from onegate.identity.models import ClientPolicy, User
from onegate.identity.services.oidc import oidc_client_save

AGENCY = "land-transport"
ADMINISTRATOR = "admin.transport@demo.onegate.test"
# Loopback addresses on any port (RFC 8252 §7.3); ``localhost`` too, where passkeys work (a
# WebAuthn relying party cannot be an IP address), with ALLOW_LOCALHOST_LOOPBACK on in the demo.
_HOSTS = ("http://127.0.0.1", "http://localhost")
REDIRECT_URIS = " ".join(
    f"{host}{prefix}/demo-rp/callback/" for host in _HOSTS for prefix in ("", "/th")
)
SIGNED_OUT_URIS = " ".join(f"{host}{prefix}/demo-rp/" for host in _HOSTS for prefix in ("", "/th"))


@transaction.atomic
def demo_rp_register(*, actor: Any) -> bool:
    """Register the demo system's client if it is missing; True when it was made now."""
    Application = get_application_model()
    client_id = settings.DEMO_RP_CLIENT_ID
    if Application.objects.filter(client_id=client_id).exists():
        return False
    application = Application(
        client_id=client_id,
        name="Driving licence records (demo)",
        client_type=Application.CLIENT_CONFIDENTIAL,
        client_secret=client_secret(),
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
        redirect_uris=REDIRECT_URIS,
        post_logout_redirect_uris=SIGNED_OUT_URIS,
    )
    policy = ClientPolicy(
        agency_slug=AGENCY,
        name_en="Driving licence records (demo)",
        name_th="ระบบทะเบียนใบอนุญาตขับรถ (ระบบสาธิต)",
        allowed_scopes=["openid", "profile", "email"],
        sector_identifier="dlt.demo.onegate.test",
        minimum_level="low",
    )
    oidc_client_save(actor=actor, application=application, policy=policy, created=True)
    return True


def load_demo_rp() -> bool:
    """The demo loader: registered by the land-transport administrator from ``load_demo_staff``."""
    actor = User.objects.get(email=ADMINISTRATOR)
    return demo_rp_register(actor=actor)
