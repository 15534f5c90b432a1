"""Registering agencies' systems in the Django admin: by platform superusers for any agency, by
agency administrators for their own; secrets shown once and stored hashed; every save audited."""

from __future__ import annotations

import re

import pytest
from oauth2_provider.models import get_application_model

from onegate.audit.models import AuditEvent
from onegate.identity.constants import StaffRole
from onegate.identity.models import ClientPolicy
from onegate.identity.tests.oidc_fixtures import (
    client_app,
    oidc_provider,  # noqa: F401  (the fixture)
)
from onegate.identity.tests.organisation_fixtures import agency, staff_account, staff_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oidc_provider")]
Application = get_application_model()
ADD = "/admin/oauth2_provider/application/add/"


def form_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "agency_slug": "revenue",
        "name_en": "e-Filing",
        "name_th": "ยื่นภาษีออนไลน์",
        "client_type": "confidential",
        "redirect_uris": "https://efiling.rd.example/callback",
        "post_logout_redirect_uris": "https://efiling.rd.example/bye",
        "allowed_origins": "",
        "allowed_scopes": ["openid", "profile"],
        "national_id_basis": "",
        "sector_identifier": "",
        "minimum_level": "substantial",
        "privacy_notice_url": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def generated_secret(html: str) -> str:
    found = re.search(r'name="client_secret"[^>]*value="([^"]+)"', html)
    assert found, "no secret on the add page"
    return found.group(1)


def test_a_superuser_registers_a_client_and_sees_its_secret_once(client):
    agency("revenue")
    client.force_login(staff_account("root@example.test", superuser=True))

    page = client.get(ADD)
    secret = generated_secret(page.text)
    response = client.post(ADD, form_data(client_secret=secret))

    assert response.status_code == 302, response.text[:2000]
    application = Application.objects.get()
    assert application.client_secret.startswith("oidc_client_pbkdf2_sha256$") and secret not in (
        application.client_secret
    )
    assert application.algorithm == "RS256"
    assert application.authorization_grant_type == "authorization-code"
    assert application.skip_authorization is False
    policy = ClientPolicy.objects.get(application=application)
    assert policy.sector_identifier == "efiling.rd.example"  # from the redirect URI
    assert policy.minimum_level == "substantial"
    change_page = client.get(f"/admin/oauth2_provider/application/{application.pk}/change/")
    assert secret not in change_page.text and "New client secret" in change_page.text
    event = AuditEvent.objects.get(action="identity.oidc_client_saved")
    assert event.payload["created"] is True and event.payload["agency"] == "revenue"


def test_bad_registrations_are_refused_on_the_form(client):
    agency("revenue")
    client.force_login(staff_account("root@example.test", superuser=True))
    secret = generated_secret(client.get(ADD).text)

    no_basis = client.post(
        ADD, form_data(client_secret=secret, allowed_scopes=["openid", "national_id"])
    )
    plain_http = client.post(
        ADD, form_data(client_secret=secret, redirect_uris="http://efiling.rd.example/callback")
    )
    short_secret = client.post(ADD, form_data(client_secret="short"))

    assert "Say which law or decision allows this system the ID." in no_basis.text
    assert plain_http.status_code == 200 and "invalid_scheme" in plain_http.text
    assert "at least 32 characters" in short_secret.text
    assert Application.objects.count() == 0
    assert not AuditEvent.objects.filter(action="identity.oidc_client_saved").exists()


def test_an_agency_administrator_manages_only_their_own_agencys_clients(client):
    own, _ = client_app(agency_slug="revenue")
    other, _ = client_app(agency_slug="health", name=("Health", "สุขภาพ"), sector="moph.example")
    admin_user = staff_member("admin@rd.example", StaffRole.AGENCY_ADMIN, "revenue")
    client.force_login(admin_user)

    listing = client.get("/admin/oauth2_provider/application/")
    add_page = client.get(ADD)
    foreign = client.get(f"/admin/oauth2_provider/application/{other.pk}/change/")
    smuggled = client.post(
        ADD, form_data(agency_slug="health", client_secret=generated_secret(add_page.text))
    )

    assert listing.status_code == 200
    assert own.client_id in listing.text and other.client_id not in listing.text
    assert 'value="revenue"' in add_page.text and 'value="health"' not in add_page.text
    assert foreign.status_code in (302, 403, 404)
    assert smuggled.status_code == 200 and not Application.objects.filter(name="e-Filing").exists()


def test_a_case_worker_cannot_open_the_clients(client):
    client_app()
    client.force_login(staff_member("worker@rd.example", StaffRole.CASE_WORKER, "revenue"))

    assert client.get("/admin/oauth2_provider/application/").status_code == 403
