"""Reads about an account's identity: the registry person it is linked to, and how well proved.

Each takes the account it is about; the caller is that account's own session (or a service
acting for it), so no further access check applies. Reading the person's registry data goes
through the registry adapter with the person id these return. The support reads at the end take
the member of staff instead, check their permission and record that they looked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from onegate.audit.constants import IdentityAction
from onegate.audit.services import audit_record
from onegate.identity.constants import LevelOfAssurance
from onegate.identity.models import IdentityLink, User
from onegate.identity.models.proofing import EndedIdentityLink
from onegate.identity.permissions import StaffPermission, staff_can


def identity_link_for(user: Any) -> IdentityLink | None:
    """The account's link to a registry person, or None if it has not been proved."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return IdentityLink.objects.filter(user_id=user.pk).first()


def person_id_for(user: Any) -> str | None:
    """The registry person id the account is linked to (as a string), or None.

    None too while the link must be proved again (the ID card it rests on was lost or
    cancelled): until then the account does not act as that person anywhere (their records,
    their children, delegations, claims to agencies' systems), whatever level a page asks for.
    The card may be in someone else's hands, and this account may be theirs.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    links = IdentityLink.objects.filter(user_id=user.pk, reproof_needed_since__isnull=True)
    person_id = links.values_list("person_id", flat=True)
    found = person_id.first()
    return None if found is None else str(found)


def identity_level(user: Any) -> LevelOfAssurance:
    """How well the account's identity is proved: ``low`` until it is linked to a person, and
    while the link must be proved again."""
    link = identity_link_for(user)
    return LevelOfAssurance.LOW if link is None else link.current_level


def ended_links_for(user: Any) -> list[EndedIdentityLink]:
    """The account's earlier links, newest first (shown to the person and to support)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(EndedIdentityLink.objects.filter(user_id=user.pk)[:20])


# --- support -----------------------------------------------------------------------------------


def support_agency() -> str:
    """The agency whose staff run identity support (setting ``IDENTITY_SUPPORT_AGENCY``)."""
    return str(getattr(settings, "IDENTITY_SUPPORT_AGENCY", "civil-registration"))


def support_may_unlink(actor: Any) -> bool:
    """Whether ``actor`` may look accounts up and unlink them (in the support agency)."""
    return staff_can(actor, StaffPermission.UNLINK_ACCOUNT, agency_slug=support_agency())


@dataclass(frozen=True)
class SupportAccount:
    """What support sees of an account: who, its link, and its earlier links. No registry data."""

    account: User
    link: IdentityLink | None
    ended: list[EndedIdentityLink] = field(default_factory=list)


def support_account_find(*, actor: Any, email: str) -> str | None:
    """The key of the account whose email address is ``email`` (None if none), for support.

    Refused (``PermissionDenied``) without ``identity.unlink_account`` in the support agency.
    Nothing about the account is shown yet: ``support_account_get`` shows it, and records that.
    """
    if not support_may_unlink(actor):
        raise PermissionDenied(StaffPermission.UNLINK_ACCOUNT)
    found = User.objects.filter(email__iexact=(email or "").strip()).values_list("pk", flat=True)
    key = found.first()
    return None if key is None else str(key)


def support_account_get(*, actor: Any, account_id: Any) -> SupportAccount | None:
    """The account ``account_id`` with its link and earlier links, for support staff only.

    Refused (``PermissionDenied``) without ``identity.unlink_account`` in the support agency.
    Each look that finds an account is recorded in the audit log.
    """
    if not support_may_unlink(actor):
        raise PermissionDenied(StaffPermission.UNLINK_ACCOUNT)
    account = User.objects.filter(pk=account_id).first()
    if account is None:
        return None
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=IdentityAction.SUPPORT_ACCOUNT_VIEWED,
            subject_type="identity.account",
            subject_id=account.pk,
            purpose="Identity support: looking at an account's link",
        )
    return SupportAccount(
        account=account,
        link=IdentityLink.objects.filter(user=account).select_related("officer").first(),
        ended=list(EndedIdentityLink.objects.filter(user=account)[:20]),
    )
