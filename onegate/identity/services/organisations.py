"""Writes to organisations: staff joining and leaving roles, teams, and service centres.

Every change runs in one transaction with its audit record. A change the actor may not make
(``StaffChangeRefused``) or that is wrong (``ValidationError``, with a translated message per
field) changes nothing, and a refused or invalid grant or end of a staff role still leaves an
``identity.staff_role_refused`` record, written after the attempt is rolled back.

Who may change staff roles in an agency: an administrator of that agency (``identity.manage_staff``
there). A platform superuser may appoint an agency's first administrator, and may end an agency
administrator's role, but nothing else: platform administration is not agency work. Nobody gives
themselves a role. ``actor=None`` is the platform acting for itself (the demo loader,
management commands); pages and the admin always pass the signed-in person.

The agency a record belongs to is a catalogue agency, named by its slug. Reading the catalogue
from identity runs against the identity → catalogue flow of CONVENTIONS; it is done through the
catalogue's public selector only, to check a slug, because the catalogue is where agencies are
kept and it holds no personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import IdentityAction
from onegate.audit.services import audit_record
from onegate.identity.constants import StaffRole
from onegate.identity.models.accounts import User
from onegate.identity.models.organisations import ServiceCentre, StaffMembership, Team
from onegate.identity.permissions import StaffPermission, staff_can
from onegate.identity.staff_rules import Actor, StaffChangeRefused, actor_require, agency_check

__all__ = [
    "staff_role_end",
    "staff_role_grant",
    "team_create",
    "team_rename",
]


# allauth authenticator types that are a second factor (recovery codes only back one up).
SECOND_FACTORS = ("totp", "webauthn")


# --- staff roles ------------------------------------------------------------------------------


def staff_role_grant(
    *,
    actor: Actor,
    user: User,
    role: str,
    agency_slug: str,
    centre: ServiceCentre | None = None,
    team: Team | None = None,
) -> StaffMembership:
    """Give ``user`` ``role`` in an agency (or at one of its centres): a joiner."""
    try:
        with transaction.atomic():
            membership = _grant(
                actor=actor, user=user, role=role, agency_slug=agency_slug, centre=centre, team=team
            )
    except (StaffChangeRefused, ValidationError) as refusal:
        _refusal_record(
            actor=actor,
            change="grant",
            subject=("identity.user", str(user.pk)),
            refusal=refusal,
            details={"role": str(role), "agency": agency_slug},
        )
        raise
    # The caller's copy of the account becomes staff too, so a check on it at once agrees.
    user.is_staff = True
    return membership


def _grant(
    *,
    actor: Actor,
    user: User,
    role: str,
    agency_slug: str,
    centre: ServiceCentre | None,
    team: Team | None,
) -> StaffMembership:
    staff_role = _role(role)
    agency_check(agency_slug)
    if actor is not None and actor.pk == user.pk:
        raise StaffChangeRefused(
            _("You cannot give yourself a staff role. Ask another administrator of the agency."),
            code="self_grant",
        )
    _may_change_roles(actor=actor, role=staff_role, agency_slug=agency_slug, granting=True)
    grantee = User.objects.select_for_update().get(pk=user.pk)
    problems = _grant_problems(grantee, staff_role, agency_slug, centre, team)
    if problems:
        raise ValidationError(problems)
    membership = StaffMembership.objects.create(
        user=grantee,
        role=staff_role,
        agency_slug=agency_slug,
        centre=centre,
        team=team,
        granted_by=actor,
        granted_at=timezone.now(),
    )
    made_staff = not grantee.is_staff
    if made_staff:
        grantee.is_staff = True
        grantee.save(update_fields=["is_staff"])
    audit_record(
        actor=actor,
        action=IdentityAction.STAFF_ROLE_GRANTED,
        subject_type="identity.staffmembership",
        subject_id=membership.pk,
        purpose="Staff joiner: a role granted",
        payload={**_membership_payload(membership), "made_staff": made_staff},
    )
    return membership


def staff_role_end(*, actor: Actor, membership: StaffMembership) -> StaffMembership:
    """End a membership (a leaver, or a change of role); the row stays as history."""
    try:
        with transaction.atomic():
            ended = _end(actor=actor, membership=membership)
    except (StaffChangeRefused, ValidationError) as refusal:
        _refusal_record(
            actor=actor,
            change="end",
            subject=("identity.staffmembership", str(membership.pk)),
            refusal=refusal,
            details={"role": membership.role, "agency": membership.agency_slug},
        )
        raise
    membership.ended_at, membership.ended_by = ended.ended_at, ended.ended_by
    return ended


def _end(*, actor: Actor, membership: StaffMembership) -> StaffMembership:
    locked = StaffMembership.objects.select_for_update().get(pk=membership.pk)
    if locked.ended_at is not None:
        raise ValidationError(_("This role has already ended."), code="already_ended")
    _may_change_roles(
        actor=actor, role=StaffRole(locked.role), agency_slug=locked.agency_slug, granting=False
    )
    locked.ended_at, locked.ended_by = timezone.now(), actor
    locked.save(update_fields=["ended_at", "ended_by"])
    staff_status_removed = _staff_status_after_leaving(locked.user_id)
    audit_record(
        actor=actor,
        action=IdentityAction.STAFF_ROLE_ENDED,
        subject_type="identity.staffmembership",
        subject_id=locked.pk,
        purpose="Staff leaver: a role ended",
        payload={**_membership_payload(locked), "staff_status_removed": staff_status_removed},
    )
    return locked


def _role(role: str) -> StaffRole:
    try:
        return StaffRole(role)
    except ValueError:
        message = _("Choose a role from the list.")
        raise ValidationError({"role": ValidationError(message, code="unknown_role")}) from None


def _may_change_roles(*, actor: Actor, role: StaffRole, agency_slug: str, granting: bool) -> None:
    if actor is None or staff_can(actor, StaffPermission.MANAGE_STAFF, agency_slug=agency_slug):
        return
    if role == StaffRole.AGENCY_ADMIN and staff_can(actor, StaffPermission.APPOINT_AGENCY_ADMIN):
        if not granting or not _has_current_admin(agency_slug):
            return
        raise StaffChangeRefused(
            _("This agency already has an administrator: they appoint the others."),
            code="agency_has_admin",
        )
    raise StaffChangeRefused(
        _("Only an administrator of this agency can change its staff roles."), code="not_admin"
    )


def _has_current_admin(agency_slug: str) -> bool:
    return StaffMembership.objects.filter(
        agency_slug=agency_slug,
        role=StaffRole.AGENCY_ADMIN,
        ended_at__isnull=True,
        user__is_active=True,
    ).exists()


def _grant_problems(
    grantee: User,
    role: StaffRole,
    agency_slug: str,
    centre: ServiceCentre | None,
    team: Team | None,
) -> dict[str, list[ValidationError]]:
    """What is wrong with this grant, per form field (empty: nothing)."""
    problems: dict[str, list[ValidationError]] = {}

    def add(field: str, message: Any, code: str) -> None:
        problems.setdefault(field, []).append(ValidationError(message, code=code))

    if not grantee.is_active:
        add("user", _("This account is closed."), "inactive_account")
    elif not Authenticator.objects.filter(user=grantee, type__in=SECOND_FACTORS).exists():
        add(
            "user",
            _("They must set up an authenticator app or a passkey before they can have a role."),
            "no_mfa",
        )
    if role == StaffRole.CENTRE_OFFICER and centre is None:
        add("centre", _("Choose the service centre where they will work."), "centre_required")
    if centre is not None and centre.agency_slug != agency_slug:
        add("centre", _("Choose a service centre that this agency runs."), "centre_elsewhere")
    elif centre is not None and not centre.is_active:
        add("centre", _("This service centre has closed or moved."), "centre_closed")
    if team is not None and team.agency_slug != agency_slug:
        add("team", _("Choose a team in this agency."), "team_elsewhere")
    if not problems and _already_has(grantee, role, agency_slug, centre):
        add("role", _("They already have this role here."), "duplicate_role")
    return problems


def _already_has(
    grantee: User, role: StaffRole, agency_slug: str, centre: ServiceCentre | None
) -> bool:
    current = StaffMembership.objects.filter(user=grantee, role=role, ended_at__isnull=True)
    if centre is None:
        return current.filter(agency_slug=agency_slug, centre__isnull=True).exists()
    return current.filter(centre=centre).exists()


def _staff_status_after_leaving(user_id: Any) -> bool:
    """A leaver with no role left stops being staff (platform superusers stay); True if so."""
    user = User.objects.select_for_update().get(pk=user_id)
    still_staff = StaffMembership.objects.filter(user_id=user_id, ended_at__isnull=True).exists()
    if still_staff or user.is_superuser or not user.is_staff:
        return False
    user.is_staff = False
    user.save(update_fields=["is_staff"])
    return True


def _membership_payload(membership: StaffMembership) -> dict[str, Any]:
    return {
        "user": str(membership.user_id),
        "role": membership.role,
        "agency": membership.agency_slug,
        "centre": str(membership.centre_id) if membership.centre_id else None,
        "team": str(membership.team_id) if membership.team_id else None,
    }


def _refusal_record(
    *,
    actor: Actor,
    change: str,
    subject: tuple[str, str],
    refusal: StaffChangeRefused | ValidationError,
    details: Mapping[str, Any],
) -> None:
    """Record a refused grant or end; the attempt itself was rolled back."""
    if isinstance(refusal, StaffChangeRefused):
        codes = [refusal.code]
    else:
        codes = sorted({str(error.code) for error in _flat(refusal)})
    audit_record(
        actor=actor,
        action=IdentityAction.STAFF_ROLE_REFUSED,
        subject_type=subject[0],
        subject_id=subject[1],
        purpose=f"Staff role {change} refused",
        payload={**details, "change": change, "reasons": codes},
    )


def _flat(error: ValidationError) -> list[ValidationError]:
    if hasattr(error, "error_dict"):
        return [item for items in error.error_dict.values() for item in items]
    return list(error.error_list)


# --- teams ------------------------------------------------------------------------------------


def team_create(*, actor: Actor, agency_slug: str, name_en: str, name_th: str) -> Team:
    """A new team in an agency."""
    with transaction.atomic():
        agency_check(agency_slug)
        actor_require(actor, StaffPermission.MANAGE_TEAMS, agency_slug)
        names = _team_names(agency_slug, name_en, name_th, team=None)
        team = Team.objects.create(agency_slug=agency_slug, **names)
        audit_record(
            actor=actor,
            action=IdentityAction.TEAM_CREATED,
            subject_type="identity.team",
            subject_id=team.pk,
            purpose="Team created",
            payload={"agency": agency_slug, **names},
        )
        return team


def team_rename(*, actor: Actor, team: Team, name_en: str, name_th: str) -> Team:
    """Give a team new names (its members and history stay)."""
    with transaction.atomic():
        locked = Team.objects.select_for_update().get(pk=team.pk)
        actor_require(actor, StaffPermission.MANAGE_TEAMS, locked.agency_slug)
        names = _team_names(locked.agency_slug, name_en, name_th, team=locked)
        before = {"name_en": locked.name_en, "name_th": locked.name_th}
        locked.name_en, locked.name_th = names["name_en"], names["name_th"]
        locked.save(update_fields=["name_en", "name_th", "updated_at"])
        audit_record(
            actor=actor,
            action=IdentityAction.TEAM_RENAMED,
            subject_type="identity.team",
            subject_id=locked.pk,
            purpose="Team renamed",
            payload={"agency": locked.agency_slug, "before": before, "after": names},
        )
        return locked


def _team_names(agency_slug: str, name_en: str, name_th: str, *, team: Team | None) -> dict:
    names = {"name_en": " ".join(name_en.split()), "name_th": " ".join(name_th.split())}
    problems: dict[str, ValidationError] = {}
    for field, value in names.items():
        if not value:
            problems[field] = ValidationError(_("Enter the team's name."), code="required")
    same = Team.objects.filter(agency_slug=agency_slug, name_en__iexact=names["name_en"])
    if team is not None:
        same = same.exclude(pk=team.pk)
    if names["name_en"] and same.exists():
        message = _("The agency already has a team with this name.")
        problems["name_en"] = ValidationError(message, code="duplicate_team")
    if problems:
        raise ValidationError(problems)
    return names
