"""Reading an ID token we issued when a client sends it back as ``id_token_hint``.

Only our signature is checked (with the current or a retired key) and the subject compared:
an expired hint still names the person it was issued for (OpenID Connect Core §3.1.2.1 lets
clients send old ones), and no database row is needed to read it.
"""

from __future__ import annotations

import json
from typing import Any

from jwcrypto import jwt
from jwcrypto.common import JWException
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem

from onegate.identity.oidc.claims import subject_for
from onegate.identity.oidc.clients import policy_of


def hint_claims(hint: str) -> dict[str, Any] | None:
    """The claims of an ID token signed by one of our keys (expiry not checked), or None."""
    pems = [oauth2_settings.OIDC_RSA_PRIVATE_KEY, *oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE]
    for pem in filter(None, pems):
        try:
            token = jwt.JWT(key=jwk_from_pem(pem), jwt=hint, check_claims={})
            claims = json.loads(token.claims)
        except (JWException, ValueError, TypeError):
            continue
        return claims if isinstance(claims, dict) else None
    return None


def hint_names(hint: str, user: Any) -> bool:
    """Whether ``hint`` is an ID token we issued for ``user``, to any client."""
    claims = hint_claims(hint)
    if claims is None:
        return False
    audience = claims.get("aud")
    client_ids = audience if isinstance(audience, list) else [audience]
    application = get_application_model().objects.filter(client_id__in=client_ids).first()
    policy = policy_of(application)
    return policy is not None and claims.get("sub") == subject_for(policy, user)
