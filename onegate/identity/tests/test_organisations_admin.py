"""The Django admin for staff: each administrator sees and changes only their own agency."""

from __future__ import annotations

import pytest

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.identity.constants import StaffRole
from onegate.identity.models import ServiceCentre, StaffMembership, Team
from onegate.identity.tests.organisation_fixtures import (
    agency,
    service_centre,
    staff_account,
    staff_member,
)

pytestmark = pytest.mark.django_db

MEMBERSHIPS = "/admin/identity/staffmembership/"


@pytest.fixture
def staff():
    agency("service-centres")
    return {
        "immigration_admin": staff_member(
            "admin@immigration.test", StaffRole.AGENCY_ADMIN, "immigration"
        ),
        "immigration_worker": staff_member(
            "worker@immigration.test", StaffRole.CASE_WORKER, "immigration"
        ),
        "health_admin": staff_member("admin@health.test", StaffRole.AGENCY_ADMIN, "health"),
        "health_worker": staff_member("worker@health.test", StaffRole.CASE_WORKER, "health"),
    }


def page(client, user, url, **data):
    client.force_login(user)
    if data:
        return client.post(url, data)
    return client.get(url)


def test_an_agency_administrator_sees_only_their_agency_staff(client, staff):
    listing = page(client, staff["immigration_admin"], MEMBERSHIPS).content.decode()
    assert "worker@immigration.test" in listing
    assert "worker@health.test" not in listing
    assert "admin@health.test" not in listing
    other = StaffMembership.objects.get(user=staff["health_worker"])
    assert client.get(f"{MEMBERSHIPS}{other.pk}/change/").status_code in (302, 404)


def test_a_superuser_sees_agency_administrators_only_and_staff_without_the_role_see_nothing(
    client, staff
):
    root = staff_account("root@example.test", superuser=True)
    listing = page(client, root, MEMBERSHIPS).content.decode()
    assert "admin@health.test" in listing and "admin@immigration.test" in listing
    assert "worker@health.test" not in listing
    assert page(client, staff["health_worker"], MEMBERSHIPS).status_code == 403


def test_granting_through_the_admin_uses_the_service_and_its_rules(client, staff):
    joiner = staff_account("joiner@example.test")
    admin = staff["immigration_admin"]
    response = page(
        client,
        admin,
        f"{MEMBERSHIPS}add/",
        email="Joiner@Example.test",
        role="team_lead",
        agency_slug="immigration",
    )
    assert response.status_code == 302
    membership = StaffMembership.objects.get(user=joiner)
    assert (membership.role, membership.granted_by) == ("team_lead", admin)
    assert AuditEvent.objects.filter(
        action=IdentityAction.STAFF_ROLE_GRANTED, subject_id=str(membership.pk)
    ).exists()
    # Not in another agency, and not to themselves: the form says why.
    other = client.post(
        f"{MEMBERSHIPS}add/", {"email": joiner.email, "role": "team_lead", "agency_slug": "health"}
    )
    assert "Select a valid choice" in other.content.decode()
    themselves = client.post(
        f"{MEMBERSHIPS}add/",
        {"email": admin.email, "role": "service_owner", "agency_slug": "immigration"},
    )
    assert "You cannot give yourself a staff role" in themselves.content.decode()
    assert StaffMembership.objects.filter(user=admin).count() == 1


def test_the_end_action_ends_roles_in_the_admin_agency_only(client, staff):
    ours = StaffMembership.objects.get(user=staff["immigration_worker"])
    response = page(
        client,
        staff["immigration_admin"],
        MEMBERSHIPS,
        action="end_roles",
        _selected_action=[str(ours.pk)],
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.ended_by == staff["immigration_admin"]
    theirs = StaffMembership.objects.get(user=staff["health_worker"])
    client.post(MEMBERSHIPS, {"action": "end_roles", "_selected_action": [str(theirs.pk)]})
    theirs.refresh_from_db()
    assert theirs.ended_at is None


def test_accounts_are_shown_to_superusers_with_their_second_factors_and_to_nobody_else(
    client, staff
):
    root = staff_account("root@example.test", superuser=True)
    listing = page(client, root, "/admin/identity/user/").content.decode()
    assert "worker@health.test" in listing
    assert "authenticator app" in listing
    assert "passkey" in listing
    assert "/admin/identity/user/add/" not in listing
    assert page(client, staff["health_admin"], "/admin/identity/user/").status_code == 403


def test_teams_and_centres_are_saved_through_their_services(client, staff):
    admin = staff_member("admin@centres.test", StaffRole.AGENCY_ADMIN, "service-centres")
    client.force_login(admin)
    response = client.post(
        "/admin/identity/team/add/",
        {"agency_slug": "service-centres", "name_en": "Counter", "name_th": "เคาน์เตอร์"},
    )
    assert response.status_code == 302, response.context_data["adminform"].form.errors
    assert Team.objects.get().name_th == "เคาน์เตอร์"
    target = service_centre("lak-si")
    fields = {
        "slug": "chatuchak",
        "agency_slug": "service-centres",
        "name_en": "Chatuchak centre",
        "name_th": "ศูนย์จตุจักร",
        "house_number": "99",
        "road": "Phahonyothin",
        "sub_district_code": "103004",
        "services": "",
        "weekly_hours": "Mon 08:30-12:00 13:00-16:30\nsat 09:00-12:00",
        "exception_days": "2026-12-05 closed | Father's Day | วันพ่อแห่งชาติ",
    }
    response = client.post("/admin/identity/servicecentre/add/", fields)
    assert response.status_code == 302, response.content.decode()
    centre = ServiceCentre.objects.get(slug="chatuchak")
    assert [(h.weekday, f"{h.opens:%H:%M}") for h in centre.hours.all()] == [
        (0, "08:30"),
        (0, "13:00"),
        (5, "09:00"),
    ]
    assert centre.exceptions.get().reason_th == "วันพ่อแห่งชาติ"
    bad = client.post(
        f"/admin/identity/servicecentre/{centre.pk}/change/",
        {**fields, "weekly_hours": "Monday 9-5", "sub_district_code": "999999"},
    )
    assert "Line 1: write times as 08:30-16:30." in bad.content.decode()
    moved = client.post(
        f"/admin/identity/servicecentre/{centre.pk}/change/", {**fields, "move_to": target.pk}
    )
    assert moved.status_code == 302
    centre.refresh_from_db()
    assert centre.moved_to == target and not centre.is_active
