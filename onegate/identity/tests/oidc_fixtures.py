"""Shared pieces of the OpenID Connect provider's tests: a signing key, clients registered the way
administrators register them, people with and without a registry link, sessions at a level,
PKCE pairs, and driving the authorization endpoint with Django's test client.

Test modules opt in with ``pytestmark = pytest.mark.usefixtures("oidc_provider")``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from collections.abc import Iterator
from typing import Any, cast
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_application_model

from onegate.catalogue.selectors import catalogue_forget
from onegate.catalogue.tests.factories import AgencyFactory
from onegate.identity.models import ClientPolicy, IdentityLink, User
from onegate.identity.oidc.clients import clients_forget
from onegate.identity.oidc.keys import private_key_pem_generate
from onegate.registries.models import Person
from onegate.registries.tests.factories import NationalIdCardFactory, PersonFactory

Application = get_application_model()
REDIRECT_URI = "https://rp.example/callback"
LOGOUT_URI = "https://rp.example/signed-out"
RECORDS_USER_SESSION_KEY = "account_authentication_methods_user"
_KEY: dict[str, str] = {}


def signing_key() -> str:
    """One RSA key for the whole test run (making one takes a while)."""
    if "pem" not in _KEY:
        _KEY["pem"] = private_key_pem_generate()
    return _KEY["pem"]


@pytest.fixture
def oidc_provider(settings: Any) -> Iterator[None]:
    """The provider as base.py configures it, with a test key and the client-secret hasher."""
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": signing_key()}
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "onegate.identity.oidc.hashers.ClientSecretHasher",
    ]
    cache.clear()
    catalogue_forget()
    clients_forget()
    yield
    catalogue_forget()
    clients_forget()


def client_app(
    *,
    agency_slug: str = "revenue",
    name: tuple[str, str] = ("e-Tax", "ภาษีออนไลน์"),
    sector: str = "rd.example",
    scopes: tuple[str, ...] = ("openid", "profile", "email"),
    confidential: bool = False,
    minimum_level: str = "low",
    national_id_basis: str = "",
) -> tuple[Any, str]:
    """A registered client and its plain secret (kept only here; the database has a hash)."""
    AgencyFactory(
        slug=agency_slug,
        name={"en": f"{agency_slug.title()} Department", "th": f"กรม{agency_slug}"},
    )
    catalogue_forget()
    secret = secrets.token_urlsafe(48)
    application = Application.objects.create(
        name=name[0],
        client_type="confidential" if confidential else "public",
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
        redirect_uris=REDIRECT_URI,
        post_logout_redirect_uris=LOGOUT_URI,
        client_secret=secret,
    )
    ClientPolicy.objects.create(
        application=application,
        agency_slug=agency_slug,
        name_en=name[0],
        name_th=name[1],
        allowed_scopes=list(scopes),
        sector_identifier=sector,
        minimum_level=minimum_level,
        national_id_basis=national_id_basis,
        privacy_notice_url="https://rp.example/privacy",
    )
    return application, secret


def person_account(email: str = "somchai@example.test", *, level: str | None = None) -> User:
    """An account with a confirmed email; linked to a registry person at ``level`` if given."""
    user = User.objects.create_user(email, "a long test password", display_name="Som")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if level is not None:
        person = cast(Person, PersonFactory())
        NationalIdCardFactory(person=person)
        IdentityLink.objects.create(
            user=user,
            person_id=person.id,
            level=level,
            method="national_id_card" if level == "substantial" else "in_person",
            proved_at=timezone.now(),
        )
    return user


def linked_person(user: User) -> Person:
    return Person.objects.get(id=IdentityLink.objects.get(user=user).person_id)


def sign_in(client: Client, user: User, *, second_factor: str | None = None) -> None:
    """Sign ``user`` in on ``client`` with a password (and a second factor: "totp", "webauthn")."""
    client.force_login(user)
    now = time.time()
    records: list[dict[str, Any]] = [{"method": "password", "at": now, "email": user.email}]
    if second_factor:
        records.append({"method": "mfa", "type": second_factor, "at": now, "id": 0})
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[RECORDS_USER_SESSION_KEY] = str(user.pk)
    session.save()


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636 §4.2)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_path(application: Any, *, challenge: str | None, **extra: str | None) -> str:
    params = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile email",
        "state": "state-123",
        "nonce": "nonce-456",
    }
    if challenge is not None:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    params.update(extra)
    return "/o/authorize/?" + urlencode({k: v for k, v in params.items() if v is not None})


def consent_key(html: str) -> str:
    found = re.search(r'name="authorization" value="([^"]+)"', html)
    assert found, "no consent form on the page"
    return found.group(1)


def callback(response: Any) -> dict[str, str]:
    """The parameters of a redirect to the client's redirect URI."""
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    assert location.startswith(REDIRECT_URI + "?"), location
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def authorize(
    client: Client, application: Any, *, challenge: str, **extra: str | None
) -> dict[str, str]:
    """Ask for a code and agree on the consent page if it is shown; the callback's parameters."""
    response = client.get(authorize_path(application, challenge=challenge, **extra))
    if response.status_code == 200:
        response = client.post(
            "/o/authorize/", {"authorization": consent_key(response.text), "decision": "allow"}
        )
    return callback(response)


def exchange(
    client: Client, application: Any, code: str, verifier: str | None, **extra: str
) -> Any:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": application.client_id,
        **extra,
    }
    if verifier is not None:
        data["code_verifier"] = verifier
    return client.post("/o/token/", data)


def issuer() -> str:
    return settings.OAUTH2_PROVIDER.get("OIDC_ISS_ENDPOINT") or "http://testserver"
