"""The provider's parts on their own: pairwise subjects, levels, the client-secret hasher, keys,
the discovery and JWKS documents, and the deployment checks."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ImproperlyConfigured

from onegate.identity.models import User
from onegate.identity.oidc import checks, keys
from onegate.identity.oidc.hashers import ClientSecretHasher
from onegate.identity.oidc.levels import level_needed
from onegate.identity.oidc.subjects import pairwise_subject
from onegate.identity.tests.oidc_fixtures import (
    oidc_provider,  # noqa: F401  (the fixture)
    signing_key,
)

pytestmark = pytest.mark.usefixtures("oidc_provider")
ACCOUNT = "5d0c7f56-54a2-4a0c-9a53-0a1f9f3a0b11"


def test_pairwise_subjects_differ_between_sectors_and_agree_within_one():
    revenue = pairwise_subject(sector_identifier="rd.go.th", account_id=ACCOUNT)
    health = pairwise_subject(sector_identifier="moph.go.th", account_id=ACCOUNT)

    assert revenue != health
    assert revenue == pairwise_subject(sector_identifier=" RD.go.th ", account_id=ACCOUNT)
    assert len(revenue) == 43 and ACCOUNT not in revenue  # 256 bits, base64url, no account id
    assert revenue != pairwise_subject(sector_identifier="rd.go.th", account_id=ACCOUNT[::-1])


def test_pairwise_subjects_depend_on_the_secret(settings):
    before = pairwise_subject(sector_identifier="rd.go.th", account_id=ACCOUNT)
    settings.OIDC_PAIRWISE_SECRET = "a-production-secret-0123456789abcdef"

    assert pairwise_subject(sector_identifier="rd.go.th", account_id=ACCOUNT) != before


@pytest.mark.parametrize(
    ("acr_values", "minimum", "needed"),
    [
        ("", "low", "low"),
        ("substantial", "low", "substantial"),
        ("high substantial", "low", "substantial"),  # any level listed will do: the lowest
        ("low", "substantial", "substantial"),  # the client's floor wins
        ("urn:unknown 1 2", "low", "low"),  # values we do not know are ignored
        ("urn:unknown high", "substantial", "high"),
    ],
)
def test_the_level_a_request_needs(acr_values, minimum, needed):
    assert level_needed(acr_values=acr_values, minimum=minimum) == needed


def test_client_secrets_are_hashed_cheaply_and_one_way():
    secret = "s" * 48
    stored = make_password(secret, hasher="oidc_client_pbkdf2_sha256")

    # The cost is pinned by its parameters (no timed assertion): 1,000 PBKDF2 rounds, not Argon2id.
    assert stored.startswith("oidc_client_pbkdf2_sha256$1000$") and secret not in stored
    assert check_password(secret, stored) and not check_password("t" * 48, stored)
    assert ClientSecretHasher.iterations == 1_000


def test_the_key_comes_from_the_environment_as_pem_or_path(monkeypatch, tmp_path):
    pem = signing_key()
    path = tmp_path / "key.pem"
    path.write_text(pem, encoding="utf-8")
    fallback = tmp_path / "fallback.pem"

    monkeypatch.setenv("OIDC_RSA_PRIVATE_KEY", pem)
    assert keys.private_key_pem_from_env(fallback_file=fallback) == pem
    monkeypatch.setenv("OIDC_RSA_PRIVATE_KEY", str(path))
    assert keys.private_key_pem_from_env(fallback_file=fallback) == pem
    monkeypatch.delenv("OIDC_RSA_PRIVATE_KEY")
    assert keys.private_key_pem_from_env(fallback_file=fallback) == ""
    fallback.write_text("demo", encoding="utf-8")
    assert keys.private_key_pem_from_env(fallback_file=fallback) == "demo"
    monkeypatch.setenv("OIDC_RSA_PRIVATE_KEY", str(tmp_path / "missing.pem"))
    with pytest.raises(ImproperlyConfigured, match="OIDC_RSA_PRIVATE_KEY"):
        keys.private_key_pem_from_env(fallback_file=fallback)


def test_discovery_advertises_only_what_is_accepted(client):
    """The discovery checks of every Basic OP module, and RFC 9700: no plain PKCE, no implicit.
    oidcc-idtoken-unsigned: RS256 is the only algorithm offered, so no ID token is unsigned."""
    response = client.get("/.well-known/openid-configuration")
    document = json.loads(response.content)

    assert response["Cache-Control"] == "public, max-age=3600"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert document["issuer"] == "http://testserver"
    assert document["authorization_endpoint"] == "http://testserver/o/authorize/"
    assert document["jwks_uri"] == "http://testserver/.well-known/jwks.json"
    assert document["end_session_endpoint"] == "http://testserver/o/logout/"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["response_types_supported"] == ["code"]
    assert document["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert document["subject_types_supported"] == ["pairwise"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert document["acr_values_supported"] == ["low", "substantial", "high"]
    assert {"client_secret_basic", "client_secret_post"} <= set(
        document["token_endpoint_auth_methods_supported"]
    )
    assert document["request_parameter_supported"] is False
    assert document["authorization_response_iss_parameter_supported"] is True
    assert {"sub", "acr", "amr", "name#th", "national_id"} <= set(document["claims_supported"])


def test_discovery_follows_the_configured_issuer(client, settings):
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_ISS_ENDPOINT": "https://id.example",
    }
    fixed = json.loads(client.get("/.well-known/openid-configuration").content)

    assert fixed["issuer"] == "https://id.example"
    assert fixed["token_endpoint"] == "https://id.example/o/token/"
    assert fixed["authorization_endpoint"] == "https://id.example/o/authorize/"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/.well-known/openid-configuration", 200),
        ("/.well-known/jwks.json", 200),
        ("/o/userinfo/", 401),  # no token: refused in place, not sent to a /th/ address
        ("/o/token/", 405),  # POST only
        ("/o/revoke_token/", 405),
    ],
)
def test_machine_endpoints_answer_a_thai_speaking_client_in_place(client, path, status):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="th")

    assert response.status_code == status
    assert "Location" not in response
    assert "Set-Cookie" not in response  # cacheable: no language cookie on a shared document


@pytest.mark.django_db
def test_discovery_stays_public_for_a_signed_in_browser(client):
    client.force_login(User.objects.create_user("malee@example.test", "a long test password"))
    client.get("/th/")  # a page: session, language cookie, private caching

    response = client.get("/.well-known/openid-configuration")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"
    assert "Cookie" not in response.get("Vary", "")
    assert "Set-Cookie" not in response
    assert response["X-Content-Type-Options"] == "nosniff"  # the security headers still apply


@pytest.mark.django_db
def test_an_unknown_well_known_address_is_the_site_s_own_not_found_page(client):
    response = client.get("/.well-known/security-nonsense")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_jwks_publishes_the_public_key_with_its_thumbprint_and_retired_ones(client, settings):
    retired = keys.private_key_pem_generate()
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [retired],
    }

    published = json.loads(client.get("/.well-known/jwks.json").content)["keys"]

    assert len(published) == 2 and len({key["kid"] for key in published}) == 2
    for key in published:
        assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
        assert "d" not in key and "p" not in key  # public halves only


def test_deployment_checks_want_a_key_a_pairwise_secret_and_an_https_issuer(settings):
    assert checks.oidc_signing_key_check() == []
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": ""}
    assert [m.id for m in checks.oidc_signing_key_check()] == ["identity.E101"]
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": "-----BEGIN x"}
    assert [m.id for m in checks.oidc_signing_key_check()] == ["identity.E102"]
    settings.OIDC_PAIRWISE_SECRET, settings.OIDC_ISSUER = "", "http://id.example"
    assert [m.id for m in checks.oidc_deployment_check()] == ["identity.W103", "identity.W104"]
    settings.OIDC_PAIRWISE_SECRET, settings.OIDC_ISSUER = "secret", "https://id.example"
    assert checks.oidc_deployment_check() == []
