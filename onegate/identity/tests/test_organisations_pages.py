"""The agency administrator's pages: see my agency's staff, give someone a role, end a role."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onegate.identity.constants import StaffRole
from onegate.identity.models import StaffMembership
from onegate.identity.tests.account_fixtures import reauthenticate
from onegate.identity.tests.organisation_fixtures import (
    service_centre,
    staff_account,
    staff_member,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a long test password"  # organisation_fixtures' accounts
LIST = reverse("identity:staff_list", kwargs={"agency_slug": "immigration"})
GRANT = reverse("identity:staff_grant", kwargs={"agency_slug": "immigration"})


@pytest.fixture
def people():
    return {
        "admin": staff_member("admin@immigration.test", StaffRole.AGENCY_ADMIN, "immigration"),
        "worker": staff_member("worker@immigration.test", StaffRole.CASE_WORKER, "immigration"),
        "lead": staff_member("lead@immigration.test", StaffRole.TEAM_LEAD, "immigration"),
        "nurse": staff_member("nurse@health.test", StaffRole.CASE_WORKER, "health"),
    }


@pytest.fixture
def admin_client(client, people):
    client.force_login(people["admin"])
    reauthenticate(client, PASSWORD)
    return client


def test_visitors_are_sent_to_sign_in_and_staff_without_the_right_are_refused(client, people):
    assert client.get(LIST).status_code == 302
    client.force_login(people["worker"])
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("identity:staff_agencies")).status_code == 403
    client.force_login(people["lead"])
    assert client.get(reverse("identity:staff_list", args=["health"])).status_code == 403


def test_the_list_shows_my_agency_staff_only_and_a_team_lead_cannot_change_it(client, people):
    client.force_login(people["lead"])
    assert client.get(reverse("identity:staff_agencies")).url == LIST
    page = client.get(LIST).content.decode()
    assert "worker@immigration.test" in page and "Case worker" in page
    assert "nurse@health.test" not in page
    assert "Give someone a role" not in page
    assert "End role" not in page
    assert client.get(GRANT).status_code == 403


def test_an_administrator_gives_a_role_and_is_told_it_worked(admin_client, people):
    joiner = staff_account("joiner@example.test")
    form = admin_client.get(GRANT).content.decode()
    assert "Service-centre officer" in form
    response = admin_client.post(GRANT, {"email": "JOINER@example.test", "role": "case_worker"})
    assert response.status_code == 302 and response.url == LIST
    assert StaffMembership.objects.get(user=joiner).granted_by == people["admin"]
    page = admin_client.get(LIST).content.decode()
    assert "joiner@example.test is now Case worker." in page


def test_grant_mistakes_are_shown_beside_their_fields(admin_client, people):
    unknown = admin_client.post(GRANT, {"email": "nobody@example.test", "role": "case_worker"})
    assert unknown.status_code == 400
    page = unknown.content.decode()
    assert "No OneGate account uses this email address" in page
    assert 'href="#id_email"' in page
    themselves = admin_client.post(GRANT, {"email": "admin@immigration.test", "role": "auditor"})
    assert "You cannot give yourself a staff role" in themselves.content.decode()
    no_centre = admin_client.post(
        GRANT, {"email": "worker@immigration.test", "role": "centre_officer"}
    )
    assert "Choose the service centre where they will work" in no_centre.content.decode()
    elsewhere = service_centre("lak-si")
    wrong_centre = admin_client.post(
        GRANT,
        {"email": "worker@immigration.test", "role": "team_lead", "centre": str(elsewhere.pk)},
    )
    assert "Select a valid choice" in wrong_centre.content.decode()
    nothing = admin_client.post(GRANT, {})
    assert "Enter their email address" in nothing.content.decode()
    assert "Choose a role" in nothing.content.decode()
    assert StaffMembership.objects.count() == 4


def test_giving_a_role_asks_the_administrator_to_confirm_who_they_are(client, people):
    client.force_login(people["admin"])
    response = client.post(GRANT, {"email": "worker@immigration.test", "role": "auditor"})
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response.url
    assert not StaffMembership.objects.filter(role="auditor").exists()


def test_an_administrator_ends_a_role_after_confirming(admin_client, people):
    membership = StaffMembership.objects.get(user=people["worker"])
    end = reverse("identity:staff_end", kwargs={"membership_id": membership.pk})
    confirm = admin_client.get(end).content.decode()
    assert "End this role?" in confirm and "worker@immigration.test" in confirm
    response = admin_client.post(end)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_by == people["admin"]
    page = admin_client.get(LIST).content.decode()
    assert "worker@immigration.test is no longer Case worker." in page
    assert "Roles that have ended" in page
    # An ended role, or one in another agency, is not there to end.
    assert admin_client.get(end).status_code == 404
    nurse = StaffMembership.objects.get(user=people["nurse"])
    other = reverse("identity:staff_end", kwargs={"membership_id": nurse.pk})
    assert admin_client.post(other).status_code == 404
    nurse.refresh_from_db()
    assert nurse.ended_at is None


def test_the_list_page_costs_the_same_queries_however_many_staff(admin_client, people):
    admin_client.get(LIST)  # the session's first-request writes are not the page's
    with CaptureQueriesContext(connection) as few:
        admin_client.get(LIST)
    for number in range(5):
        staff_member(f"more{number}@immigration.test", StaffRole.CASE_WORKER, "immigration")
    with CaptureQueriesContext(connection) as many:
        admin_client.get(LIST)
    assert len(many) == len(few)


def test_an_administrator_ends_others_roles_not_their_own_from_the_list(admin_client, people):
    page = admin_client.get(LIST).content.decode()
    own = StaffMembership.objects.get(user=people["admin"])
    worker = StaffMembership.objects.get(user=people["worker"])
    assert reverse("identity:staff_end", args=[worker.pk]) in page
    assert reverse("identity:staff_end", args=[own.pk]) not in page
    assert '<span class="og-identifier">worker@immigration.test</span>' in page


def test_the_pages_are_in_thai_under_th(admin_client):
    page = admin_client.get("/th" + LIST).content.decode()
    assert 'lang="th"' in page
