"""Joiners and leavers: who may grant and end staff roles, and what each change leaves behind."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.identity.constants import StaffRole
from onegate.identity.models import StaffMembership, Team
from onegate.identity.permissions import staff_can
from onegate.identity.services.organisations import (
    StaffChangeRefused,
    staff_role_end,
    staff_role_grant,
    team_create,
    team_rename,
)
from onegate.identity.tests.organisation_fixtures import (
    agency,
    grant,
    service_centre,
    staff_account,
    staff_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def immigration_admin():
    agency("health")
    return staff_member("admin@immigration.test", StaffRole.AGENCY_ADMIN, "immigration")


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("created_at"))


def messages(error):
    return [str(message) for message in error.value.messages]


def test_an_agency_administrator_gives_a_joiner_a_role_and_it_is_audited(immigration_admin):
    joiner = staff_account("joiner@example.test")
    team = team_create(
        actor=immigration_admin, agency_slug="immigration", name_en="Visas", name_th="วีซ่า"
    )
    membership = staff_role_grant(
        actor=immigration_admin,
        user=joiner,
        role=StaffRole.CASE_WORKER,
        agency_slug="immigration",
        team=team,
    )
    joiner.refresh_from_db()
    assert joiner.is_staff
    assert membership.granted_by == immigration_admin
    assert staff_can(joiner, "cases.work_case", agency_slug="immigration")
    [event] = events(IdentityAction.STAFF_ROLE_GRANTED)[-1:]
    assert event.actor_id == str(immigration_admin.pk)
    assert event.subject_id == str(membership.pk)
    assert event.payload["role"] == "case_worker"
    assert event.payload["team"] == str(team.pk)
    assert event.payload["made_staff"] is True


def test_an_administrator_of_one_agency_cannot_grant_roles_in_another(immigration_admin):
    joiner = staff_account("nurse@example.test")
    with pytest.raises(StaffChangeRefused) as refused:
        staff_role_grant(
            actor=immigration_admin, user=joiner, role=StaffRole.CASE_WORKER, agency_slug="health"
        )
    assert "Only an administrator of this agency" in str(refused.value.message)
    assert not StaffMembership.objects.filter(user=joiner).exists()
    joiner.refresh_from_db()
    assert not joiner.is_staff
    [refusal] = events(IdentityAction.STAFF_ROLE_REFUSED)
    assert refusal.actor_id == str(immigration_admin.pk)
    assert refusal.payload == {
        "role": "case_worker",
        "agency": "health",
        "change": "grant",
        "reasons": ["not_admin"],
    }


@pytest.mark.parametrize("role", [StaffRole.CASE_WORKER, StaffRole.AGENCY_ADMIN])
def test_nobody_gives_themselves_a_role(immigration_admin, role):
    with pytest.raises(StaffChangeRefused) as refused:
        staff_role_grant(
            actor=immigration_admin, user=immigration_admin, role=role, agency_slug="immigration"
        )
    assert refused.value.code == "self_grant"
    assert immigration_admin.staff_memberships.count() == 1


def test_staff_without_the_admin_role_cannot_grant(immigration_admin):
    lead = staff_member("lead@example.test", StaffRole.TEAM_LEAD, "immigration")
    with pytest.raises(StaffChangeRefused):
        staff_role_grant(
            actor=lead,
            user=staff_account("friend@example.test"),
            role=StaffRole.CASE_WORKER,
            agency_slug="immigration",
        )


def test_a_superuser_appoints_an_agency_first_administrator_and_nothing_else():
    agency("education")
    root = staff_account("root@example.test", superuser=True)
    first = staff_account("first@example.test")
    staff_role_grant(actor=root, user=first, role=StaffRole.AGENCY_ADMIN, agency_slug="education")
    assert staff_can(first, "identity.manage_staff", agency_slug="education")
    with pytest.raises(StaffChangeRefused) as second:
        staff_role_grant(
            actor=root,
            user=staff_account("second@example.test"),
            role=StaffRole.AGENCY_ADMIN,
            agency_slug="education",
        )
    assert second.value.code == "agency_has_admin"
    with pytest.raises(StaffChangeRefused):
        staff_role_grant(
            actor=root,
            user=staff_account("teacher@example.test"),
            role=StaffRole.CASE_WORKER,
            agency_slug="education",
        )
    # The first administrator appoints the rest.
    staff_role_grant(
        actor=first,
        user=staff_account("teacher2@example.test"),
        role=StaffRole.CASE_WORKER,
        agency_slug="education",
    )


def test_a_joiner_without_a_second_factor_is_told_to_set_one_up(immigration_admin):
    joiner = staff_account("nomfa@example.test", mfa=False)
    with pytest.raises(ValidationError) as invalid:
        staff_role_grant(
            actor=immigration_admin,
            user=joiner,
            role=StaffRole.CASE_WORKER,
            agency_slug="immigration",
        )
    assert invalid.value.message_dict["user"] == [
        "They must set up an authenticator app or a passkey before they can have a role."
    ]
    assert not StaffMembership.objects.filter(user=joiner).exists()
    assert events(IdentityAction.STAFF_ROLE_REFUSED)[0].payload["reasons"] == ["no_mfa"]


def test_wrong_places_are_named(immigration_admin):
    joiner = staff_account("places@example.test")
    health_team = team_create(actor=None, agency_slug="health", name_en="Cards", name_th="บัตร")
    centre = service_centre("lak-si")
    with pytest.raises(ValidationError) as invalid:
        staff_role_grant(
            actor=immigration_admin,
            user=joiner,
            role=StaffRole.CENTRE_OFFICER,
            agency_slug="immigration",
            team=health_team,
        )
    assert invalid.value.message_dict == {
        "centre": ["Choose the service centre where they will work."],
        "team": ["Choose a team in this agency."],
    }
    with pytest.raises(ValidationError) as elsewhere:
        staff_role_grant(
            actor=immigration_admin,
            user=joiner,
            role=StaffRole.CENTRE_OFFICER,
            agency_slug="immigration",
            centre=centre,
        )
    assert elsewhere.value.message_dict == {
        "centre": ["Choose a service centre that this agency runs."]
    }
    with pytest.raises(ValidationError) as unknown:
        staff_role_grant(
            actor=None, user=joiner, role=StaffRole.CASE_WORKER, agency_slug="ministry-of-magic"
        )
    assert unknown.value.message_dict == {"agency_slug": ["Choose an agency from the catalogue."]}
    with pytest.raises(ValidationError) as no_role:
        staff_role_grant(actor=None, user=joiner, role="wizard", agency_slug="immigration")
    assert no_role.value.message_dict == {"role": ["Choose a role from the list."]}
    assert not StaffMembership.objects.filter(user=joiner).exists()


def test_the_same_role_twice_in_the_same_place_is_refused(immigration_admin):
    worker = staff_member("twice@example.test", StaffRole.CASE_WORKER, "immigration")
    with pytest.raises(ValidationError) as invalid:
        grant(worker, StaffRole.CASE_WORKER, "immigration")
    assert invalid.value.message_dict == {"role": ["They already have this role here."]}
    # The same role in another agency is a second job, not a duplicate.
    grant(worker, StaffRole.CASE_WORKER, "health")
    assert worker.staff_memberships.count() == 2


def test_a_leaver_role_ends_history_stays_and_staff_status_goes_with_the_last_role(
    immigration_admin,
):
    worker = staff_member("leaver@example.test", StaffRole.CASE_WORKER, "immigration")
    lead_role = grant(worker, StaffRole.TEAM_LEAD, "immigration")
    case_role = worker.staff_memberships.get(role=StaffRole.CASE_WORKER)

    staff_role_end(actor=immigration_admin, membership=case_role)
    worker.refresh_from_db()
    assert worker.is_staff  # still a team lead
    staff_role_end(actor=immigration_admin, membership=lead_role)
    worker.refresh_from_db()
    assert not worker.is_staff
    assert not staff_can(worker, "cases.view_case")
    history = list(worker.staff_memberships.order_by("granted_at"))
    assert [m.role for m in history] == ["case_worker", "team_lead"]
    assert all(m.ended_by == immigration_admin and m.ended_at for m in history)
    ended = events(IdentityAction.STAFF_ROLE_ENDED)
    assert [e.payload["staff_status_removed"] for e in ended] == [False, True]
    assert all(e.actor_id == str(immigration_admin.pk) for e in ended)


def test_a_role_ends_once_and_only_by_an_administrator_of_its_agency(immigration_admin):
    worker = staff_member("ends@example.test", StaffRole.CASE_WORKER, "immigration")
    membership = worker.staff_memberships.get()
    health_admin = staff_member("admin@health.test", StaffRole.AGENCY_ADMIN, "health")
    with pytest.raises(StaffChangeRefused):
        staff_role_end(actor=health_admin, membership=membership)
    membership.refresh_from_db()
    assert membership.ended_at is None
    staff_role_end(actor=immigration_admin, membership=membership)
    with pytest.raises(ValidationError) as again:
        staff_role_end(actor=immigration_admin, membership=membership)
    assert again.value.messages == ["This role has already ended."]
    reasons = [e.payload["reasons"] for e in events(IdentityAction.STAFF_ROLE_REFUSED)]
    assert reasons == [["not_admin"], ["already_ended"]]


def test_a_superuser_can_remove_an_agency_administrator_but_not_a_case_worker(immigration_admin):
    root = staff_account("root@example.test", superuser=True)
    worker = staff_member("kept@example.test", StaffRole.CASE_WORKER, "immigration")
    with pytest.raises(StaffChangeRefused):
        staff_role_end(actor=root, membership=worker.staff_memberships.get())
    staff_role_end(actor=root, membership=immigration_admin.staff_memberships.get())
    assert not staff_can(immigration_admin, "identity.manage_staff", agency_slug="immigration")


def test_teams_are_created_and_renamed_by_their_agency_administrator(immigration_admin):
    team = team_create(
        actor=immigration_admin, agency_slug="immigration", name_en=" Visa  desk ", name_th="วีซ่า"
    )
    assert team.name_en == "Visa desk"
    with pytest.raises(ValidationError) as duplicate:
        team_create(
            actor=immigration_admin, agency_slug="immigration", name_en="visa desk", name_th="x"
        )
    assert duplicate.value.message_dict == {
        "name_en": ["The agency already has a team with this name."]
    }
    with pytest.raises(ValidationError) as empty:
        team_create(actor=immigration_admin, agency_slug="immigration", name_en="", name_th="")
    assert set(empty.value.message_dict) == {"name_en", "name_th"}
    with pytest.raises(StaffChangeRefused):
        team_create(actor=immigration_admin, agency_slug="health", name_en="X", name_th="X")
    team_rename(actor=immigration_admin, team=team, name_en="Visas", name_th="ฝ่ายวีซ่า")
    team.refresh_from_db()
    assert (team.name_en, team.name_th) == ("Visas", "ฝ่ายวีซ่า")
    [renamed] = events(IdentityAction.TEAM_RENAMED)
    assert renamed.payload["before"]["name_en"] == "Visa desk"
    assert Team.objects.count() == 1
    assert len(events(IdentityAction.TEAM_CREATED)) == 1


def test_the_database_itself_refuses_a_second_current_copy_of_a_role_and_an_end_without_a_date():
    worker = staff_member("db@example.test", StaffRole.CASE_WORKER, "immigration")
    first = worker.staff_memberships.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMembership.objects.create(
            user=worker, role=first.role, agency_slug="immigration", granted_at=first.granted_at
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMembership.objects.filter(pk=first.pk).update(ended_by=worker)
    # Once the first has ended, the same role may be granted again: a returner.
    staff_role_end(actor=None, membership=first)
    again = grant(worker, StaffRole.CASE_WORKER, "immigration")
    assert again.pk != first.pk
    assert worker.staff_memberships.count() == 2
