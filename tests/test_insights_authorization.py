"""The service performance authorization matrix: every dashboard URL, tried by everyone.

The fishing-permit service belongs to immigration. Each dashboard page of it (the figures, the
comparison, the owners' figures and a month's form, the survey comments) is asked for by nobody
signed in, a citizen, a case worker of immigration (no performance permission), a service owner
and a team lead of another agency, and immigration's service owner, team lead and agency admin.

Only the last three may open them (200); the signed-out visitor goes to sign-in, people without
the permission anywhere get 403 and another agency's staff get 404: the service does not exist
for them. The list of services shows each person their own agencies' services only. Saving a
month's figures is the service owner's alone: anyone else's POST changes nothing. And the survey
refuses to answer for another person's application.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onegate.identity.constants import StaffRole
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.organisation_fixtures import staff_member
from onegate.insights.models import SatisfactionResponse, ServicePeriodInput
from onegate.insights.tests.measure_rows import (
    SLUG,
    published_fishing,  # noqa: F401 (the fixture "owner")
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("owner")]

ALLOWED = frozenset({"owner", "immigration:team_lead", "immigration:agency_admin"})
OTHER_AGENCY = frozenset({"land-transport:service_owner", "land-transport:team_lead"})
SIGN_IN = "/accounts/login/"


@pytest.fixture
def actors(owner) -> dict[str, Any]:
    return {
        "anonymous": None,
        "citizen": make_account("someone@example.test"),
        "immigration:case_worker": staff_member(
            "worker@immigration.test", StaffRole.CASE_WORKER, "immigration"
        ),
        "land-transport:service_owner": staff_member(
            "owner@land.test", StaffRole.SERVICE_OWNER, "land-transport"
        ),
        "land-transport:team_lead": staff_member(
            "lead@land.test", StaffRole.TEAM_LEAD, "land-transport"
        ),
        "owner": owner,
        "immigration:team_lead": staff_member(
            "lead@immigration.test", StaffRole.TEAM_LEAD, "immigration"
        ),
        "immigration:agency_admin": staff_member(
            "admin@immigration.test", StaffRole.AGENCY_ADMIN, "immigration"
        ),
    }


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def service_urls() -> dict[str, str]:
    month = f"{timezone.localdate():%Y-%m}"
    return {
        "service": reverse("insights:service", kwargs={"slug": SLUG}),
        "compare": reverse("insights:compare", kwargs={"slug": SLUG}),
        "figures": reverse("insights:figures", kwargs={"slug": SLUG}),
        "figures_month": reverse("insights:figures_month", kwargs={"slug": SLUG, "month": month}),
        "comments": reverse("insights:comments", kwargs={"slug": SLUG}),
    }


def expected(actor: str) -> str:
    if actor == "anonymous":
        return "sign-in"
    if actor in ALLOWED:
        return "allowed"
    return "not found" if actor in OTHER_AGENCY else "forbidden"


def outcome(response) -> str:
    if response.status_code == 302 and SIGN_IN in response["Location"]:
        return "sign-in"
    return {200: "allowed", 403: "forbidden", 404: "not found"}.get(
        response.status_code, str(response.status_code)
    )


def test_every_dashboard_page_lets_in_only_the_services_agency(actors):
    results = {}
    for actor, user in actors.items():
        client = _client(user)
        for name, address in service_urls().items():
            results[(actor, name)] = outcome(client.get(address))

    wrong = {key: got for key, got in results.items() if got != expected(key[0])}
    assert wrong == {}
    assert sum(got == "allowed" for got in results.values()) == len(ALLOWED) * 5


def test_the_list_shows_each_person_their_own_agencies_services(actors):
    address = reverse("insights:services")
    seen = {}
    for actor, user in actors.items():
        response = _client(user).get(address)
        seen[actor] = (outcome(response), "Get a fishing permit" in response.content.decode())

    assert seen["anonymous"][0] == "sign-in"
    assert seen["citizen"] == ("forbidden", False)
    assert seen["immigration:case_worker"] == ("forbidden", False)
    for actor in OTHER_AGENCY:
        assert seen[actor] == ("allowed", False)
    for actor in ALLOWED:
        assert seen[actor] == ("allowed", True)


def test_only_the_service_owner_saves_a_months_figures(actors):
    address = service_urls()["figures_month"]
    figures = {"paper_applications": "5", "phone_applications": "6", "lock_version": ""}
    refused = {}
    for actor, user in actors.items():
        if actor == "owner":
            continue
        refused[actor] = outcome(_client(user).post(address, figures))

    assert not ServicePeriodInput.objects.exists()
    assert refused["anonymous"] == "sign-in"
    assert {refused[a] for a in OTHER_AGENCY} == {"not found"}
    assert refused["immigration:team_lead"] == refused["immigration:agency_admin"] == "forbidden"
    assert _client(actors["owner"]).post(address, figures).status_code == 302
    assert ServicePeriodInput.objects.get().phone_applications == 6


def test_the_survey_refuses_another_persons_application(client):
    from onegate.cases.tests.factories import (
        citizen_account,
        driving_renewal_sent,
        published_demo_services,
    )
    from onegate.identity.tests.acting_fixtures import strong_session

    published_demo_services()
    application = driving_renewal_sent(medical=False)
    stranger, _person = citizen_account()
    strong_session(client, stranger)
    address = reverse("insights:feedback", kwargs={"application_id": application.pk})

    assert client.get(address).status_code == 404
    assert client.post(address, {"rating": "5"}).status_code == 404
    assert not SatisfactionResponse.objects.exists()
