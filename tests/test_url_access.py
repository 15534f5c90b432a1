"""Whole-app rule: every URL needs sign-in unless it is on the explicit public list below.

The test walks every URL pattern Django knows, fills its parameters with sample values, and asks
for it without signing in. A public URL must not demand sign-in; every other URL must (a redirect
to a sign-in page, 401 or 403). A new URL that is in neither state fails this test until it is
protected or deliberately added to PUBLIC.

Every runner URL of an application (issue 8) is also asked for by another signed-in citizen
with a real application's id: each must answer 404 (never 403), change nothing, and be audited.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Route names (namespace:name) anyone may open. Keep this list short and deliberate.
PUBLIC = {
    "healthz",
    "catalogue:home",
    "catalogue:search",
    "catalogue:service_list",
    "catalogue:service",
    "catalogue:start",
    "catalogue:life_event",
    "catalogue:agency",
    "pages:accessibility",
    "pages:privacy",
    "pages:cookies",
    "api-v1:status",
    "api-v1:api-root",
    "api-v1:not-found",
    "api-v1:docs-asset",
    "api-v1:problem-type",
    "api-v1:openapi-json",
    "api-v1:openapi-view",
    # Node-to-node registry API: POST only, authenticated by its signed JWS body rather than a
    # sign-in; an unsigned request is a 401 problem (registries/tests/test_remote_node.py).
    "api-v1:registry-question",
    # Django admin's own unauthenticated views: JavaScript i18n catalogue is not served; the
    # password-reset views are not mounted. Logout only accepts POST and signs nobody in.
    # (admin:login is not public: it sends people to our sign-in, which asks for a second step.)
    "admin:logout",
    # Accounts (issue 5): the ways into an account, which must open without one: sign in, with
    # an emailed code, create an account (with a password or a passkey), reset a password, and
    # the pages those journeys end on. Sign-out is a question on GET and acts only on POST. The
    # code-entry and second-step pages (account_confirm_login_code,
    # account_email_verification_sent, account_confirm_password_reset_code, mfa_authenticate,
    # mfa_login_webauthn) are deliberately not here: without a journey under way they send the
    # person to sign in, which this test counts as protected.
    "account_login",
    "account_request_login_code",
    "account_signup",
    "account_signup_by_passkey",
    "mfa_signup_webauthn",
    "account_reset_password",
    "account_complete_password_reset",
    "account_password_reset_completed",
    "account_inactive",
    "account_logout",
    # OpenID Connect provider (issue 5): discovery and keys are public by definition; the token
    # and revocation endpoints take POST only and authenticate the client, not a person; the
    # logout page signs out whoever is signed in (nobody, here) and goes home.
    "oauth2_provider:oidc-connect-discovery-info",
    "oauth2_provider:jwks-info",
    "oauth2_provider:token",
    "oauth2_provider:revoke-token",
    "oidc:rp-initiated-logout",
    # The demo agency system (onegate/demo_rp) is another system, with no OneGate sign-in of its
    # own: its pages send people to OneGate to sign in, and its callback refuses a code it did
    # not ask for. Off (404) outside the demo and the tests.
    "demo_rp:home",
    "demo_rp:start",
    "demo_rp:callback",
    "demo_rp:sign_out",
    # Messages (issue 6): the local SMS gateway simulator is another system (the phone network),
    # called by OneGate's worker, not by people; POST only, and a 404 outside the demo and tests.
    "notify_sim:sms",
    # Credentials (issue 10): what the issuer publishes for verifiers (keys, status lists, types).
    "credentials:issuer-metadata",
    "credentials:status-list",
    "credentials:type-metadata",
    # Verification (issue 10): the API authenticates a relying party's Bearer token, not a
    # sign-in (POST only; no token is a 401 problem, credentials/tests/test_api.py); the clinic
    # verifier is for anyone holding a credential to check, rate limited per address.
    "api-v1:verification-check",
    "verification:verifier",
    # Service performance (issue 11): every live service's published figures, small counts
    # suppressed and nothing about any person, and the same as open data (with its schema and
    # the page explaining it). The owners' dashboard and the survey need sign-in.
    "performance:index",
    "performance:service",
    "performance:about",
    "performance:data_json",
    "performance:data_csv",
    "performance:data_schema",
}

SAMPLES = {"slug": "sample", "uuid": str(uuid.uuid4()), "int": "1", "str": "sample", "path": "x"}
SIGN_IN_PATHS = ("/admin/login/", "/accounts/login/", "/sign-in/", "/th/sign-in/")


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = (
                f"{namespace}{entry.name}"
                if entry.name
                else f"{namespace}<unnamed {entry.pattern}>"
            )
            yield name, prefix + str(entry.pattern)


def concrete(route: str) -> str:
    """A requestable path from a route (``services/<slug:slug>/`` or a regex admin pattern)."""
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "sample"), route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + path.lstrip("/")


ROUTES = sorted(set(walk(get_resolver())))


def demands_sign_in(response) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return any(sign_in in location for sign_in in SIGN_IN_PATHS)


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _ in ROUTES])
def test_every_url_is_public_or_needs_sign_in(client, name, route):
    response = client.get(concrete(route))
    if name in PUBLIC:
        assert not demands_sign_in(response), f"{name} is listed public but demands sign-in"
        assert response.status_code < 500
    else:
        assert demands_sign_in(response), (
            f"{name} ({route}) answered {response.status_code} without sign-in; "
            "protect it or add it to PUBLIC deliberately"
        )


def test_the_public_list_names_only_real_urls():
    names = {name for name, _ in ROUTES}
    assert names >= PUBLIC, f"stale entries: {sorted(PUBLIC - names)}"


# --- the runner (issue 8): another citizen's application is not found -----------------------

APPLICATION_ROUTES = [(name, route) for name, route in ROUTES if "<uuid:application_id>" in route]


@pytest.fixture
def someone_elses_application(client):
    """A draft of a driving licence renewal started by one citizen; the client is another's."""
    from onegate.catalogue.selectors import catalogue_forget
    from onegate.catalogue.services import DEMO_CATALOGUE, catalogue_load_file
    from onegate.definitions.demo import load_demo_definitions
    from onegate.identity.tests.account_fixtures import make_account
    from onegate.identity.tests.acting_fixtures import (
        citizen,
        link_account,
        make_household,
        strong_session,
        years_ago,
    )
    from onegate.runner.models import Application

    catalogue_load_file(path=DEMO_CATALOGUE)
    catalogue_forget()
    load_demo_definitions(warnings=io.StringIO())
    owner = make_household().parent_user
    strong_session(client, owner)
    client.post("/apply/new/renew-driving-licence/")
    application = Application.objects.get(user=owner)
    stranger = link_account(
        make_account("stranger@example.test"), citizen("Other", "Person", years_ago(30))
    )
    strong_session(client, stranger)
    yield application
    catalogue_forget()


def test_the_runner_pages_are_all_found_by_the_walk():
    names = {name for name, _route in APPLICATION_ROUTES}
    assert {"runner:page", "runner:check", "runner:sent", "runner:delete", "runner:file"} <= names


@pytest.mark.parametrize(
    ("name", "route"), APPLICATION_ROUTES, ids=[name for name, _ in APPLICATION_ROUTES]
)
def test_another_citizens_application_is_not_found(client, someone_elses_application, name, route):
    from onegate.audit.constants import RunnerAction
    from onegate.audit.models import AuditEvent

    path = concrete(route.replace("<uuid:application_id>", str(someone_elses_application.pk)))
    path = path.replace("/sample/", "/your_licence/")

    assert client.get(path).status_code == 404, f"{name} GET {path}"
    assert client.post(path, {"licence_number": "63001234"}).status_code in (404, 405), name
    someone_elses_application.refresh_from_db()
    assert someone_elses_application.answers == {}
    assert AuditEvent.objects.filter(action=RunnerAction.ACCESS_REFUSED).exists()
