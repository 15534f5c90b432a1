"""Reads of entitlements for the people who hold them and for staff, and what the issuer
publishes (its URL, its trusted keys, its metadata).

A holder sees their own entitlements and those of the people they act for today (children,
wards, delegators: the delegation must cover the service that granted it). Staff see the
entitlements of the agencies where they hold the permission asked for. Anything else is a 404,
noted on the audit log.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.crypto import salted_hmac

from onegate.audit.constants import CredentialAction
from onegate.audit.services import audit_record
from onegate.credentials.constants import LinkScheme
from onegate.credentials.models import Entitlement
from onegate.identity.acting import ActingOption, people_i_act_for
from onegate.identity.permissions import staff_scope
from onegate.identity.selectors import person_id_for

__all__ = [
    "credential_issuer_url",
    "entitlement_for_holder",
    "entitlement_for_staff",
    "entitlement_type_titles",
    "entitlements_for_holder",
    "entitlements_search_for_staff",
    "holder_may_act",
    "issuer_metadata",
    "trusted_keys",
]

SUBJECT_TYPE = "credentials.entitlement"
# Used when neither CREDENTIALS_ISSUER nor SITE_URL is set (tests, a bare checkout).
FALLBACK_ISSUER = "http://127.0.0.1:8000"
SEARCH_LIMIT = 50


def credential_issuer_url() -> str:
    """The issuer identifier (``iss``): ``CREDENTIALS_ISSUER``, else ``SITE_URL``; no final /."""
    issuer = getattr(settings, "CREDENTIALS_ISSUER", "") or getattr(settings, "SITE_URL", "")
    return (issuer or FALLBACK_ISSUER).rstrip("/")


def trusted_keys() -> dict[str, dict]:
    """The issuer's published public keys by kid (active, and retired ones still needed)."""
    from onegate.credentials.publishing import published_keys

    return published_keys()


def entitlement_type_titles() -> dict[str, dict[str, str]]:
    """Each entitlement type a published service grants, with its title ({"en", "th"})."""
    from onegate.definitions.selectors import definitions_published

    found: dict[str, dict[str, str]] = {}
    for published in definitions_published():
        issues = published.compiled.model.issues
        if issues is not None:
            found.setdefault(issues.entitlement_type, dict(issues.title))
    return found


def issuer_metadata(*, issuer: str) -> dict[str, Any]:
    """JWT VC Issuer Metadata: ``{"issuer": …, "jwks": {"keys": [...]}}``."""
    return {"issuer": issuer, "jwks": {"keys": list(trusted_keys().values())}}


# --- holders ------------------------------------------------------------------------------------


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _people(user: Any) -> tuple[str | None, dict[str, ActingOption]]:
    me = person_id_for(user)
    others = {o.person_id: o for o in people_i_act_for(user) if not o.is_self}
    return me, others


def _holds(entitlement: Entitlement, me: str | None, others: dict[str, ActingOption]) -> bool:
    holder = str(entitlement.holder_id)
    if me and holder == me:
        return True
    option = others.get(holder)
    return option is not None and option.covers(entitlement.service_slug)


def holder_may_act(user: Any, entitlement: Entitlement) -> bool:
    """Whether ``user`` is the holder or may act for them today (for the granting service)."""
    if not _signed_in(user):
        return False
    me, others = _people(user)
    return _holds(entitlement, me, others)


def entitlements_for_holder(*, user: Any) -> list[Entitlement]:
    """The entitlements of ``user``'s own person and of the people they act for, newest first."""
    if not _signed_in(user):
        return []
    me, others = _people(user)
    people: list[Any] = [*([me] if me else []), *others]
    if not people:
        return []
    found = (
        Entitlement.objects.filter(holder_id__in=people)
        .select_related("holder")
        .order_by("-issued_at", "-pk")
    )
    return [entitlement for entitlement in found if _holds(entitlement, me, others)]


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _refused(user: Any, entitlement_id: Any, attempted: str) -> Http404:
    if _signed_in(user):
        with transaction.atomic():
            audit_record(
                actor=user,
                action=CredentialAction.ACTION_REFUSED,
                subject_type=SUBJECT_TYPE,
                subject_id=str(entitlement_id)[:64] or "-",
                purpose="Refuse an entitlement to someone who may not see it",
                payload={"attempted": attempted, "code": "not_found"},
            )
    return Http404("no such entitlement")


def entitlement_for_holder(*, user: Any, entitlement_id: Any) -> Entitlement:
    """The entitlement if ``user`` holds it or acts for its holder; else ``Http404`` (audited)."""
    key = _as_uuid(entitlement_id)
    found = (
        Entitlement.objects.select_related("holder", "case").filter(pk=key).first() if key else None
    )
    if found is None or not holder_may_act(user, found):
        raise _refused(user, entitlement_id, "see_as_holder")
    return found


# --- staff --------------------------------------------------------------------------------------


def entitlement_for_staff(
    *, user: Any, entitlement_id: Any, permission: str, audit: bool = True
) -> Entitlement:
    """The entitlement if ``user`` has ``permission`` in its agency; else ``Http404`` (audited).

    The read is recorded unless ``audit`` is off: a change posted from the page is audited by
    its service instead, as for cases (``cases.selectors.case_for_staff``)."""
    key = _as_uuid(entitlement_id)
    agencies = staff_scope(user, permission)
    found = (
        Entitlement.objects.select_related("holder", "case")
        .filter(pk=key, agency_slug__in=agencies)
        .first()
        if key and agencies
        else None
    )
    if found is None:
        raise _refused(user, entitlement_id, "see_as_staff")
    if audit:
        _staff_read_recorded(user, found)
    return found


def _staff_read_recorded(user: Any, entitlement: Entitlement) -> None:
    """An officer's read of the page (the holder's documents in full, the history, the checks):
    audited, and on the holder's "who looked at my data", like a case worker's read."""
    from onegate.registries.access import access_record_write
    from onegate.registries.staff import staff_access

    with transaction.atomic():
        audit_record(
            actor=user,
            action=CredentialAction.ENTITLEMENT_VIEWED,
            subject_type=SUBJECT_TYPE,
            subject_id=str(entitlement.pk),
            purpose="Manage an entitlement the agency granted",
            payload={"reference": entitlement.reference},
        )
        access_record_write(
            access=staff_access(
                user=user,
                organisation=entitlement.agency_slug,
                purpose_code="application",
                reference=entitlement.reference,
            ),
            question="entitlement",
            person_ids=[str(entitlement.holder_id)],
            facts=["credentials.entitlement"],
        )


def entitlements_search_for_staff(*, user: Any, q: str, permission: str | None = None) -> list:
    """Entitlements of the staff member's agencies found by reference, passport number or
    national ID (``permission``: ``MANAGE_ENTITLEMENT`` unless given)."""
    from onegate.credentials.verification import passport_number_normalise
    from onegate.identity.permissions import StaffPermission

    agencies = staff_scope(user, permission or StaffPermission.MANAGE_ENTITLEMENT)
    text = (q or "").strip()
    if not agencies or not text:
        return []
    number = passport_number_normalise(text)
    digits = "".join(c for c in text if c.isdigit())
    linked = Q(links__scheme=LinkScheme.PASSPORT, links__value=number) | Q(
        links__scheme=LinkScheme.NATIONAL_ID, links__value=digits or "-"
    )
    found = (
        Entitlement.objects.filter(agency_slug__in=agencies)
        .filter(Q(reference__iexact=text) | Q(case__reference__iexact=text) | linked)
        .select_related("holder")
        .distinct()
        .order_by("-issued_at")
    )
    results = list(found[:SEARCH_LIMIT])
    audit_record(
        actor=user,
        action=CredentialAction.SEARCHED,
        subject_type=SUBJECT_TYPE,
        subject_id=f"{len(results)} found",
        purpose="Find an entitlement the agency granted",
        # the words searched may be a passport or ID number: only a keyed digest is kept
        payload={
            "words_digest": salted_hmac("credentials.search", text).hexdigest(),
            "found": [str(entitlement.pk) for entitlement in results],
        },
    )
    return results
