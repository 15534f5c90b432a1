"""The demo's relying parties (``credentials.demo``): registered after the demo staff, loading
twice adds nothing, their printed secrets get an access token, and ``make run`` prints them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from onegate.core.management.commands.demo_setup import DEMO_LOADERS
from onegate.credentials.constants import VERIFY_SCOPE
from onegate.credentials.demo import DEMO_RELYING_PARTIES, demo_client_secret
from onegate.credentials.models import RelyingParty

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_parties() -> None:
    call_command("load_catalogue", verbosity=0)
    call_command("load_demo_staff", verbosity=0)
    call_command("load_demo_credentials", verbosity=0)


@pytest.mark.usefixtures("demo_parties")
def test_the_three_relying_parties_are_registered_once_with_what_they_may_ask():
    call_command("load_demo_credentials", verbosity=0)  # again: nothing added

    parties = {p.application.client_id: p for p in RelyingParty.objects.all()}
    assert sorted(parties) == sorted(d.client_id for d in DEMO_RELYING_PARTIES)
    gate = parties["demo-border-gate"]
    assert gate.entitlement_types == ["travel-authority"]
    assert gate.purposes == ["border_entry"]
    assert sorted(gate.disclosures) == ["status", "valid_until"]
    assert parties["demo-childrens-clinic"].entitlement_types == ["child-health-card"]
    assert parties["demo-coach-company"].purposes == ["employment_check"]


@pytest.mark.usefixtures("demo_parties")
def test_the_printed_secret_gets_an_access_token_for_verification():
    secret = demo_client_secret("demo-border-gate")

    response = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": VERIFY_SCOPE},
        headers={"authorization": _basic("demo-border-gate", secret)},
    )
    wrong = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": VERIFY_SCOPE},
        headers={"authorization": _basic("demo-border-gate", "not-the-secret")},
    )

    assert response.status_code == 200, response.content
    assert response.json()["scope"] == VERIFY_SCOPE
    assert wrong.status_code == 401


def _basic(client_id: str, secret: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def test_make_run_loads_them_after_the_demo_staff_and_prints_the_secrets():
    commands = [name for name, _args in DEMO_LOADERS]
    assert commands.index("load_demo_credentials") > commands.index("load_demo_staff")

    out = io.StringIO()
    call_command("demo_banner", stdout=out)

    printed = out.getvalue()
    assert "/gate/" in printed
    for demo in DEMO_RELYING_PARTIES:
        assert f"{demo.client_id}  {demo_client_secret(demo.client_id)}" in printed
