"""The oauthlib server django-oauth-toolkit drives, with OneGate's refusals added up front.

They run as oauthlib "pre-auth" validators: after the client and its redirect URI have been
checked (so an error can safely go back to the client) and before anything is shown to the
person, so a bad request never reaches the consent page:

* PKCE with ``S256`` only (RFC 9700 §2.1.1). django-oauth-toolkit's
  ``COMPLIANT_BCP_RFC9700_PKCE_METHOD`` refuses ``plain`` too, but only when the code is made,
  after the person has agreed; refusing here is earlier and also catches a missing method, which
  RFC 7636 defines as ``plain``.
* Request objects (``request``, ``request_uri``) are not supported and are refused with the
  errors OpenID Connect Core §6 defines, rather than ignored.

Access and refresh tokens are 256 random bits (``opaque_token``) drawn in one call to the
operating system's generator; oauthlib's default makes 30 calls for 178 bits, one per character.
"""

from __future__ import annotations

import secrets
from typing import Any

from oauthlib.oauth2.rfc6749 import errors
from oauthlib.openid import Server
from oauthlib.openid.connect.core.exceptions import RequestNotSupported, RequestURINotSupported


def refuse_weak_pkce(request: Any) -> dict[str, Any]:
    if request.code_challenge is not None and request.code_challenge_method != "S256":
        raise errors.UnsupportedCodeChallengeMethodError(
            description="Only the S256 code_challenge_method is supported.", request=request
        )
    return {}


def refuse_request_objects(request: Any) -> dict[str, Any]:
    # Parameters oauthlib does not know are only in its raw parameter map.
    if request._params.get("request") is not None:
        raise RequestNotSupported(request=request)
    if request._params.get("request_uri") is not None:
        raise RequestURINotSupported(request=request)
    return {}


def opaque_token(request: Any) -> str:
    """A new access or refresh token: 256 random bits, base64url (43 characters)."""
    return secrets.token_urlsafe(32)


class OneGateServer(Server):
    """oauthlib's OpenID Connect server with OneGate's authorization-request refusals."""

    def __init__(self, request_validator: Any, *args: Any, **kwargs: Any) -> None:
        # django-oauth-toolkit passes None unless ACCESS_TOKEN_GENERATOR / REFRESH_TOKEN_GENERATOR
        # name one.
        kwargs["token_generator"] = kwargs.get("token_generator") or opaque_token
        kwargs["refresh_token_generator"] = kwargs.get("refresh_token_generator") or opaque_token
        super().__init__(request_validator, *args, **kwargs)
        for grant in (self.auth_grant, self.openid_connect_auth):
            grant.custom_validators.pre_auth.extend([refuse_request_objects, refuse_weak_pkce])
