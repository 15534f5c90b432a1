"""End to end against a live server, with Authlib as the agency's system (the relying party).

The person's browser is an httpx client carrying a signed-in session cookie; the relying party
uses only what discovery tells it. ID tokens are checked with joserfc (Authlib's own JOSE
library) against the published JWKS: signature, ``iss``, ``aud``, ``nonce``, ``exp``, ``acr``.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from django.conf import settings
from django.test import Client
from joserfc import jwt
from joserfc.jwk import KeySet

from onegate.audit.models import AuditEvent
from onegate.identity.tests.oidc_fixtures import (
    LOGOUT_URI,
    REDIRECT_URI,
    client_app,
    linked_person,
    oidc_provider,  # noqa: F401  (the fixture)
    person_account,
    sign_in,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("oidc_provider")]


@pytest.fixture
def provider(live_server: Any) -> dict[str, Any]:
    """The provider's metadata, as a relying party first fetches it."""
    response = httpx.get(f"{live_server.url}/.well-known/openid-configuration")
    assert response.status_code == 200
    return dict(response.json())


@pytest.fixture
def person() -> Any:
    return person_account(level="substantial")


@pytest.fixture
def browser(live_server: Any, person: Any) -> Iterator[httpx.Client]:
    """The person's browser, signed in to OneGate with a password and an authenticator app."""
    django_client = Client()
    sign_in(django_client, person, second_factor="totp")
    cookie = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    with httpx.Client(
        base_url=live_server.url, cookies={settings.SESSION_COOKIE_NAME: cookie}
    ) as b:
        yield b


def relying_party(application: Any, **overrides: Any) -> OAuth2Session:
    """The agency's system: a public client using PKCE (S256 unless ``overrides`` say)."""
    options = {
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile email",
        "code_challenge_method": "S256",
        "token_endpoint_auth_method": "none",
        **overrides,
    }
    return OAuth2Session(client_id=application.client_id, **options)


def consent(
    browser: httpx.Client, page: httpx.Response, *, key: str | None = None
) -> httpx.Response:
    """Press "Continue and share" on the consent page (optionally with a changed key)."""
    found = {
        name: re.search(rf'name="{name}" value="([^"]+)"', page.text)
        for name in ("csrfmiddlewaretoken", "authorization")
    }
    assert all(found.values()), "no consent form"
    data = {name: match.group(1) for name, match in found.items() if match}
    if key is not None:
        data["authorization"] = key
    return browser.post("/o/authorize/", data={**data, "decision": "allow"})


def code_for(browser: httpx.Client, rp: OAuth2Session, provider: dict[str, Any], **extra: Any):
    """Run the authorization request; the redirect back to the relying party and its state."""
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    uri, state = rp.create_authorization_url(
        provider["authorization_endpoint"], code_verifier=verifier, nonce=nonce, **extra
    )
    page = browser.get(uri)
    answer = consent(browser, page) if page.status_code == 200 else page
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"], state, verifier, nonce


def verified_id_token(provider: dict[str, Any], token: str, *, audience: str, nonce: str | None):
    jwks = KeySet.import_key_set(httpx.get(provider["jwks_uri"]).json())
    decoded = jwt.decode(token, jwks, algorithms=["RS256"])
    expected: dict[str, Any] = {
        "iss": {"essential": True, "value": provider["issuer"]},
        "aud": {"essential": True, "value": audience},
        "exp": {"essential": True},
        "acr": {"essential": True, "values": ["substantial", "high"]},
    }
    if nonce is not None:
        expected["nonce"] = {"essential": True, "value": nonce}
    jwt.JWTClaimsRegistry(**expected).validate(decoded.claims)
    return decoded.claims


def test_an_agency_system_signs_a_person_in_end_to_end(live_server, provider, browser, person):
    application, _ = client_app()
    rp = relying_party(application)

    # Sign-in, consent, code → token (PKCE S256).
    location, state, verifier, nonce = code_for(browser, rp, provider, acr_values="substantial")
    assert location.startswith(REDIRECT_URI)
    assert parse_qs(urlsplit(location).query)["iss"] == [provider["issuer"]]
    token = rp.fetch_token(
        provider["token_endpoint"], authorization_response=location, state=state,
        code_verifier=verifier,
    )  # fmt: skip
    claims = verified_id_token(
        provider, token["id_token"], audience=application.client_id, nonce=nonce
    )
    assert claims["acr"] == "substantial" and "mfa" in claims["amr"]

    # UserInfo: the same subject, the registered name.
    userinfo = rp.get(provider["userinfo_endpoint"]).json()
    assert userinfo["sub"] == claims["sub"]
    assert userinfo["family_name"] == linked_person(person).family_name_latin

    # Refresh: new tokens, the same sign-in.
    renewed = rp.refresh_token(provider["token_endpoint"], refresh_token=token["refresh_token"])
    again = verified_id_token(
        provider, renewed["id_token"], audience=application.client_id, nonce=None
    )
    assert again["sub"] == claims["sub"] and again["auth_time"] == claims["auth_time"]

    # RP-initiated logout: back to the relying party with its state, signed out of OneGate.
    out = browser.get(
        provider["end_session_endpoint"],
        params={
            "id_token_hint": renewed["id_token"],
            "post_logout_redirect_uri": LOGOUT_URI,
            "state": "s",
        },
    )
    assert out.status_code == 302 and out.headers["Location"] == f"{LOGOUT_URI}?state=s"
    uri, _ = rp.create_authorization_url(
        provider["authorization_endpoint"], code_verifier=secrets.token_urlsafe(48)
    )
    assert "/accounts/login/" in browser.get(uri).headers["Location"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "identity.oidc_consent_given", "identity.oidc_signed_in", "identity.oidc_tokens_issued",
        "identity.oidc_signed_out",
    } <= actions  # fmt: skip


def test_bad_requests_are_refused_end_to_end(live_server, provider, browser):
    application, _ = client_app()
    rp = relying_party(application)

    # A redirect URI that is not registered: a page, in words, never a redirect.
    uri, _ = relying_party(
        application, redirect_uri="https://evil.example/cb"
    ).create_authorization_url(
        provider["authorization_endpoint"], code_verifier=secrets.token_urlsafe(48)
    )
    page = browser.get(uri)
    assert page.status_code == 400 and "has not registered with OneGate" in page.text

    # "plain" PKCE: sent back as invalid_request before any consent page.
    plain = relying_party(application, code_challenge_method="plain")
    uri, _ = plain.create_authorization_url(
        provider["authorization_endpoint"], code_verifier=secrets.token_urlsafe(48)
    )
    refused = browser.get(uri)
    assert parse_qs(urlsplit(refused.headers["Location"]).query)["error"] == ["invalid_request"]

    # A changed consent form (tampered request): refused on a page.
    uri, _ = rp.create_authorization_url(
        provider["authorization_endpoint"], code_verifier=secrets.token_urlsafe(48)
    )
    tampered = consent(browser, browser.get(uri), key="not-the-key")
    assert tampered.status_code == 400 and "expired or was changed" in tampered.text

    # No code verifier: no tokens.
    location, state, _verifier, _ = code_for(browser, rp, provider)
    with pytest.raises(OAuthError) as missing:
        rp.fetch_token(provider["token_endpoint"], authorization_response=location, state=state)
    assert missing.value.error == "invalid_request"

    # A replayed code: the second exchange fails and the first tokens are revoked.
    location, state, verifier, _ = code_for(browser, rp, provider)
    first = rp.fetch_token(
        provider["token_endpoint"],
        authorization_response=location,
        state=state,
        code_verifier=verifier,
    )
    with pytest.raises(OAuthError) as replayed:
        rp.fetch_token(
            provider["token_endpoint"], authorization_response=location, state=state,
            code_verifier=verifier,
        )  # fmt: skip
    assert replayed.value.error == "invalid_grant"
    revoked = httpx.get(
        provider["userinfo_endpoint"], headers={"Authorization": f"Bearer {first['access_token']}"}
    )
    assert revoked.status_code in (401, 403)

    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("identity.oidc_request_refused") >= 3
    assert "identity.oidc_code_replayed" in actions
    assert actions.count("identity.oidc_token_refused") >= 2
