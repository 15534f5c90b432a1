"""Who on staff may do what, and where: the one permission check every module uses.

A permission is a string ``"<app>.<verb>_<thing>"``. ``ROLE_PERMISSIONS`` below gives each staff
role its permissions, in this one place; a later module adds its permissions to the roles here
(and to ``StaffPermission``) rather than inventing roles or using Django's model permissions.

``staff_can(user, permission, agency_slug=…, centre_id=…)`` answers from the person's current
staff memberships (``models.organisations.StaffMembership``):

* it denies by default: an unknown account, a signed-out visitor, an inactive account or one that
  is not staff gets ``False``, and so does a role that does not carry the permission;
* an ended membership never counts, nor one at a service centre that has closed or moved;
* with ``agency_slug`` the membership must cover that whole agency; with ``centre_id`` it must
  be at that centre, or cover the whole agency that runs it; with neither, any membership will do
  (for the "may this person open this page at all" question; the data on the page is then
  narrowed with ``staff_scope`` or ``staff_centre_scope``);
* a superuser is **not** let into agency data: being a platform administrator grants only the
  ``PLATFORM_PERMISSIONS``, which are about running the platform, not about any agency's work.

A permission name that is not defined here raises ``UnknownPermission``: a typo must fail loudly
in tests rather than deny quietly in production.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from onegate.identity.constants import StaffRole
from onegate.identity.models.organisations import ServiceCentre, StaffMembership

__all__ = [
    "PLATFORM_PERMISSIONS",
    "ROLE_PERMISSIONS",
    "StaffPermission",
    "UnknownPermission",
    "staff_can",
    "staff_centre_scope",
    "staff_required",
    "staff_roles_with",
    "staff_scope",
]


class StaffPermission(StrEnum):
    """Every permission a staff role can carry; later modules append theirs."""

    # identity
    MANAGE_STAFF = "identity.manage_staff"  # grant and end staff roles in the agency
    VIEW_STAFF = "identity.view_staff"  # see who works in the agency, in which role
    MANAGE_TEAMS = "identity.manage_teams"
    MANAGE_SERVICE_CENTRES = "identity.manage_service_centres"
    MANAGE_OIDC_CLIENTS = "identity.manage_oidc_clients"  # relying parties (agency systems)
    PROOF_IN_PERSON = "identity.proof_in_person"  # check someone's identity face to face
    APPOINT_AGENCY_ADMIN = "identity.appoint_agency_admin"  # platform only: an agency's first admin
    # support (in IDENTITY_SUPPORT_AGENCY): end an account's link to its registry person
    UNLINK_ACCOUNT = "identity.unlink_account"
    # registries
    VIEW_PERSON = "registries.view_person"  # search and read population records
    RESOLVE_CORRECTION = "registries.resolve_correction"
    VIEW_TRAVEL_DOCUMENT = "registries.view_travel_document"
    # cases (issue: Cases)
    VIEW_CASE = "cases.view_case"
    WORK_CASE = "cases.work_case"
    ASSIGN_CASE = "cases.assign_case"
    # catalogue and service definitions
    EDIT_SERVICE = "catalogue.edit_service"
    PUBLISH_DEFINITION = "definitions.publish_definition"
    # credentials
    VERIFY_CREDENTIAL = "credentials.verify_credential"  # check an entitlement, e.g. at the border
    MANAGE_ENTITLEMENT = "credentials.manage_entitlement"  # suspend, reinstate, revoke
    # appointments
    MANAGE_BOOKINGS = "appointments.manage_bookings"
    VIEW_APPOINTMENT_DAY = "appointments.view_day"  # a centre's day: who is booked when
    CHECK_IN = "appointments.check_in"  # mark a booked person arrived, or not come
    # runner (issue 8): start or continue an application with a person at the counter
    ASSIST_APPLICANT = "runner.assist_applicant"
    # insights (issue 11): a service's performance dashboard and survey comments
    VIEW_PERFORMANCE = "insights.view_performance"
    # audit
    VIEW_AUDIT_LOG = "audit.view_log"


P = StaffPermission
_CASEWORK = frozenset({P.VIEW_CASE, P.WORK_CASE})

# The one map of roles to what they may do, inside the agency (or centre) of the membership.
ROLE_PERMISSIONS: Mapping[StaffRole, frozenset[str]] = {
    StaffRole.CASE_WORKER: _CASEWORK,
    StaffRole.TEAM_LEAD: _CASEWORK
    | {P.ASSIGN_CASE, P.VIEW_STAFF}
    # credentials (issue 10): suspend, reinstate or revoke what the agency's decisions granted
    | {P.MANAGE_ENTITLEMENT}
    # insights (issue 11): how the agency's services perform (time to decision, SLA)
    | {P.VIEW_PERFORMANCE},
    StaffRole.SERVICE_OWNER: frozenset({P.EDIT_SERVICE, P.PUBLISH_DEFINITION, P.VIEW_PERFORMANCE}),
    StaffRole.AGENCY_ADMIN: frozenset(
        {
            P.MANAGE_STAFF,
            P.VIEW_STAFF,
            P.MANAGE_TEAMS,
            P.MANAGE_SERVICE_CENTRES,
            P.MANAGE_OIDC_CLIENTS,
            P.UNLINK_ACCOUNT,
            P.VIEW_PERFORMANCE,
        }
    ),
    # Identity checks at the counter need the population register.
    StaffRole.CENTRE_OFFICER: frozenset({P.PROOF_IN_PERSON, P.VIEW_PERSON, P.MANAGE_BOOKINGS})
    # appointments (issue 6): the centre's day view, check-in and no-shows
    | {P.VIEW_APPOINTMENT_DAY, P.CHECK_IN}
    # runner (issue 8): assisted digital, an application made with the person at the counter
    | {P.ASSIST_APPLICANT},
    StaffRole.REGISTRY_OFFICER: frozenset({P.VIEW_PERSON, P.RESOLVE_CORRECTION, P.UNLINK_ACCOUNT}),
    StaffRole.BORDER_OFFICER: frozenset({P.VIEW_TRAVEL_DOCUMENT, P.VERIFY_CREDENTIAL}),
    StaffRole.AUDITOR: frozenset({P.VIEW_AUDIT_LOG, P.VIEW_STAFF}),
}

# What a platform superuser may do without any membership: run the platform, not an agency.
PLATFORM_PERMISSIONS: frozenset[str] = frozenset({P.APPOINT_AGENCY_ADMIN, P.MANAGE_OIDC_CLIENTS})

_KNOWN: frozenset[str] = frozenset(P)


class UnknownPermission(ValueError):
    """A permission name nobody defined: a programming error, not a refusal."""


def staff_roles_with(permission: str) -> frozenset[StaffRole]:
    """The roles that carry ``permission``."""
    _check_known(permission)
    return frozenset(role for role, granted in ROLE_PERMISSIONS.items() if permission in granted)


def staff_can(
    user: Any,
    permission: str,
    *,
    agency_slug: str | None = None,
    centre_id: str | uuid.UUID | None = None,
) -> bool:
    """Whether ``user`` may do ``permission`` (in ``agency_slug`` / at ``centre_id`` if given)."""
    roles = staff_roles_with(permission)
    if not _is_staff_account(user):
        return False
    if permission in PLATFORM_PERMISSIONS and user.is_superuser:
        return True
    if not roles:
        return False
    memberships = _current_memberships(user).filter(role__in=roles)
    if agency_slug is not None:
        memberships = memberships.filter(agency_slug=agency_slug)
    if centre_id is None and agency_slug is not None:
        # A question about the whole agency: a membership at one of its centres does not answer.
        memberships = memberships.filter(centre__isnull=True)
    if centre_id is not None:
        where = _at_centre(centre_id)
        if where is None:
            return False
        memberships = memberships.filter(where)
    return memberships.exists()


def staff_scope(user: Any, permission: str) -> set[str]:
    """The agencies (slugs) in which ``user`` may do ``permission`` across the whole agency.

    A membership at one service centre does not put its agency in scope (it covers that centre
    only: see ``staff_centre_scope``). Platform permissions belong to no agency.
    """
    roles = staff_roles_with(permission)
    if not _is_staff_account(user):
        return set()
    slugs = (
        _current_memberships(user)
        .filter(role__in=roles, centre__isnull=True)
        .values_list("agency_slug", flat=True)
    )
    return set(slugs)


def staff_centre_scope(user: Any, permission: str) -> set[str]:
    """The open service centres (ids as strings) at which ``user`` may do ``permission``."""
    roles = staff_roles_with(permission)
    if not _is_staff_account(user):
        return set()
    current = _current_memberships(user).filter(role__in=roles)
    agencies = current.filter(centre__isnull=True).values("agency_slug")
    centres = ServiceCentre.objects.filter(is_active=True).filter(
        Q(agency_slug__in=agencies) | Q(memberships__in=current.filter(centre__isnull=False))
    )
    return {str(pk) for pk in centres.values_list("pk", flat=True).distinct()}


def staff_agencies(user: Any, permission: str) -> list[str]:
    """Every agency (slug, sorted) whose role lets ``user`` do ``permission``, centres included.

    Unlike ``staff_scope``, a role held at one service centre counts here, with the centre's
    agency: this answers "on behalf of which organisation is this person acting?", not "where".
    """
    if not _is_staff_account(user):
        return []
    current = _current_memberships(user).filter(role__in=staff_roles_with(permission))
    return sorted(set(current.values_list("agency_slug", flat=True)))


def staff_required(
    permission: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: signed in (else to sign-in), and ``staff_can`` in some agency (else 403)."""
    _check_known(permission)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not staff_can(request.user, permission):
                raise PermissionDenied(permission)
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorate


def _check_known(permission: str) -> None:
    if permission not in _KNOWN:
        raise UnknownPermission(
            f"unknown staff permission {permission!r}; add it to identity/permissions.py"
        )


def _is_staff_account(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
    )


def _current_memberships(user: Any) -> QuerySet[StaffMembership]:
    """Memberships that count: not ended, and not at a centre that has closed or moved."""
    return StaffMembership.objects.filter(user_id=user.pk, ended_at__isnull=True).filter(
        Q(centre__isnull=True) | Q(centre__is_active=True)
    )


def _at_centre(centre_id: str | uuid.UUID) -> Q | None:
    """Memberships that reach an open centre: at it, or across its agency; None if no such."""
    try:
        key = uuid.UUID(str(centre_id))
    except ValueError:
        return None
    agency = (
        ServiceCentre.objects.filter(pk=key, is_active=True)
        .values_list("agency_slug", flat=True)
        .first()
    )
    if agency is None:
        return None
    return Q(centre_id=key) | Q(centre__isnull=True, agency_slug=agency)
