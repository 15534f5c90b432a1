"""The discovery document (``/.well-known/openid-configuration``) and the JWKS, built once.

Both depend only on the issuer and the configured keys, so each is serialised once per process
for each (issuer, keys) pair and served from memory: relying parties fetch them constantly.
The issuer is ``OIDC_ISSUER`` when set, otherwise the origin the request came to (its host is
one of ``ALLOWED_HOSTS``). Endpoint URLs are the English (unprefixed) ones under the issuer.
"""

from __future__ import annotations

import functools
import json

from django.urls import reverse
from django.utils import translation
from oauth2_provider.settings import oauth2_settings

from onegate.core.languages import SUPPORTED
from onegate.identity.models.oidc import OidcScope
from onegate.identity.oidc.claims import supported_claims
from onegate.identity.oidc.keys import public_jwks
from onegate.identity.oidc.levels import ACR_VALUES


@functools.lru_cache(maxsize=16)
def discovery_json(issuer: str, signing_key_configured: bool) -> bytes:
    """The OpenID Provider Metadata (OpenID Connect Discovery 1.0 §3) for ``issuer``."""
    with translation.override("en"):
        endpoint = {
            name: issuer + reverse(route)
            for name, route in (
                ("authorization_endpoint", "oidc:authorize"),
                ("end_session_endpoint", "oidc:rp-initiated-logout"),
                ("token_endpoint", "oauth2_provider:token"),
                ("userinfo_endpoint", "oauth2_provider:user-info"),
                ("revocation_endpoint", "oauth2_provider:revoke-token"),
                ("jwks_uri", "oauth2_provider:jwks-info"),
            )
        }
    document = {
        "issuer": issuer,
        **endpoint,
        "scopes_supported": list(OidcScope.values),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"] if signing_key_configured else [],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "revocation_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": supported_claims(),
        "acr_values_supported": ACR_VALUES,
        "prompt_values_supported": ["none", "login", "consent"],
        "display_values_supported": ["page"],
        "ui_locales_supported": list(SUPPORTED),
        "claims_locales_supported": list(SUPPORTED),
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "require_request_uri_registration": False,
        "authorization_response_iss_parameter_supported": True,
        "frontchannel_logout_supported": False,
        "backchannel_logout_supported": False,
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def jwks_json() -> bytes:
    """The JWKS of the signing key and any retired keys still being published."""
    return _jwks_json(
        oauth2_settings.OIDC_RSA_PRIVATE_KEY, tuple(oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE)
    )


@functools.lru_cache(maxsize=4)
def _jwks_json(active: str, retired: tuple[str, ...]) -> bytes:
    pems = [pem for pem in (active, *retired) if pem]
    return json.dumps(public_jwks(pems)).encode("utf-8")
