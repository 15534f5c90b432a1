"""The one staff permission check: each role gets exactly its permissions, in its agency only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from onegate.identity.constants import StaffRole
from onegate.identity.permissions import (
    PLATFORM_PERMISSIONS,
    ROLE_PERMISSIONS,
    StaffPermission,
    UnknownPermission,
    staff_can,
    staff_centre_scope,
    staff_required,
    staff_scope,
)
from onegate.identity.services.organisations import staff_role_end
from onegate.identity.services.service_centres import service_centre_move
from onegate.identity.tests.organisation_fixtures import (
    agency,
    grant,
    service_centre,
    staff_account,
    staff_member,
)

pytestmark = pytest.mark.django_db

HOME, ELSEWHERE = "immigration", "health"


@pytest.mark.parametrize("role", [role for role in StaffRole if role != StaffRole.CENTRE_OFFICER])
def test_each_role_has_exactly_its_permissions_in_its_own_agency_and_none_in_another(role):
    agency(ELSEWHERE)
    user = staff_member(f"{role}@example.test", role, HOME)
    for permission in StaffPermission:
        expected = permission in ROLE_PERMISSIONS[role]
        assert staff_can(user, permission, agency_slug=HOME) is expected, (role, permission)
        assert staff_can(user, permission) is expected, (role, permission)
        assert staff_can(user, permission, agency_slug=ELSEWHERE) is False, (role, permission)
        assert staff_scope(user, permission) == ({HOME} if expected else set())


def test_a_centre_officer_has_exactly_their_permissions_at_their_centre_only():
    centre = service_centre("lak-si")
    other = service_centre("chatuchak")
    officer = staff_member(
        "counter@example.test", StaffRole.CENTRE_OFFICER, "service-centres", centre=centre
    )
    for permission in StaffPermission:
        expected = permission in ROLE_PERMISSIONS[StaffRole.CENTRE_OFFICER]
        assert staff_can(officer, permission, centre_id=centre.pk) is expected, permission
        assert staff_can(officer, permission, centre_id=other.pk) is False, permission
        # One centre is not the whole agency: agency-wide questions are refused.
        assert staff_can(officer, permission, agency_slug="service-centres") is False
        assert staff_scope(officer, permission) == set()
        assert staff_centre_scope(officer, permission) == ({str(centre.pk)} if expected else set())


def test_a_case_worker_at_health_cannot_do_immigration_work():
    agency(HOME)
    worker = staff_member("nurse.cases@example.test", StaffRole.CASE_WORKER, ELSEWHERE)
    assert staff_can(worker, "cases.work_case", agency_slug=ELSEWHERE)
    assert not staff_can(worker, "cases.work_case", agency_slug=HOME)
    assert not staff_can(worker, "cases.view_case", agency_slug=HOME)
    assert staff_scope(worker, "cases.view_case") == {ELSEWHERE}


def test_an_ended_role_no_longer_counts():
    worker = staff_member("leaver@example.test", StaffRole.CASE_WORKER, HOME)
    membership = worker.staff_memberships.get()
    staff_role_end(actor=None, membership=membership)
    worker.refresh_from_db()
    assert not staff_can(worker, "cases.view_case", agency_slug=HOME)
    assert not staff_can(worker, "cases.view_case")
    assert staff_scope(worker, "cases.view_case") == set()


def test_a_closed_account_or_one_that_is_not_staff_counts_for_nothing():
    worker = staff_member("closed@example.test", StaffRole.CASE_WORKER, HOME)
    worker.is_active = False
    assert not staff_can(worker, "cases.view_case", agency_slug=HOME)
    worker.is_active, worker.is_staff = True, False
    assert not staff_can(worker, "cases.view_case", agency_slug=HOME)
    assert staff_scope(worker, "cases.view_case") == set()


def test_visitors_and_no_one_get_nothing():
    assert not staff_can(AnonymousUser(), "registries.view_person")
    assert not staff_can(None, "registries.view_person")
    assert staff_scope(AnonymousUser(), "registries.view_person") == set()


def test_a_superuser_runs_the_platform_but_is_not_let_into_agency_data():
    root = staff_account("root@example.test", superuser=True)
    agency(HOME)
    for permission in StaffPermission:
        allowed = staff_can(root, permission, agency_slug=HOME)
        assert allowed is (permission in PLATFORM_PERMISSIONS), permission
    assert not staff_can(root, "registries.view_person")
    assert staff_can(root, "identity.appoint_agency_admin")
    # With a role, a superuser gets that role's permissions like anyone else.
    grant(root, StaffRole.AUDITOR, HOME)
    assert staff_can(root, "audit.view_log", agency_slug=HOME)
    assert not staff_can(root, "cases.view_case", agency_slug=HOME)


def test_an_agency_wide_role_reaches_every_centre_of_that_agency_only():
    centre = service_centre("chiang-mai")
    elsewhere = service_centre("khon-kaen", agency_slug="health")
    admin = staff_member("centres.admin@example.test", StaffRole.AGENCY_ADMIN, "service-centres")
    assert staff_can(admin, "identity.manage_service_centres", centre_id=centre.pk)
    assert not staff_can(admin, "identity.manage_service_centres", centre_id=elsewhere.pk)
    assert staff_centre_scope(admin, "identity.manage_service_centres") == {str(centre.pk)}


def test_roles_at_a_centre_that_moved_stop_counting():
    old, new = service_centre("old-site"), service_centre("new-site")
    officer = staff_member(
        "mover@example.test", StaffRole.CENTRE_OFFICER, "service-centres", centre=old
    )
    assert staff_can(officer, "identity.proof_in_person")
    service_centre_move(actor=None, centre=old, to=new)
    assert not staff_can(officer, "identity.proof_in_person")
    assert not staff_can(officer, "identity.proof_in_person", centre_id=old.pk)
    assert not staff_can(officer, "identity.proof_in_person", centre_id="not-a-uuid")


def test_a_misspelt_permission_fails_loudly():
    user = staff_account("typo@example.test")
    with pytest.raises(UnknownPermission):
        staff_can(user, "registries.view_people")
    with pytest.raises(UnknownPermission):
        staff_required("cases.work_cases")


def test_the_view_decorator_sends_visitors_to_sign_in_and_refuses_staff_without_the_permission():
    from django.core.exceptions import PermissionDenied

    @staff_required("registries.view_person")
    def page(request):
        return HttpResponse("records")

    request = RequestFactory().get("/staff/registry/")
    request.user = AnonymousUser()
    assert page(request).status_code == 302
    request.user = staff_member("worker@example.test", StaffRole.CASE_WORKER, HOME)
    with pytest.raises(PermissionDenied):
        page(request)
    request.user = staff_member(
        "registrar@example.test", StaffRole.REGISTRY_OFFICER, "civil-registration"
    )
    assert page(request).content == b"records"
