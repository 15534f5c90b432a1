"""The authorization code flow through Django's test client: consent, step-up, prompt handling,
tokens, UserInfo, refresh and sign-out, and every way a request is refused (each audited).

The same flow runs against a live server with Authlib as the client in ``test_oidc_live.py``.
Basic OP conformance modules covered here are named in each test's docstring (docs/oidc.md
has the whole list).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from joserfc import jwt
from joserfc.jwk import KeySet
from oauth2_provider.models import get_access_token_model, get_id_token_model

from onegate.audit.models import AuditEvent
from onegate.identity.models import ClientConsent, ClientPolicy, ClientSignIn
from onegate.identity.oidc import clients
from onegate.identity.oidc.clients import CLIENT_MEMORY_SECONDS
from onegate.identity.oidc.subjects import pairwise_subject
from onegate.identity.tests.oidc_fixtures import (
    LOGOUT_URI,
    REDIRECT_URI,
    authorize,
    authorize_path,
    callback,
    client_app,
    consent_key,
    exchange,
    linked_person,
    oidc_provider,  # noqa: F401  (the fixture)
    person_account,
    pkce_pair,
    sign_in,
)
from onegate.registries.models import AccessRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oidc_provider")]
AccessToken = get_access_token_model()
IDToken = get_id_token_model()


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("created_at").values_list("action", flat=True))


def id_token_claims(client: Client, token: str) -> dict[str, Any]:
    """The ID token's claims, its signature checked with the published JWKS."""
    jwks = KeySet.import_key_set(json.loads(client.get("/.well-known/jwks.json").content))
    return dict(jwt.decode(token, jwks, algorithms=["RS256"]).claims)


def signed_in_with_tokens(
    client: Client, application: Any, user: Any, **extra: str
) -> tuple[dict[str, Any], str]:
    verifier, challenge = pkce_pair()
    code = authorize(client, application, challenge=challenge, **extra)["code"]
    response = exchange(client, application, code, verifier)
    assert response.status_code == 200, response.content
    return json.loads(response.content), code


# --- consent ----------------------------------------------------------------------------------


def test_the_consent_page_names_the_agency_and_shows_what_it_would_see(client):
    application, _ = client_app()
    user = person_account(level="substantial")
    person = linked_person(user)
    sign_in(client, user, second_factor="totp")
    _, challenge = pkce_pair()

    page = client.get(authorize_path(application, challenge=challenge))

    assert page.status_code == 200
    text = page.text
    assert "Share your details with e-Tax?" in text
    assert "Revenue Department" in text
    assert f"{person.given_name_latin} {person.family_name_latin}" in text  # their own values
    assert "somchai@example.test" in text
    assert 'data-scope="national_id"' not in text  # not asked, not listed
    assert "rp.example" in text  # where they will be sent back to
    assert ClientSignIn.objects.count() == 0  # nothing issued before they answer


def test_the_consent_page_in_thai_keeps_the_request_when_switching_language(client):
    application, _ = client_app()
    user = person_account()
    sign_in(client, user)
    _, challenge = pkce_pair()
    english = client.get(authorize_path(application, challenge=challenge))
    switch = next(
        part.split('"')[1]
        for part in english.text.split("<a ")
        if 'hreflang="th"' in part and "og-header__language" in part
    )

    thai = client.get(switch.replace("&amp;", "&"))

    assert switch.startswith("/th/o/authorize/?")
    assert thai.status_code == 200
    assert '<html lang="th"' in thai.text
    assert "ภาษีออนไลน์" in thai.text and "กรมrevenue" in thai.text  # the client and agency names


def test_agreeing_once_is_remembered_until_the_client_asks_for_more_or_prompts(client):
    application, _ = client_app()
    user = person_account()
    sign_in(client, user)
    _, challenge = pkce_pair()
    authorize(client, application, challenge=challenge, scope="openid email")

    silent = client.get(authorize_path(application, challenge=challenge, scope="openid email"))
    more = client.get(authorize_path(application, challenge=challenge, scope="openid profile"))
    forced = client.get(
        authorize_path(application, challenge=challenge, scope="openid email", prompt="consent")
    )

    assert "code" in callback(silent)
    assert more.status_code == 200 and 'name="authorization"' in more.text
    assert forced.status_code == 200
    assert ClientConsent.objects.get(user=user).scopes == ["email", "openid"]
    assert actions().count("identity.oidc_consent_given") == 1


def test_saying_no_sends_access_denied_and_nothing_else(client):
    application, _ = client_app()
    sign_in(client, person_account())
    _, challenge = pkce_pair()
    page = client.get(authorize_path(application, challenge=challenge))

    answer = client.post(
        "/o/authorize/", {"authorization": consent_key(page.text), "decision": "deny"}
    )

    params = callback(answer)
    assert params["error"] == "access_denied" and params["state"] == "state-123"
    assert "code" not in params
    assert ClientConsent.objects.count() == 0 and ClientSignIn.objects.count() == 0
    assert "identity.oidc_consent_refused" in actions()


def test_a_changed_or_replayed_consent_form_is_refused(client):
    """A tampered request: the form carries only a key, so changing it (or resending it) fails."""
    application, _ = client_app()
    sign_in(client, person_account())
    _, challenge = pkce_pair()
    page = client.get(authorize_path(application, challenge=challenge, scope="openid"))
    key = consent_key(page.text)

    forged = client.post("/o/authorize/", {"authorization": key + "x", "decision": "allow"})
    smuggled = client.post(
        "/o/authorize/",
        {"authorization": key, "decision": "allow", "scope": "openid national_id email"},
    )
    again = client.post("/o/authorize/", {"authorization": key, "decision": "allow"})

    assert forged.status_code == 400
    assert "This sign-in request has expired or was changed" in forged.text
    assert ClientSignIn.objects.get().scopes == ["openid"]  # the smuggled scopes were ignored
    assert "code" in callback(smuggled)
    assert again.status_code == 400
    assert actions().count("identity.oidc_request_refused") == 2


# --- tokens, claims, UserInfo -------------------------------------------------------------------


def test_the_code_buys_an_rs256_id_token_with_pairwise_sub_acr_amr_and_nonce(client):
    """oidcc-server, oidcc-idtoken-signature, oidcc-ensure-request-with-valid-pkce-succeeds:
    signature, kid, iss, aud, nonce, exp, acr."""
    application, _ = client_app()
    user = person_account(level="substantial")
    sign_in(client, user, second_factor="totp")

    tokens, _ = signed_in_with_tokens(client, application, user)
    claims = id_token_claims(client, tokens["id_token"])
    header = json.loads(
        __import__("base64").urlsafe_b64decode(tokens["id_token"].split(".")[0] + "==")
    )

    assert header["alg"] == "RS256" and header["kid"]
    assert claims["iss"] == "http://testserver"
    assert claims["aud"] == application.client_id
    assert claims["nonce"] == "nonce-456"
    assert claims["sub"] == pairwise_subject(sector_identifier="rd.example", account_id=user.pk)
    assert claims["sub"] != str(user.pk)
    assert claims["acr"] == "substantial"
    assert claims["amr"] == ["pwd", "otp", "mfa"]
    assert claims["exp"] - claims["iat"] == 600
    assert "email" not in claims and "name" not in claims  # scope claims come from UserInfo
    assert tokens["expires_in"] == 600 and tokens["refresh_token"]
    # 256 random bits each, base64url (oauthlib's default would be 30 characters, 178 bits).
    assert len(tokens["access_token"]) == len(tokens["refresh_token"]) == 43
    assert actions().count("identity.oidc_signed_in") == 1
    assert actions().count("identity.oidc_tokens_issued") == 1


def test_two_agencies_see_different_subjects_for_the_same_person(client):
    revenue, _ = client_app(agency_slug="revenue", sector="rd.example")
    health, _ = client_app(agency_slug="health", sector="moph.example", name=("Health", "สุขภาพ"))
    user = person_account()
    sign_in(client, user)

    first, _ = signed_in_with_tokens(client, revenue, user)
    second, _ = signed_in_with_tokens(client, health, user)

    sub_revenue = id_token_claims(client, first["id_token"])["sub"]
    sub_health = id_token_claims(client, second["id_token"])["sub"]
    assert sub_revenue != sub_health
    userinfo = client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {second['access_token']}")
    assert json.loads(userinfo.content)["sub"] == sub_health


def test_userinfo_gives_registry_names_and_logs_the_agency_read(client):
    """oidcc-userinfo-get, oidcc-userinfo-post-header, oidcc-scope-profile, oidcc-scope-email."""
    application, _ = client_app()
    user = person_account(level="substantial")
    person = linked_person(user)
    sign_in(client, user, second_factor="totp")
    tokens, _ = signed_in_with_tokens(client, application, user)
    bearer = f"Bearer {tokens['access_token']}"

    got = json.loads(client.get("/o/userinfo/", HTTP_AUTHORIZATION=bearer).content)
    posted = json.loads(client.post("/o/userinfo/", HTTP_AUTHORIZATION=bearer).content)

    assert got == posted
    assert got["sub"] == id_token_claims(client, tokens["id_token"])["sub"]
    assert got["given_name"] == person.given_name_latin
    assert got["family_name#th"] == person.family_name_th
    assert got["email"] == "somchai@example.test" and got["email_verified"] is True
    assert "national_id" not in got
    record = AccessRecord.objects.filter(person_id=person.id).latest("created_at")
    assert record.accessor_kind == "agency_system"
    assert record.organisation == "revenue"
    assert record.purpose == "Sign-in to e-Tax"
    assert "person.name" in record.facts


def test_an_unproved_account_shares_no_registry_name(client):
    application, _ = client_app()
    user = person_account()
    sign_in(client, user)
    tokens, _ = signed_in_with_tokens(client, application, user)

    got = json.loads(
        client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").content
    )

    assert got["nickname"] == "Som"
    assert "name" not in got and "given_name" not in got
    assert AccessRecord.objects.count() == 0


def test_the_national_id_goes_only_to_clients_allowed_it(client):
    allowed, _ = client_app(
        agency_slug="land", sector="dol.example", name=("Land", "ที่ดิน"),
        scopes=("openid", "national_id"), national_id_basis="Land Code s.72",
    )  # fmt: skip
    other, _ = client_app()
    user = person_account(level="substantial")
    person = linked_person(user)
    sign_in(client, user, second_factor="totp")
    _, challenge = pkce_pair()

    refused = client.get(authorize_path(other, challenge=challenge, scope="openid national_id"))
    tokens, _ = signed_in_with_tokens(client, allowed, user, scope="openid national_id")
    got = json.loads(
        client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").content
    )

    assert callback(refused)["error"] == "invalid_scope"
    assert got["national_id"] == person.national_id
    assert "identity.oidc_request_refused" in actions()


def test_scopes_we_do_not_know_are_ignored(client):
    """oidcc-scope-address, oidcc-scope-phone, oidcc-scope-all: scopes we do not know are
    ignored (OpenID Connect Core §3.1.2.1), not an error."""
    application, _ = client_app()
    sign_in(client, person_account())
    verifier, challenge = pkce_pair()

    code = authorize(client, application, challenge=challenge, scope="phone openid address")["code"]
    tokens = json.loads(exchange(client, application, code, verifier).content)

    assert tokens["scope"] == "openid"


# --- levels of assurance ------------------------------------------------------------------------


def test_acr_values_send_a_low_session_through_the_step_up_and_back(client):
    """oidcc-ensure-request-with-acr-values-succeeds (after the step-up)."""
    application, _ = client_app()
    user = person_account(level="substantial")
    sign_in(client, user)  # a password only: level low this session
    verifier, challenge = pkce_pair()
    path = authorize_path(application, challenge=challenge, acr_values="substantial high")

    sent = client.get(path)
    sign_in(client, user, second_factor="totp")  # the step-up's second factor
    code = authorize(client, application, challenge=challenge, acr_values="substantial high")[
        "code"
    ]
    tokens = json.loads(exchange(client, application, code, verifier).content)

    location = urlsplit(sent["Location"])
    assert location.path == "/account/step-up/"
    assert parse_qs(location.query) == {"level": ["substantial"], "next": [path]}
    assert id_token_claims(client, tokens["id_token"])["acr"] == "substantial"


def test_a_client_minimum_level_applies_even_when_it_asks_for_less(client):
    application, _ = client_app(minimum_level="substantial")
    user = person_account()
    sign_in(client, user, second_factor="totp")  # strong sign-in, but identity never proved
    _, challenge = pkce_pair()

    sent = client.get(authorize_path(application, challenge=challenge, acr_values="low"))

    assert sent.status_code == 302 and sent["Location"].startswith("/account/step-up/")


def test_prompt_none_never_shows_a_page(client):
    """oidcc-prompt-none-not-logged-in, oidcc-prompt-none-logged-in."""
    application, _ = client_app(minimum_level="low")
    _, challenge = pkce_pair()

    signed_out = client.get(authorize_path(application, challenge=challenge, prompt="none"))
    user = person_account()
    sign_in(client, user)
    no_consent = client.get(authorize_path(application, challenge=challenge, prompt="none"))
    too_low = client.get(
        authorize_path(application, challenge=challenge, prompt="none", acr_values="high")
    )
    authorize(client, application, challenge=challenge)
    silent = client.get(authorize_path(application, challenge=challenge, prompt="none"))

    assert callback(signed_out)["error"] == "login_required"
    assert callback(no_consent)["error"] == "consent_required"
    assert callback(too_low)["error"] == "interaction_required"
    assert "code" in callback(silent)


def test_prompt_login_and_an_old_sign_in_ask_for_the_password_again(client):
    """oidcc-prompt-login, oidcc-max-age-1 (sign in again), oidcc-max-age-10000 (no need)."""
    application, _ = client_app()
    user = person_account()
    sign_in(client, user)
    _, challenge = pkce_pair()

    login = client.get(authorize_path(application, challenge=challenge, prompt="login"))
    old = client.get(authorize_path(application, challenge=challenge, max_age="0"))
    recent = client.get(authorize_path(application, challenge=challenge, max_age="10000"))

    for response in (login, old):
        location = urlsplit(response["Location"])
        assert location.path == "/accounts/reauthenticate/"
        back = parse_qs(location.query)["next"][0]
        assert back.startswith("/o/authorize/?") and "prompt" not in back and "max_age" not in back
    assert recent.status_code == 200  # the consent page


def test_an_id_token_hint_for_someone_else_is_login_required_under_prompt_none(client):
    """oidcc-id-token-hint: the same person's hint signs in silently."""
    application, _ = client_app()
    first = person_account()
    sign_in(client, first)
    tokens, _ = signed_in_with_tokens(client, application, first)
    _, challenge = pkce_pair()
    hint = tokens["id_token"]

    same = client.get(
        authorize_path(application, challenge=challenge, prompt="none", id_token_hint=hint)
    )
    sign_in(client, person_account("other@example.test"))
    other = client.get(
        authorize_path(application, challenge=challenge, prompt="none", id_token_hint=hint)
    )

    assert "code" in callback(same)
    assert callback(other)["error"] == "login_required"


def test_extra_and_display_parameters_do_not_get_in_the_way(client):
    """oidcc-ensure-request-with-unknown-parameter-succeeds, oidcc-display-page,
    oidcc-display-popup, oidcc-login-hint, oidcc-ui-locales, oidcc-claims-locales, and
    oidcc-ensure-request-without-nonce-succeeds-for-code-flow."""
    application, _ = client_app()
    sign_in(client, person_account())
    _, challenge = pkce_pair()

    params = authorize(
        client, application, challenge=challenge, extra="foobar", display="popup",
        login_hint="buffy@example.test", claims_locales="se", nonce=None,
    )  # fmt: skip

    assert "code" in params


def test_ui_locales_choose_thai_on_a_first_visit(client):
    application, _ = client_app()
    sign_in(client, person_account())
    _, challenge = pkce_pair()

    response = client.get(authorize_path(application, challenge=challenge, ui_locales="th-TH en"))

    assert response.status_code == 302
    assert response["Location"].startswith("/th/o/authorize/?")


# --- refusals ------------------------------------------------------------------------------------


def test_an_unregistered_redirect_uri_is_refused_on_a_page_not_redirected(client):
    """oidcc-ensure-registered-redirect-uri."""
    application, _ = client_app()
    sign_in(client, person_account())
    _, challenge = pkce_pair()
    path = authorize_path(application, challenge=challenge, redirect_uri="https://evil.example/cb")

    english = client.get(path)
    thai = client.get("/th" + path)

    assert english.status_code == 400
    assert "has not registered with OneGate" in english.text
    assert "evil.example" not in english.get("Location", "")
    assert thai.status_code == 400 and '<html lang="th"' in thai.text
    event = AuditEvent.objects.filter(action="identity.oidc_request_refused").first()
    assert event is not None and event.payload["error"] == "invalid_redirect_uri"


def test_an_unknown_client_is_refused_on_a_page(client):
    sign_in(client, person_account())
    response = client.get("/o/authorize/?response_type=code&client_id=nobody&scope=openid")

    assert response.status_code == 400
    assert "not registered with OneGate" in response.text


@pytest.mark.parametrize(
    ("pkce", "description"),
    [
        ({"code_challenge_method": "plain"}, "plain"),
        ({"code_challenge_method": None}, "method missing, which RFC 7636 reads as plain"),
        ({"code_challenge": None, "code_challenge_method": None}, "no challenge at all"),
    ],
)
def test_pkce_other_than_s256_is_refused_before_the_consent_page(client, pkce, description):
    application, _ = client_app()
    sign_in(client, person_account())
    _, challenge = pkce_pair()

    response = client.get(authorize_path(application, challenge=challenge, **pkce))

    params = callback(response)
    assert params["error"] == "invalid_request", description
    assert params["state"] == "state-123" and params["iss"] == "http://testserver"
    assert ClientSignIn.objects.count() == 0
    assert "identity.oidc_request_refused" in actions()


def test_request_objects_are_refused_as_unsupported(client):
    """oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported,
    oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported and
    oidcc-ensure-request-object-with-redirect-uri: refused as unsupported."""
    application, _ = client_app()
    sign_in(client, person_account())
    _, challenge = pkce_pair()

    by_value = client.get(authorize_path(application, challenge=challenge, request="e30.e30."))
    by_reference = client.get(
        authorize_path(application, challenge=challenge, request_uri="https://rp.example/r")
    )

    assert callback(by_value)["error"] == "request_not_supported"
    assert callback(by_reference)["error"] == "request_uri_not_supported"


def test_a_missing_or_implicit_response_type_is_refused(client):
    """oidcc-response-type-missing; the implicit and hybrid flows do not exist here."""
    application, _ = client_app()
    sign_in(client, person_account())
    _, challenge = pkce_pair()

    missing = client.get(authorize_path(application, challenge=challenge, response_type=None))
    implicit = client.get(
        authorize_path(application, challenge=challenge, response_type="id_token")
    )

    assert callback(missing)["error"] == "invalid_request"
    assert callback(implicit)["error"] in {"unsupported_response_type", "unauthorized_client"}


def test_a_missing_or_wrong_verifier_gets_no_tokens(client):
    application, _ = client_app()
    sign_in(client, person_account())
    verifier, challenge = pkce_pair()
    code = authorize(client, application, challenge=challenge)["code"]

    missing = exchange(client, application, code, None)
    wrong = exchange(client, application, code, pkce_pair()[0])
    right = exchange(client, application, code, verifier)

    assert missing.status_code == 400 and json.loads(missing.content)["error"] == "invalid_request"
    assert wrong.status_code == 400 and json.loads(wrong.content)["error"] == "invalid_grant"
    assert right.status_code == 200
    assert actions().count("identity.oidc_token_refused") == 2


def test_a_replayed_code_is_refused_and_revokes_what_it_bought(client):
    """oidcc-codereuse, oidcc-codereuse-30seconds (the first tokens are revoked)."""
    application, _ = client_app()
    user = person_account()
    sign_in(client, user)
    verifier, challenge = pkce_pair()
    code = authorize(client, application, challenge=challenge)["code"]
    first = json.loads(exchange(client, application, code, verifier).content)

    replay = exchange(client, application, code, verifier)
    userinfo = client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {first['access_token']}")
    refresh = client.post(
        "/o/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": application.client_id,
        },
    )

    assert replay.status_code == 400 and json.loads(replay.content)["error"] == "invalid_grant"
    assert userinfo.status_code in (401, 403)
    assert refresh.status_code == 400
    assert "identity.oidc_code_replayed" in actions()


def test_a_refused_exchange_keeps_nothing_and_the_code_still_works_with_its_verifier(client):
    application, _ = client_app()
    sign_in(client, person_account())
    verifier, challenge = pkce_pair()
    code = authorize(client, application, challenge=challenge)["code"]

    wrong = exchange(client, application, code, pkce_pair()[0])

    assert wrong.status_code == 400 and json.loads(wrong.content)["error"] == "invalid_grant"
    assert ClientSignIn.objects.get().redeemed_at is None  # marked, then rolled back
    assert not AccessToken.objects.exists() and not IDToken.objects.exists()
    assert "identity.oidc_tokens_issued" not in actions()
    assert "identity.oidc_code_replayed" not in actions()  # never exchanged: not a replay
    right = exchange(client, application, code, verifier)
    assert right.status_code == 200
    assert ClientSignIn.objects.get().redeemed_at is not None
    assert actions().count("identity.oidc_tokens_issued") == 1


def test_a_confidential_client_must_authenticate_with_its_secret(client):
    """oidcc-server (client_secret_basic), oidcc-server-client-secret-post."""
    application, secret = client_app(confidential=True)
    sign_in(client, person_account())
    results = {}
    for style in ("none", "basic", "post", "wrong"):
        verifier, challenge = pkce_pair()
        code = authorize(client, application, challenge=challenge)["code"]
        extra: dict[str, Any] = {}
        if style == "basic":
            raw = f"{application.client_id}:{secret}".encode()
            extra["HTTP_AUTHORIZATION"] = "Basic " + __import__("base64").b64encode(raw).decode()
        elif style in ("post", "wrong"):
            extra["client_secret"] = secret if style == "post" else "not-the-secret"
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
                "code_verifier": verifier, "client_id": application.client_id}  # fmt: skip
        secret_field = {k: v for k, v in extra.items() if k == "client_secret"}
        headers = {k: v for k, v in extra.items() if k.startswith("HTTP_")}
        results[style] = client.post("/o/token/", {**data, **secret_field}, **headers).status_code

    assert results == {"none": 401, "basic": 200, "post": 200, "wrong": 401}
    assert application.__class__.objects.get(pk=application.pk).client_secret.startswith(
        "oidc_client_pbkdf2_sha256$1000$"
    )


def test_a_client_switched_off_by_another_server_process_stops_within_five_seconds(
    client, monkeypatch
):
    application, _ = client_app()
    sign_in(client, person_account())
    _, challenge = pkce_pair()
    assert client.get(authorize_path(application, challenge=challenge)).status_code == 200
    # As another process would: the row changes, this process is not told.
    ClientPolicy.objects.filter(application=application).update(is_active=False)
    now = time.monotonic()
    monkeypatch.setattr(clients, "_clock", lambda: now + CLIENT_MEMORY_SECONDS)

    response = client.get(authorize_path(application, challenge=challenge))

    assert response.status_code == 400 and "not registered with OneGate" in response.text


def test_a_switched_off_client_cannot_start_a_sign_in(client):
    application, _ = client_app()
    application.onegate_policy.is_active = False
    application.onegate_policy.save()
    sign_in(client, person_account())
    _, challenge = pkce_pair()

    response = client.get(authorize_path(application, challenge=challenge))

    assert response.status_code == 400 and "not registered with OneGate" in response.text


# --- refresh ----------------------------------------------------------------------------------


def refresh(client: Client, application: Any, token: str) -> Any:
    return client.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": token, "client_id": application.client_id},
    )


def test_refresh_rotates_keeps_the_sign_in_context_and_a_reused_token_ends_it_all(client):
    """oidcc-refresh-token."""
    application, _ = client_app()
    user = person_account(level="substantial")
    sign_in(client, user, second_factor="webauthn")
    tokens, _ = signed_in_with_tokens(client, application, user)
    original = id_token_claims(client, tokens["id_token"])

    renewed = json.loads(refresh(client, application, tokens["refresh_token"]).content)
    claims = id_token_claims(client, renewed["id_token"])
    reused = refresh(client, application, tokens["refresh_token"])
    after_reuse = refresh(client, application, renewed["refresh_token"])

    assert renewed["refresh_token"] != tokens["refresh_token"]
    assert {k: claims[k] for k in ("sub", "acr", "amr", "auth_time")} == {
        k: original[k] for k in ("sub", "acr", "amr", "auth_time")
    }
    assert "nonce" not in claims
    assert reused.status_code == 400
    assert after_reuse.status_code == 400  # the whole family was revoked
    assert "identity.oidc_tokens_issued" in actions()
    assert actions().count("identity.oidc_tokens_issued") == 1  # refreshes are not audited


def test_refresh_stops_when_the_sign_in_is_older_than_a_session_may_be(client, settings):
    application, _ = client_app()
    user = person_account()
    sign_in(client, user)
    tokens, _ = signed_in_with_tokens(client, application, user)
    ClientSignIn.objects.update(authenticated_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=13))

    assert refresh(client, application, tokens["refresh_token"]).status_code == 400


# --- RP-initiated logout ---------------------------------------------------------------------


def test_logout_with_the_persons_id_token_signs_out_and_returns_with_state(client):
    application, _ = client_app()
    user = person_account()
    sign_in(client, user)
    tokens, _ = signed_in_with_tokens(client, application, user)

    response = client.get(
        "/o/logout/",
        {
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": LOGOUT_URI,
            "state": "bye",
        },
    )

    assert response.status_code == 302 and response["Location"] == f"{LOGOUT_URI}?state=bye"
    assert "_auth_user_id" not in client.session
    userinfo = client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert userinfo.status_code in (401, 403)
    assert "identity.oidc_signed_out" in actions()


def test_logout_without_a_hint_asks_first_and_no_keeps_the_session(client):
    application, _ = client_app()
    sign_in(client, person_account())

    page = client.get("/o/logout/", {"client_id": application.client_id})
    stay = client.post("/o/logout/", {"client_id": application.client_id})

    assert page.status_code == 200 and "Sign out of OneGate?" in page.text
    assert "e-Tax (Revenue Department) asked to sign you out." in page.text
    assert stay.status_code == 200 and "You are still signed in to OneGate." in stay.text
    assert "_auth_user_id" in client.session


def test_logout_to_an_unregistered_address_is_refused(client):
    application, _ = client_app()
    sign_in(client, person_account())

    response = client.get(
        "/o/logout/",
        {"client_id": application.client_id, "post_logout_redirect_uri": "https://evil.example/"},
    )
    unknown = client.get("/o/logout/", {"client_id": "nobody"})

    assert response.status_code == 400 and "has not registered with OneGate" in response.text
    assert unknown.status_code == 400 and "not registered with OneGate" in unknown.text
    assert actions().count("identity.oidc_request_refused") == 2


# --- the rest of the Basic OP list ---------------------------------------------------------------


def test_scope_and_parameter_order_do_not_matter(client):
    """oidcc-alternate-happy-flow."""
    application, _ = client_app()
    sign_in(client, person_account())
    verifier, challenge = pkce_pair()
    path = (
        f"/o/authorize/?nonce=n&state=s&scope=email+profile+openid&code_challenge_method=S256"
        f"&code_challenge={challenge}&redirect_uri={REDIRECT_URI}&client_id={application.client_id}"
        "&response_type=code"
    )

    page = client.get(path)
    answer = client.post(
        "/o/authorize/", {"authorization": consent_key(page.text), "decision": "allow"}
    )
    tokens = json.loads(exchange(client, application, callback(answer)["code"], verifier).content)

    assert set(tokens["scope"].split()) == {"openid", "profile", "email"}


def test_an_authorization_request_may_be_posted(client):
    """oidcc-ensure-post-request-succeeds: the form POST is answered as the same request."""
    application, _ = client_app()
    user = person_account()
    sign_in(client, user)
    _, challenge = pkce_pair()
    authorize(client, application, challenge=challenge)
    params = parse_qs(urlsplit(authorize_path(application, challenge=challenge)).query)
    csrf_checking = Client(enforce_csrf_checks=True)
    sign_in(csrf_checking, user)

    posted = csrf_checking.post("/o/authorize/", {k: v[0] for k, v in params.items()})
    followed = csrf_checking.get(posted["Location"])
    unprotected_answer = csrf_checking.post(
        "/o/authorize/", {"authorization": "x", "decision": "allow"}
    )

    assert posted.status_code == 303 and posted["Location"].startswith("/o/authorize/?")
    assert "code" in callback(followed)
    assert unprotected_answer.status_code == 403  # the consent answer itself needs its CSRF token


def test_a_claims_request_is_not_an_error(client):
    """oidcc-claims-essential: the claims parameter is not supported, and not refused."""
    application, _ = client_app()
    sign_in(client, person_account())
    verifier, challenge = pkce_pair()

    code = authorize(
        client, application, challenge=challenge,
        claims=json.dumps({"userinfo": {"name": {"essential": True}}}),
    )["code"]  # fmt: skip

    assert exchange(client, application, code, verifier).status_code == 200


def test_userinfo_takes_the_token_in_a_post_body_but_never_in_the_query(client):
    """oidcc-userinfo-post-body (RFC 6750 §2.2); RFC 9700 forbids the query string (§4.3.2)."""
    application, _ = client_app()
    user = person_account()
    sign_in(client, user)
    tokens, _ = signed_in_with_tokens(client, application, user)
    anonymous = Client()

    body = anonymous.post("/o/userinfo/", {"access_token": tokens["access_token"]})
    query = anonymous.get("/o/userinfo/", {"access_token": tokens["access_token"]})

    assert body.status_code == 200 and json.loads(body.content)["sub"]
    assert query.status_code in (400, 401, 403)


def test_resource_indicators_are_not_offered(client):
    application, _ = client_app()
    sign_in(client, person_account())
    verifier, challenge = pkce_pair()
    code = authorize(client, application, challenge=challenge)["code"]

    response = exchange(client, application, code, verifier, resource="https://api.example/")

    assert response.status_code == 400 and json.loads(response.content)["error"] == "invalid_target"


def test_a_code_without_its_sign_in_record_buys_nothing(client):
    """The code and its sign-in record are written separately; a code alone is worthless."""
    application, _ = client_app()
    sign_in(client, person_account())
    verifier, challenge = pkce_pair()
    code = authorize(client, application, challenge=challenge)["code"]
    ClientSignIn.objects.all().delete()

    response = exchange(client, application, code, verifier)

    assert response.status_code == 400 and json.loads(response.content)["error"] == "invalid_grant"


# --- cost: SQL statements per sign-in (docs/oidc.md, Performance) ------------------------------


def statements(queries: CaptureQueriesContext) -> list[str]:
    """What the request sent, without the test's own savepoints (BEGIN/COMMIT in production)."""
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_a_sign_in_to_a_client_costs_fourteen_statements_and_two_transactions(client):
    application, _ = client_app(scopes=("openid", "email"))
    user = person_account()
    ClientConsent.objects.create(user=user, application=application, scopes=["email", "openid"])
    sign_in(client, user)
    machine = Client()  # the client's server: no browser session
    signed_in_with_tokens(client, application, user, scope="openid email")  # a first flow
    verifier, challenge = pkce_pair()

    with CaptureQueriesContext(connection) as authorization:
        code = callback(client.get(authorize_path(application, challenge=challenge,
                                                  scope="openid email")))["code"]  # fmt: skip
    with CaptureQueriesContext(connection) as token:
        assert exchange(machine, application, code, verifier).status_code == 200

    # Session and account, the person's level, the consent; the code, its sign-in record and
    # its audit record (one transaction). Nothing about the client (kept in memory) and no
    # user-session write (once a minute).
    assert len(statements(authorization)) == 7, statements(authorization)
    # The code (with its account); the sign-in marked exchanged and audited; the ID, access and
    # refresh tokens; the code deleted — all in one transaction.
    assert len(statements(token)) == 7, statements(token)
    for queries in (authorization, token):  # one transaction each (a savepoint under the test's)
        assert sum(q["sql"].startswith("SAVEPOINT") for q in queries.captured_queries) == 1
