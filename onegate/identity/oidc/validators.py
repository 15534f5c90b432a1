"""django-oauth-toolkit's validator with OneGate's rules (``OAUTH2_VALIDATOR_CLASS``).

The authorization endpoint knows the browser session; the token endpoint does not. So when a
code is made, the session's level (``acr``), methods (``amr``) and sign-in time (``auth_time``)
arrive from the view as the ``onegate_sign_in`` credential and are kept in a ``ClientSignIn``;
the token endpoint reads them back with the code, and each refresh with the refresh token's
family. Besides:

* scopes OneGate does not know are dropped (OpenID Connect Core §3.1.2.1 says to ignore them);
  a known scope the client's policy does not allow is refused, and ``openid`` is required;
* ``sub`` is pairwise, and the ID token carries ``acr``, ``amr`` and ``auth_time`` but no scope
  claims; UserInfo releases those (``claims``);
* a code presented after it was exchanged revokes what it was exchanged for;
* a refresh works for ``OIDC_SIGN_IN_MAX_SECONDS`` after the person signed in, like a session.

What a sign-in costs the database (docs/oidc.md, Performance): the code, its sign-in record and
their audit record are written in one transaction. A token request reads the code's grant several
times (redirect URI, PKCE challenge and method, nonce, scopes); it is read once and kept on the
request. The sign-in is read and marked exchanged by one statement (``client_sign_in_redeem``)
inside the one transaction the token view holds for the whole exchange, with the refresh-token
family chosen up front; django-oauth-toolkit's savepoints inside that transaction are left out,
and the ID token just made is not read back from the database to be linked to its access token.
Those overrides reach into django-oauth-toolkit's private methods (``_create_authorization_code``,
``_create_refresh_token``, ``_create_access_token``, ``_save_bearer_token``,
``_check_and_set_request_resource``) and re-state ``finalize_id_token``:
``tests/test_oidc_flow.py`` covers each; rerun it on every upgrade of django-oauth-toolkit.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from jwcrypto import jwt
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_refresh_token_model,
)
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors

from onegate.identity.models.oidc import ClientPolicy, ClientSignIn, OidcScope
from onegate.identity.oidc.claims import subject_for, userinfo_claims
from onegate.identity.oidc.clients import client_with_policy, policy_of
from onegate.identity.services.oidc import client_sign_in_record, client_sign_in_redeem

AccessToken = get_access_token_model()
Application = get_application_model()
Grant = get_grant_model()
RefreshToken = get_refresh_token_model()
# Scopes of systems acting for themselves (client credentials), never of a person's sign-in.
SYSTEM_SCOPES = frozenset({OidcScope.CREDENTIALS_VERIFY.value})


class OneGateValidator(OAuth2Validator):
    # --- clients: only those with an active OneGate policy exist ---------------------------

    def _preload_client(self, client_id: str | None, request: Any) -> None:
        """Read the client and its policy at once (django-oauth-toolkit reuses request.client)."""
        client = getattr(request, "client", None)
        if client_id and (client is None or client.client_id != client_id):
            request.client = client_with_policy(client_id)

    def validate_client_id(self, client_id: str, request: Any, *args: Any, **kw: Any) -> bool:
        self._preload_client(client_id, request)
        if not super().validate_client_id(client_id, request, *args, **kw):
            return False
        policy = policy_of(request.client)
        return policy is not None and policy.is_active

    def client_authentication_required(self, request: Any, *args: Any, **kw: Any) -> bool:
        self._preload_client(request.client_id, request)
        return bool(super().client_authentication_required(request, *args, **kw))

    def authenticate_client_id(self, client_id: str, request: Any, *args: Any, **kw: Any) -> bool:
        self._preload_client(client_id, request)
        if not super().authenticate_client_id(client_id, request, *args, **kw):
            return False
        policy = policy_of(request.client)
        return policy is not None and policy.is_active

    # --- the authorization request (the view has signed the person in and checked consent) ---

    def validate_silent_login(self, request: Any) -> bool:
        return True  # the view answers prompt=none for a signed-out person with login_required

    def validate_silent_authorization(self, request: Any) -> bool:
        return True  # the view answers prompt=none without consent with consent_required

    def validate_user_match(
        self, id_token_hint: Any, scopes: Any, claims: Any, request: Any
    ) -> bool:
        return True  # the view compares an id_token_hint with the signed-in person

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        scopes[:] = [scope for scope in dict.fromkeys(scopes) if scope in OidcScope.values]
        policy = policy_of(client)
        if policy is None:
            return False
        if request.grant_type == "client_credentials":
            # A system asking for itself (a relying party of the verification API): no person
            # signs in, so only system scopes, never openid (a token without a user would reach
            # UserInfo, which needs one).
            return bool(scopes) and set(scopes) <= SYSTEM_SCOPES & set(policy.allowed_scopes)
        if OidcScope.OPENID not in scopes or set(scopes) & SYSTEM_SCOPES:
            return False
        return set(scopes) <= set(policy.allowed_scopes)

    def validate_response_type(
        self, client_id: str, response_type: str, client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        return response_type == "code" and super().validate_response_type(
            client_id, response_type, client, request, *args, **kw
        )

    def _create_authorization_code(self, request: Any, code: Any, expires: Any = None) -> Any:
        context = getattr(request, "onegate_sign_in", None)
        if not context:
            raise errors.ServerError(description="No sign-in context.", request=request)
        # The code, its sign-in record and the audit record: one transaction, one commit.
        with transaction.atomic():
            grant = super()._create_authorization_code(request, code, expires)
            client_sign_in_record(
                user=request.user,
                application=request.client,
                code=code["code"],
                scopes=list(request.scopes),
                level=context["level"],
                methods=context["methods"],
                authenticated_at=dt.datetime.fromtimestamp(context["auth_time"], tz=dt.UTC),
            )
        return grant

    # --- the token request: authorization code ---------------------------------------------

    def _grant(self, code: str, request: Any) -> Any:
        cached = getattr(request, "_onegate_grant", None)
        if cached is None or cached[0] != code:
            found = list(Grant.objects.select_related("user").filter(code=code)[:1])
            cached = (code, found[0] if found else None)
            request._onegate_grant = cached
        return cached[1]

    def _client_grant(self, code: str, client: Any, request: Any) -> Any:
        grant = self._grant(code, request)
        return grant if grant is not None and grant.application_id == client.pk else None

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        """The code is this client's, unexpired and not exchanged before: mark it exchanged.

        Runs inside the token view's transaction (``TokenView.post``), which is rolled back if a
        later check refuses the request, so a code is only ever marked with its tokens saved.
        A code exchanged before is refused here; the view then revokes what it bought.
        """
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("codes are exchanged only inside the token view's transaction")
        grant = self._client_grant(code, client, request)
        if grant is None or grant.is_expired():
            return False
        family = uuid.uuid4()  # the refresh-token family, known before the refresh token is
        sign_in = client_sign_in_redeem(code=code, application=client, token_family=family)
        if sign_in is None:
            return False
        request.scopes = grant.scope.split(" ")
        request.user = grant.user
        request.nonce = grant.nonce or None
        request.onegate_sign_in = sign_in
        request._onegate_token_family = family
        return True

    def confirm_redirect_uri(
        self, client_id: str, code: str, redirect_uri: str, client: Any, *args: Any, **kw: Any
    ) -> bool:
        request = kw.get("request") or (args[0] if args else None)
        grant = self._client_grant(code, client, request)
        return grant is not None and bool(grant.redirect_uri_allowed(redirect_uri))

    def get_code_challenge(self, code: str, request: Any) -> str | None:
        grant = self._client_grant(code, request.client, request)
        return (grant.code_challenge or None) if grant is not None else None

    def get_code_challenge_method(self, code: str, request: Any) -> str | None:
        grant = self._client_grant(code, request.client, request)
        return (grant.code_challenge_method or None) if grant is not None else None

    def get_authorization_code_nonce(
        self, client_id: str, code: str, redirect_uri: str, request: Any
    ) -> str | None:
        grant = self._grant(code, request)
        return (grant.nonce or None) if grant is not None else None

    def get_authorization_code_scopes(
        self, client_id: str, code: str, redirect_uri: str, request: Any
    ) -> list[str]:
        grant = self._grant(code, request)
        return grant.scope.split() if grant is not None else []

    def _check_and_set_request_resource(self, request: Any) -> None:
        # Resource indicators (RFC 8707) are not offered: access tokens are for UserInfo, and
        # no grant or refresh token carries a resource. django-oauth-toolkit would read the
        # grant a second time to find that out.
        if getattr(request, "resource", None):
            raise errors.CustomOAuth2Error(
                error="invalid_target",
                description="Resource indicators are not supported.",
                request=request,
            )
        request.resource = []

    def _create_refresh_token(
        self, request: Any, refresh_token_code: str, access_token: Any, previous: Any
    ) -> Any:
        family: uuid.UUID | None = getattr(request, "_onegate_token_family", None)
        if previous is not None or family is None:  # a refresh keeps its family
            return super()._create_refresh_token(
                request, refresh_token_code, access_token, previous
            )
        refresh_token = RefreshToken(
            user=request.user,
            application=request.client,
            access_token=access_token,
            token_family=family,  # the one the sign-in was marked with (validate_code)
            resource=getattr(request, "resource", []),
        )
        self._set_token_value(refresh_token, refresh_token_code)
        refresh_token.save()
        return refresh_token

    def _create_access_token(
        self, expires: Any, request: Any, token: Any, source_refresh_token: Any = None
    ) -> Any:
        # django-oauth-toolkit parses, verifies and looks up the ID token it has just made;
        # finalize_id_token left the row on the request.
        access_token = AccessToken(
            user=request.user,
            scope=token["scope"],
            expires=expires,
            id_token=getattr(request, "id_token", None) if token.get("id_token") else None,
            application=request.client,
            source_refresh_token=source_refresh_token,
            resource=getattr(request, "resource", []),
        )
        self._set_token_value(access_token, token["access_token"])
        access_token.save()
        return access_token

    def save_bearer_token(self, token: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.grant_type == "authorization_code":
            # The token view already holds the exchange's one transaction; django-oauth-toolkit
            # would add a savepoint inside it.
            return self._save_bearer_token(token, request, *args, **kwargs)
        return super().save_bearer_token(token, request, *args, **kwargs)

    def finalize_id_token(
        self, id_token: dict[str, Any], token: Any, token_handler: Any, request: Any
    ) -> str:
        """Sign the ID token and keep its row (RP-initiated logout looks hints up by ``jti``).

        django-oauth-toolkit's own does the same inside a savepoint of its own.
        """
        claims, expires = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        key = request.client.jwk_key
        header: dict[str, Any] = {"typ": "JWT", "alg": request.client.algorithm}
        if request.client.algorithm == Application.RS256_ALGORITHM:
            header["kid"] = key.thumbprint()
        signed = jwt.JWT(header=json.dumps(header), claims=json.dumps(id_token, default=str))
        signed.make_signed_token(key)
        row = self._save_id_token(id_token["jti"], request, expires)
        request.access_token = row
        request.id_token = row
        serialized: str = signed.serialize()
        return serialized

    # --- the token request: refresh --------------------------------------------------------

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kw):
            return False
        family = request.refresh_token_instance.token_family
        sign_in = ClientSignIn.objects.filter(token_family=family).first() if family else None
        policy = policy_of(client)
        if sign_in is None or not request.user.is_active or not (policy and policy.is_active):
            return False
        max_age = dt.timedelta(seconds=settings.OIDC_SIGN_IN_MAX_SECONDS)
        if sign_in.authenticated_at + max_age <= timezone.now():
            return False
        request.onegate_sign_in = sign_in
        return True

    # --- what the tokens and UserInfo say ---------------------------------------------------

    def get_id_token_dictionary(
        self, token: Any, token_handler: Any, request: Any
    ) -> tuple[dict[str, Any], dt.datetime]:
        sign_in: ClientSignIn = request.onegate_sign_in
        policy = _policy(request)
        expires = timezone.now() + dt.timedelta(seconds=oauth2_settings.ID_TOKEN_EXPIRE_SECONDS)
        claims = {
            "sub": subject_for(policy, request.user),
            "iss": self.get_oidc_issuer_endpoint(request),
            "exp": int(expires.timestamp()),
            "auth_time": int(sign_in.authenticated_at.timestamp()),
            "acr": sign_in.level,
            "amr": sign_in.methods,
            "jti": str(uuid.uuid4()),
        }
        return claims, expires

    def get_userinfo_claims(self, request: Any) -> dict[str, Any]:
        return userinfo_claims(user=request.user, policy=_policy(request), scopes=request.scopes)

    def get_discovery_claims(self, request: Any) -> list[str]:
        from onegate.identity.oidc.claims import supported_claims

        return supported_claims()


def _policy(request: Any) -> ClientPolicy:
    """The policy of a client already checked (every client with tokens has one)."""
    policy = policy_of(request.client)
    if policy is None:
        raise errors.InvalidClientError(request=request)
    return policy
