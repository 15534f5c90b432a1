"""An account's link to its registry person after it was made: weakened, or ended.

* ``identity_link_lower``: the Thai ID card whose laser code proved a link was reported lost or
  cancelled. The link stays (the account is still that person's) but counts as ``low`` until the
  person proves their identity again with a valid document (``services.proofing`` clears it).
  Links proved another way, in person at a counter included, are not touched: an officer saw
  the person, and a passport check never relied on that card.
* ``identity_link_end``: the link is deleted and an ``EndedIdentityLink`` row keeps what it was.
  Why: the registry recorded the person's death (the account is also signed out everywhere), the
  person unlinked it themselves, or support did (``identity_link_end_by_support``, with a reason).

Each runs in one transaction with the account row locked (as ``identity_prove`` does, so a
proofing and an unlink of one account cannot interleave), writes its audit record, and emails
the person through the notify outbox in the same transaction (``link_mail``).
"""

from __future__ import annotations

from typing import Any

from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
from allauth.usersessions.models import UserSession
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import IdentityAction
from onegate.audit.services import audit_record
from onegate.identity import link_mail
from onegate.identity.constants import ProofingMethod
from onegate.identity.models import IdentityLink, User
from onegate.identity.models.proofing import EndedIdentityLink, LinkEndReason, ReproofReason
from onegate.identity.permissions import StaffPermission, staff_can
from onegate.identity.selectors import support_agency

__all__ = [
    "identity_link_end",
    "identity_link_end_by_support",
    "identity_link_lower",
    "identity_links_lower_for_card",
]

SUBJECT_TYPE = "identity.account"
MAX_NOTE = 500
_MAIL_EVENTS = {
    LinkEndReason.DIED: link_mail.ENDED_DIED,
    LinkEndReason.PERSON: link_mail.ENDED_PERSON,
    LinkEndReason.SUPPORT: link_mail.ENDED_SUPPORT,
}
_PURPOSES = {
    LinkEndReason.DIED: "The registry recorded the person's death",
    LinkEndReason.PERSON: "The account holder unlinked their identity",
    LinkEndReason.SUPPORT: "OneGate support unlinked the account",
}


def identity_link_end(
    *, account: User, reason: LinkEndReason, actor: Any, note: str = ""
) -> EndedIdentityLink | None:
    """End ``account``'s link (None if it has none). A death also signs it out everywhere."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=account.pk)
        link = IdentityLink.objects.filter(user=locked).first()
        if link is None:
            return None
        ended = EndedIdentityLink.objects.create(
            user=locked,
            person_id=link.person_id,
            level=link.level,
            method=link.method,
            proved_at=link.proved_at,
            ended_at=timezone.now(),
            reason=reason,
            ended_by=actor,
            note=note,
        )
        link.delete()
        sessions = _sign_out_everywhere(locked) if reason == LinkEndReason.DIED else None
        audit_record(
            actor=actor,
            on_behalf_of=locked if actor is not None and actor.pk != locked.pk else None,
            action=IdentityAction.IDENTITY_LINK_ENDED,
            subject_type=SUBJECT_TYPE,
            subject_id=locked.pk,
            purpose=_PURPOSES[reason],
            payload={
                "person_id": str(link.person_id),
                "method": link.method,
                "level": link.level,
                "reason": str(reason),
                "note": note,
                "sessions_ended": sessions,
            },
        )
        _mail_on_commit(locked, _MAIL_EVENTS[reason], reason=note)
    return ended


def _sign_out_everywhere(account: User) -> int:
    """End every session of the account (sessions live in the database: this is atomic)."""
    sessions = list(UserSession.objects.filter(user_id=account.pk))
    get_usersessions_adapter().end_sessions(sessions)
    return len(sessions)


def identity_link_end_by_support(*, actor: Any, account: User, note: str) -> EndedIdentityLink:
    """Support ends ``account``'s link, saying why. Refused (``PermissionDenied``) to anyone
    without ``identity.unlink_account`` in the support agency; ``ValidationError`` without a
    reason or with no link to end."""
    if not staff_can(actor, StaffPermission.UNLINK_ACCOUNT, agency_slug=support_agency()):
        raise PermissionDenied(StaffPermission.UNLINK_ACCOUNT)
    if actor.pk == account.pk:
        raise PermissionDenied("staff cannot unlink their own account here")
    text = (note or "").strip()
    if not text:
        raise ValidationError({"note": _("Say why you are unlinking this account.")})
    if len(text) > MAX_NOTE:
        message = _("Use %(limit)s characters or fewer.") % {"limit": MAX_NOTE}
        raise ValidationError({"note": message})
    ended = identity_link_end(account=account, reason=LinkEndReason.SUPPORT, actor=actor, note=text)
    if ended is None:
        raise ValidationError(_("This account is not linked to an identity."), code="not_linked")
    return ended


def identity_link_lower(*, link: IdentityLink, reason: ReproofReason) -> bool:
    """Make ``link`` need proving again; False if it already did (nothing written)."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=link.user_id).first()
        locked = IdentityLink.objects.filter(pk=link.pk, reproof_needed_since__isnull=True).first()
        if locked is None:
            return False
        locked.reproof_needed_since = timezone.now()
        locked.reproof_reason = reason
        locked.save(update_fields=["reproof_needed_since", "reproof_reason", "updated_at"])
        audit_record(
            actor=None,
            action=IdentityAction.IDENTITY_LINK_LOWERED,
            subject_type=SUBJECT_TYPE,
            subject_id=locked.user_id,
            purpose="The document the identity was proved with is no longer valid",
            payload={
                "person_id": str(locked.person_id),
                "method": locked.method,
                "level": locked.level,
                "reason": str(reason),
                "card": str(locked.evidence.get("record", "")),
            },
        )
        _mail_on_commit(locked.user, link_mail.LOWERED)
    return True


def identity_links_lower_for_card(*, person_id: str, card_id: str, reason: ReproofReason) -> int:
    """Lower every link proved online with the laser code of card ``card_id``; how many."""
    links = IdentityLink.objects.filter(
        person_id=person_id,
        method=ProofingMethod.NATIONAL_ID_CARD,
        evidence__register="id_cards",
        evidence__record=card_id,
    )
    return sum(identity_link_lower(link=link, reason=reason) for link in links)


def _mail_on_commit(account: Any, event: str, *, reason: str = "") -> None:
    """Write the notice to the outbox in this transaction; it is sent once the change commits."""
    link_mail.identity_link_mail_send(account=account, event=event, reason=reason)
