"""Staff for tests: accounts with an authenticator, agencies in the catalogue, roles granted.

Other apps' tests use these too: ``staff_member("officer@example.test", StaffRole.REGISTRY_OFFICER,
"civil-registration")`` returns an account that ``staff_can`` lets view registry records. Roles
are granted through ``staff_role_grant`` as the platform (``actor=None``), so the same rules apply
as in production: the account needs a second factor, the agency must be in the catalogue.
"""

from __future__ import annotations

import datetime as dt

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from onegate.catalogue.tests.factories import AgencyFactory
from onegate.identity.constants import StaffRole
from onegate.identity.models import ServiceCentre, StaffMembership, Team, User
from onegate.identity.services.organisations import staff_role_grant
from onegate.identity.services.service_centres import (
    HoursPeriod,
    service_centre_hours_set,
    service_centre_save,
)
from onegate.registries.addresses import AddressInput

# RFC 6238's test secret ("12345678901234567890" in base32): codes are easy to check by hand.
TEST_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def staff_account(email: str, *, superuser: bool = False, mfa: bool = True) -> User:
    """An account that could be given a staff role: it has an authenticator app.

    A superuser also gets a (stand-in) passkey record, which administrators must have before the
    sign-in rules let them anywhere.
    """
    if superuser:
        user = User.objects.create_superuser(email, "a long test password")
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "test passkey"}
        )
    else:
        user = User.objects.create_user(email, "a long test password")
    if mfa:
        TOTP.activate(user, TEST_TOTP_SECRET)
    return user


def agency(slug: str) -> str:
    """Make sure the catalogue knows the agency ``slug``; returns the slug."""
    AgencyFactory(slug=slug)
    return slug


def staff_member(
    email: str,
    role: StaffRole,
    agency_slug: str,
    *,
    centre: ServiceCentre | None = None,
    team: Team | None = None,
) -> User:
    """A new account with ``role`` in ``agency_slug`` (at ``centre``, in ``team``)."""
    user = staff_account(email)
    grant(user, role, agency_slug, centre=centre, team=team)
    return user


def grant(
    user: User,
    role: StaffRole,
    agency_slug: str,
    *,
    centre: ServiceCentre | None = None,
    team: Team | None = None,
) -> StaffMembership:
    """Give an existing account a role, as the platform."""
    agency(agency_slug)
    return staff_role_grant(
        actor=None, user=user, role=role, agency_slug=agency_slug, centre=centre, team=team
    )


def service_centre(slug: str, agency_slug: str = "service-centres") -> ServiceCentre:
    """An open centre in Bangkok (Lak Si), weekdays 08:30-16:30."""
    agency(agency_slug)
    centre = service_centre_save(
        actor=None,
        slug=slug,
        agency_slug=agency_slug,
        name_en=f"Centre {slug}",
        name_th=f"ศูนย์ {slug}",
        address=AddressInput(
            house_number="120", moo="3", road="Chaeng Watthana", sub_district_code="104101"
        ),
        service_slugs=[],
    )
    week = [HoursPeriod(day, dt.time(8, 30), dt.time(16, 30)) for day in range(5)]
    return service_centre_hours_set(actor=None, centre=centre, weekly=week, exceptions=[])
