"""Delegations' life: offered by the grantor, accepted or declined by the delegate, revoked by
either side, expired by the job once their last day has passed.

Each transition locks the row, checks the state itself, appends a ``DelegationStatusChange``,
writes the audit record in the same transaction, and emails both sides once it commits. A
refused request (a delegate who is the grantor, an answer to an offer that has ended, someone
who is not a party) raises ``DelegationRefused`` with a translated message, after writing a
``DELEGATION_REFUSED`` audit record of its own: nothing else is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import IdentityAction
from onegate.audit.services import audit_record
from onegate.catalogue.selectors import catalogue_current
from onegate.identity import delegation_mail
from onegate.identity.acting import LIST_PURPOSE, self_access
from onegate.identity.constants import DelegationStatus
from onegate.identity.models import Delegation, DelegationStatusChange
from onegate.identity.models.delegations import OPEN_STATES
from onegate.identity.selectors import person_id_for
from onegate.registries.adapters import RegistryError, registry

__all__ = [
    "MAX_DELEGATION_DAYS",
    "DelegationRefused",
    "delegation_accept",
    "delegation_decline",
    "delegation_offer",
    "delegation_revoke",
    "delegations_expire",
]

# The longest a delegation may run: long enough for a long stay abroad, short enough that a
# forgotten one ends by itself.
MAX_DELEGATION_DAYS = 3 * 366
SUBJECT_TYPE = "identity.delegation"


class DelegationRefused(Exception):
    """A delegation request that must not happen. ``field`` names the form field it is about."""

    def __init__(self, message: Any, *, code: str, field: str | None = None) -> None:
        self.message = message
        self.code = code
        self.field = field
        super().__init__(code)


def _refuse(message: Any, *, code: str, field: str | None = None) -> DelegationRefused:
    return DelegationRefused(message, code=code, field=field)


def _refusal_record(actor: Any, refusal: DelegationRefused, *, subject: str) -> None:
    """Audit a refusal in its own transaction, after the refused one has rolled back."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=IdentityAction.DELEGATION_REFUSED,
            subject_type=SUBJECT_TYPE,
            subject_id=subject,
            purpose="refuse a delegation request",
            payload={"reason": refusal.code},
        )


def _record(
    delegation: Delegation, *, to: str, by: Any, fields: Sequence[str] = (), now: dt.datetime
) -> None:
    """Move ``delegation`` to ``to`` and append the history row (the caller holds the lock)."""
    previous = delegation.status
    delegation.status = to
    delegation.save(update_fields=["status", *fields, "updated_at"])
    DelegationStatusChange.objects.create(
        delegation=delegation, previous_status=previous, status=to, changed_at=now, changed_by=by
    )


def _audit(delegation: Delegation, *, actor: Any, action: IdentityAction, purpose: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        subject_type=SUBJECT_TYPE,
        subject_id=delegation.pk,
        purpose=purpose,
        payload={
            "status": delegation.status,
            "grantor_person": str(delegation.grantor_person_id),
            "delegate_account": str(delegation.delegate_user_id or ""),
            "delegate_person": str(delegation.delegate_person_id or ""),
            "all_services": delegation.all_services,
            "services": list(delegation.service_slugs),
            "valid_from": delegation.valid_from.isoformat(),
            "valid_until": delegation.valid_until.isoformat(),
        },
    )


def _tell_both(delegation: Delegation, event: str, site_url: str) -> None:
    # Into notify's outbox in this transaction: the notices leave only if the change commits.
    delegation_mail.delegation_mail_send(delegation=delegation, event=event, site_url=site_url)


# --- offer ------------------------------------------------------------------------------------


def _own_names(user: Any, person_id: str) -> dict[str, str]:
    """The person's names from their own registry record (a read about oneself: not logged)."""
    answer = registry().person_get(
        person_id=person_id, access=self_access(user, person_id, purpose=str(LIST_PURPOSE))
    )
    if answer is None:
        return {"en": user.get_full_name(), "th": ""}
    record = answer.value
    latin = f"{record.given_name_latin} {record.family_name_latin}".strip()
    thai = f"{record.given_name_th} {record.family_name_th}".strip()
    return {"en": latin, "th": thai}


def _check_offer_dates(valid_from: dt.date, valid_until: dt.date) -> None:
    today = timezone.localdate()
    if valid_from < today:
        raise _refuse(
            _("The start date cannot be in the past."), code="starts_in_past", field="valid_from"
        )
    if valid_until < valid_from:
        raise _refuse(
            _("The end date must be on or after the start date."),
            code="ends_before_start",
            field="valid_until",
        )
    if valid_until > today + dt.timedelta(days=MAX_DELEGATION_DAYS):
        raise _refuse(
            _("A delegation can last at most 3 years. Choose an earlier end date."),
            code="too_long",
            field="valid_until",
        )


def _check_scope(all_services: bool, service_slugs: Sequence[str]) -> list[str]:
    if all_services:
        return []
    slugs = sorted(set(service_slugs))
    if not slugs:
        raise _refuse(
            _("Choose at least one service, or choose all services."),
            code="no_services",
            field="services",
        )
    catalogue = catalogue_current()
    if any(catalogue.service(slug) is None for slug in slugs):
        raise _refuse(_("Choose services from the list."), code="unknown_service", field="services")
    return slugs


def _delegate_account(grantor: Any, me: str, email: str) -> Any:
    """The account with ``email``, if any; the grantor themselves is refused."""
    account = get_user_model().objects.filter(email__iexact=email).first()
    if email == grantor.email.lower() or (
        account is not None and str(person_id_for(account) or "") == me
    ):
        raise _refuse(
            _("You cannot make yourself your own delegate. Give someone else's email address."),
            code="delegate_is_grantor",
            field="email",
        )
    return account


def delegation_offer(
    *,
    grantor: Any,
    delegate_email: str,
    all_services: bool,
    service_slugs: Sequence[str] = (),
    valid_until: dt.date,
    valid_from: dt.date | None = None,
    site_url: str = "",
) -> Delegation:
    """Offer ``delegate_email`` the right to act for the grantor's registry person.

    Whether the address has an account is not revealed: both cases read the same to the grantor.
    """
    try:
        return _offer(
            grantor=grantor,
            email=delegate_email.strip().lower(),
            all_services=all_services,
            service_slugs=service_slugs,
            valid_from=valid_from or timezone.localdate(),
            valid_until=valid_until,
            site_url=site_url,
        )
    except DelegationRefused as refusal:
        _refusal_record(grantor, refusal, subject="new")
        raise


def _offer(
    *,
    grantor: Any,
    email: str,
    all_services: bool,
    service_slugs: Sequence[str],
    valid_from: dt.date,
    valid_until: dt.date,
    site_url: str,
) -> Delegation:
    me = str(person_id_for(grantor) or "")
    if not me:
        raise _refuse(
            _("Prove your identity before you let someone act for you."),
            code="grantor_not_linked",
        )
    _check_offer_dates(valid_from, valid_until)
    slugs = _check_scope(all_services, service_slugs)
    account = _delegate_account(grantor, me, email)
    try:
        names = _own_names(grantor, me)
    except RegistryError as error:
        raise _refuse(error.message, code="registry_unavailable") from error
    with transaction.atomic():
        # Lock the grantor's open delegations, so two offers to one address cannot both pass.
        mine = Delegation.objects.select_for_update().filter(
            grantor_person_id=me, status__in=OPEN_STATES
        )
        if any(d.delegate_email == email for d in mine):
            raise _refuse(
                _("You have already asked this person. End that delegation first to change it."),
                code="already_offered",
                field="email",
            )
        delegation = Delegation.objects.create(
            grantor_person_id=me,
            grantor_name_en=names["en"],
            grantor_name_th=names["th"],
            granted_by=grantor,
            delegate_email=email,
            delegate_user=account,
            all_services=all_services,
            service_slugs=slugs,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        DelegationStatusChange.objects.create(
            delegation=delegation,
            status=DelegationStatus.OFFERED,
            changed_at=timezone.now(),
            changed_by=grantor,
        )
        _audit(
            delegation,
            actor=grantor,
            action=IdentityAction.DELEGATION_OFFERED,
            purpose="let someone act for me",
        )
        _tell_both(delegation, delegation_mail.OFFERED, site_url)
    return delegation


# --- the delegate's answer ------------------------------------------------------------------


def _is_delegate(delegation: Delegation, user: Any, me: str | None) -> bool:
    if delegation.delegate_user_id is not None:
        return bool(delegation.delegate_user_id == user.pk)
    return bool(me and str(delegation.delegate_person_id or "") == me) or (
        delegation.status == DelegationStatus.OFFERED
        and delegation.delegate_email == user.email.lower()
    )


def _is_grantor(delegation: Delegation, user: Any, me: str | None) -> bool:
    return delegation.granted_by_id == user.pk or bool(
        me and str(delegation.grantor_person_id) == me
    )


def _locked(delegation_id: uuid.UUID | str) -> Delegation:
    found = (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("granted_by", "delegate_user")
        .filter(pk=delegation_id)
        .first()
    )
    if found is None:
        raise _refuse(_("There is no such delegation."), code="not_found")
    return found


def _answerable(delegation: Delegation, user: Any, me: str | None) -> None:
    """The delegate may answer an offer still open and in date; anyone else is refused."""
    if not _is_delegate(delegation, user, me):
        # Said as if it did not exist: another citizen learns nothing about it.
        raise _refuse(_("There is no such delegation."), code="not_delegate")
    if delegation.status != DelegationStatus.OFFERED:
        raise _refuse(_("This request has already been answered or withdrawn."), code="not_offered")
    if delegation.valid_until < timezone.localdate():
        raise _refuse(
            _("This request has expired. Ask them to send a new one."), code="offer_expired"
        )


def _my_person(user: Any) -> str | None:
    found = person_id_for(user)
    return str(found) if found else None


def delegation_accept(
    *, delegation_id: uuid.UUID | str, user: Any, site_url: str = ""
) -> Delegation:
    """The delegate accepts: from its start date they may act for the grantor."""
    try:
        return _accept(delegation_id=delegation_id, user=user, site_url=site_url)
    except DelegationRefused as refusal:
        _refusal_record(user, refusal, subject=str(delegation_id))
        raise


def _accept(*, delegation_id: uuid.UUID | str, user: Any, site_url: str) -> Delegation:
    me = _my_person(user)
    with transaction.atomic():
        delegation = _locked(delegation_id)
        _answerable(delegation, user, me)
        if me is None:
            raise _refuse(_("Prove your identity before you accept."), code="delegate_not_linked")
        if me == str(delegation.grantor_person_id):
            raise _refuse(_("You cannot be your own delegate."), code="delegate_is_grantor")
        try:
            names = _own_names(user, me)
        except RegistryError as error:
            raise _refuse(error.message, code="registry_unavailable") from error
        delegation.delegate_user = user
        delegation.delegate_person_id = uuid.UUID(me)
        delegation.delegate_name_en, delegation.delegate_name_th = names["en"], names["th"]
        _record(
            delegation,
            to=DelegationStatus.ACTIVE,
            by=user,
            now=timezone.now(),
            fields=("delegate_user", "delegate_person_id", "delegate_name_en", "delegate_name_th"),
        )
        _audit(
            delegation,
            actor=user,
            action=IdentityAction.DELEGATION_ACCEPTED,
            purpose="accept to act for someone",
        )
        _tell_both(delegation, delegation_mail.ACCEPTED, site_url)
    return delegation


def delegation_decline(
    *, delegation_id: uuid.UUID | str, user: Any, site_url: str = ""
) -> Delegation:
    """The delegate says no; the offer is closed for good."""
    try:
        return _decline(delegation_id=delegation_id, user=user, site_url=site_url)
    except DelegationRefused as refusal:
        _refusal_record(user, refusal, subject=str(delegation_id))
        raise


def _decline(*, delegation_id: uuid.UUID | str, user: Any, site_url: str) -> Delegation:
    me = _my_person(user)
    with transaction.atomic():
        delegation = _locked(delegation_id)
        _answerable(delegation, user, me)
        delegation.delegate_user = user
        _record(
            delegation,
            to=DelegationStatus.DECLINED,
            by=user,
            now=timezone.now(),
            fields=("delegate_user",),
        )
        _audit(
            delegation,
            actor=user,
            action=IdentityAction.DELEGATION_DECLINED,
            purpose="decline to act for someone",
        )
        _tell_both(delegation, delegation_mail.DECLINED, site_url)
    return delegation


# --- either side ends it ----------------------------------------------------------------------


def delegation_revoke(
    *, delegation_id: uuid.UUID | str, user: Any, site_url: str = ""
) -> Delegation:
    """Either side ends the delegation (or the grantor withdraws an offer), at once."""
    try:
        return _revoke(delegation_id=delegation_id, user=user, site_url=site_url)
    except DelegationRefused as refusal:
        _refusal_record(user, refusal, subject=str(delegation_id))
        raise


def _revoke(*, delegation_id: uuid.UUID | str, user: Any, site_url: str) -> Delegation:
    me = _my_person(user)
    with transaction.atomic():
        delegation = _locked(delegation_id)
        if not (_is_grantor(delegation, user, me) or _is_delegate(delegation, user, me)):
            raise _refuse(_("There is no such delegation."), code="not_a_party")
        if delegation.status not in OPEN_STATES:
            raise _refuse(_("This delegation has already ended."), code="already_ended")
        now = timezone.now()
        delegation.revoked_by, delegation.revoked_at = user, now
        _record(
            delegation,
            to=DelegationStatus.REVOKED,
            by=user,
            now=now,
            fields=("revoked_by", "revoked_at"),
        )
        _audit(
            delegation,
            actor=user,
            action=IdentityAction.DELEGATION_REVOKED,
            purpose="end a delegation",
        )
        _tell_both(delegation, delegation_mail.REVOKED, site_url)
    return delegation


def delegations_expire(*, today: dt.date | None = None) -> int:
    """Mark every open delegation whose last day has passed as expired; returns how many.

    ``may_act_for`` already ignores them from the day after their last day: this records the
    end, and tells both sides.
    """
    today = today or timezone.localdate()
    due = Delegation.objects.filter(status__in=OPEN_STATES, valid_until__lt=today)
    return sum(_expire_one(pk, today) for pk in list(due.values_list("pk", flat=True)))


def _expire_one(pk: uuid.UUID, today: dt.date) -> int:
    with transaction.atomic():
        delegation = (
            Delegation.objects.select_for_update(of=("self",))
            .select_related("granted_by", "delegate_user")
            .get(pk=pk)
        )
        # Someone may have ended it since the list was read.
        if delegation.status not in OPEN_STATES or delegation.valid_until >= today:
            return 0
        _record(delegation, to=DelegationStatus.EXPIRED, by=None, now=timezone.now())
        _audit(
            delegation,
            actor=None,
            action=IdentityAction.DELEGATION_EXPIRED,
            purpose="end delegations past their last day",
        )
        _tell_both(delegation, delegation_mail.EXPIRED, "")
    return 1
