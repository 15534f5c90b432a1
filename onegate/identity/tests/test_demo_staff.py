"""The demo staff: every README account can sign in with the published secrets and has its role."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.management import call_command

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.catalogue.services import catalogue_load_file
from onegate.identity.constants import StaffRole
from onegate.identity.demo_staff import (
    DEMO_STAFF_PASSWORD,
    DEMO_STAFF_TOTP_SECRET,
    STAFF,
    holidays_from,
    load_demo_staff,
)
from onegate.identity.models import ServiceCentre, StaffMembership, User
from onegate.identity.permissions import ROLE_PERMISSIONS, staff_can
from onegate.identity.selectors_organisations import centre_current, centre_hours_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    catalogue_load_file()
    return load_demo_staff()


def test_every_agency_has_an_administrator_and_the_roles_readme_promises(loaded):
    admins = {m.agency_slug for m in loaded if m.role == StaffRole.AGENCY_ADMIN}
    assert admins == {
        "immigration", "health", "land-transport", "civil-registration", "consular-affairs",
        "education", "service-centres",
    }  # fmt: skip
    for agency in ("immigration", "health", "land-transport"):
        roles = {m.role for m in loaded if m.agency_slug == agency}
        assert {StaffRole.CASE_WORKER, StaffRole.TEAM_LEAD} <= roles
    assert {m.role for m in loaded} == set(StaffRole)
    for member in loaded:
        user = User.objects.get(email=member.email)
        assert user.is_staff and user.check_password(DEMO_STAFF_PASSWORD)
        for permission in ROLE_PERMISSIONS[member.role]:
            where = (
                {"centre_id": ServiceCentre.objects.get(slug=member.centre).pk}
                if member.centre
                else {"agency_slug": member.agency_slug}
            )
            assert staff_can(user, permission, **where), (member.email, permission)


def test_the_published_authenticator_secret_gives_codes_the_accounts_accept(loaded):
    user = User.objects.get(email="registry.officer@demo.onegate.test")
    totp = TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
    counter = int(dt.datetime.now(tz=dt.UTC).timestamp()) // 30
    assert totp.validate_code(format_hotp_value(hotp_value(DEMO_STAFF_TOTP_SECRET, counter)))


def test_loading_again_grants_nothing_twice(loaded):
    load_demo_staff()
    assert StaffMembership.objects.count() == len(STAFF)
    grants = AuditEvent.objects.filter(action=IdentityAction.STAFF_ROLE_GRANTED).count()
    assert grants == len(STAFF)
    second = AuditEvent.objects.filter(action=IdentityAction.DEMO_STAFF_LOADED).latest("created_at")
    assert second.payload["roles_granted"] == []


def test_the_old_city_centre_moved_and_centres_close_on_public_holidays(loaded):
    old = ServiceCentre.objects.get(slug="chiang-mai-old-city")
    assert not old.is_active
    assert centre_current(old).slug == "chiang-mai-chotana"
    lak_si = ServiceCentre.objects.get(slug="lak-si-government-complex")
    [fathers_day] = [h for h in holidays_from(dt.date(2026, 11, 1)) if h.date.month == 12][:1]
    assert fathers_day.date == dt.date(2026, 12, 5)
    next_holiday = lak_si.exceptions.first()
    assert next_holiday is not None
    assert centre_hours_on(lak_si, next_holiday.date).closed
    saturday = next(
        dt.date(2030, 1, day) for day in range(1, 8) if dt.date(2030, 1, day).weekday() == 5
    )
    assert centre_hours_on(lak_si, saturday).periods == [(dt.time(9), dt.time(12))]


def test_the_command_prints_the_sign_in_details(capsys):
    catalogue_load_file()
    call_command("load_demo_staff")
    out = capsys.readouterr().out
    assert "centre.officer@demo.onegate.test  Service-centre officer, service-centres" in out
    assert DEMO_STAFF_TOTP_SECRET in out and DEMO_STAFF_PASSWORD in out
