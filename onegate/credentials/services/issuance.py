"""Granting: the entitlement an approved case issues, and its signed credentials (SD-JWT VC).

``entitlement_issue_for_case`` runs from ``tasks.entitlement_issue_task`` after a decision to
approve; it is idempotent under retries and concurrency (the case row locked, one entitlement per
case by a one-to-one constraint). What the entitlement is, for how long and what it is linked to
come from the case's pinned definition (``issues``); the documents from the facts the rules read.
``credential_issue`` signs one credential with the active key and a fresh status list index.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from onegate.audit.constants import CredentialAction
from onegate.audit.services import audit_record
from onegate.cases.constants import CaseStatus
from onegate.cases.models import Case
from onegate.credentials.constants import EntitlementStatus, EventKind, LinkScheme
from onegate.credentials.models import (
    Credential,
    Entitlement,
    EntitlementLink,
    IssuerKey,
)
from onegate.credentials.services._common import (
    HOLDER_LABEL,
    SUBJECT_TYPE,
    SYSTEM_LABEL,
    _event_add,
    _refused,
)
from onegate.credentials.services.keys import issuer_key_active
from onegate.credentials.services.status_lists import _index_allocate
from onegate.credentials.verification import passport_number_normalise
from onegate.definitions.language.model import Issues
from onegate.definitions.selectors import definition_version_compiled
from onegate.registries.constants import DocumentStatus, DocumentType
from onegate.registries.identifiers import country_code_normalise, thai_national_id_normalise
from onegate.registries.models import Person, TravelDocument
from onegate.runner.references import reference_new

__all__ = ["credential_issue", "entitlement_issue_for_case"]

logger = logging.getLogger(__name__)

REFERENCE_TRIES = 8
OPEN_ENDED = dt.timedelta(days=5 * 365)  # a credential for an entitlement without an end date
# Holder claims a holder may choose to show or keep back (SD-JWT disclosures).
DISCLOSABLE = (
    "given_name",
    "family_name",
    "birthdate",
    "nationality",
    "document_number",
    "issuing_state",
    "national_id",
    "valid_until",
    "conditions",
    "title",
)


# --- the entitlement ----------------------------------------------------------------------------


def entitlement_issue_for_case(*, case_id: str) -> Entitlement | None:
    """The entitlement the approved case grants, issued once with its first credential; the
    existing one when issued before; None when the case is not approved or grants nothing."""
    existing = Entitlement.objects.filter(case_id=case_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _issued(case_id)
    except IntegrityError:  # another worker issued it between our read and our insert
        return Entitlement.objects.filter(case_id=case_id).first()


def _issued(case_id: str) -> Entitlement | None:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("definition_version", "user")
        .defer("definition_version__source")
        .get(pk=case_id)
    )
    existing = Entitlement.objects.filter(case_id=case.pk).first()
    if existing is not None:
        return existing
    if case.status != CaseStatus.APPROVED or case.decided_at is None:
        return None
    issues = definition_version_compiled(version_id=case.definition_version_id).model.issues
    if issues is None:
        return None
    holder = Person.objects.get(pk=case.subject_person_id)
    entitlement = _entitlement_new(case, issues, holder)
    _links_add(entitlement, issues, case, holder)
    _event_add(entitlement, kind=EventKind.ISSUED, actor_label=SYSTEM_LABEL,
              to_status=EntitlementStatus.ACTIVE)  # fmt: skip
    audit_record(
        actor=None,
        action=CredentialAction.ISSUED,
        subject_type=SUBJECT_TYPE,
        subject_id=str(entitlement.pk),
        purpose="Grant what an approved application gives",
        payload={"case": case.reference, "type": entitlement.entitlement_type},
    )
    credential_issue(entitlement=entitlement)
    from onegate.credentials.notifications import ISSUED, entitlement_message

    entitlement_message(entitlement=entitlement, event=ISSUED)
    return entitlement


def _reference_new() -> str:
    for _attempt in range(REFERENCE_TRIES):
        reference = reference_new()
        if not Entitlement.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("no free entitlement reference after several tries")


def _names(case: Case, holder: Person) -> dict[str, str]:
    latin = f"{holder.given_name_latin} {holder.family_name_latin}".strip()
    thai = f"{holder.given_name_th} {holder.family_name_th}".strip()
    names = {"en": latin, "th": thai or latin}
    return {**names, **{k: v for k, v in (case.subject_names or {}).items() if v}}


def _entitlement_new(case: Case, issues: Issues, holder: Person) -> Entitlement:
    now = timezone.now()
    valid_from = timezone.localdate(case.decided_at or now)
    return Entitlement.objects.create(
        reference=_reference_new(),
        entitlement_type=issues.entitlement_type,
        title=dict(issues.title),
        holder=holder,
        holder_names=_names(case, holder),
        case=case,
        service_slug=case.service_slug,
        agency_slug=case.agency_slug,
        definition_version=case.definition_version.number or 0,
        valid_from=valid_from,
        valid_until=_last_valid_day(case, issues, valid_from),
        conditions=[],  # a definition's ``issues`` has no conditions (yet)
        status=EntitlementStatus.ACTIVE,
        status_changed_at=now,
        issued_at=now,
    )


def _last_valid_day(case: Case, issues: Issues, valid_from: dt.date) -> dt.date | None:
    """The definition's validity, cut short by the linked passport's expiry: an entitlement
    attached to a passport ends with it (the ETA's approval message says so)."""
    last_day = issues.last_valid_day(valid_from)
    if LinkScheme.PASSPORT not in issues.linked_to:
        return last_day
    facts = ((case.rules or {}).get("inputs") or {}).get("facts") or {}
    passport = facts.get("passport")
    if not isinstance(passport, dict):
        return last_day
    expires_on = passport.get("expires_on")
    if isinstance(expires_on, dict):  # the frozen facts keep dates as {"$date": "YYYY-MM-DD"}
        expires_on = expires_on.get("$date")
    try:
        expires = dt.date.fromisoformat(str(expires_on))
    except ValueError:
        return last_day
    return expires if last_day is None else min(last_day, expires)


def _passport_of(case: Case, holder: Person) -> tuple[str, str] | None:
    """(number, issuing state) of the passport the application used (the facts the rules read),
    else the holder's newest valid passport; normalised."""
    facts = ((case.rules or {}).get("inputs") or {}).get("facts") or {}
    used = facts.get("passport") if isinstance(facts.get("passport"), dict) else None
    if used and used.get("number") and used.get("issuing_state"):
        return passport_number_normalise(used["number"]), country_code_normalise(
            str(used["issuing_state"])
        )
    newest = (
        TravelDocument.objects.filter(
            person=holder,
            document_type=DocumentType.PASSPORT,
            status=DocumentStatus.VALID,
            expires_on__gte=timezone.localdate(),
        )
        .order_by("-expires_on")
        .first()
    )
    if newest is None:
        return None
    return passport_number_normalise(newest.number), newest.issuing_state


def _links_add(entitlement: Entitlement, issues: Issues, case: Case, holder: Person) -> None:
    for scheme in dict.fromkeys(issues.linked_to):
        if scheme == LinkScheme.PASSPORT:
            found = _passport_of(case, holder)
            if found is None:
                logger.warning("entitlement %s: no passport to link", entitlement.pk)
                continue
            value, state = found
        elif scheme == LinkScheme.NATIONAL_ID:
            if not holder.national_id:
                logger.warning("entitlement %s: no national ID to link", entitlement.pk)
                continue
            value, state = thai_national_id_normalise(holder.national_id), "THA"
        else:
            value, state = str(holder.pk), ""
        EntitlementLink.objects.create(
            entitlement=entitlement,
            scheme=scheme,
            issuing_state=state,
            value=value,
            entitlement_type=entitlement.entitlement_type,
        )


# --- the credential -----------------------------------------------------------------------------


def _moment(day: dt.date) -> dt.datetime:
    """The start of ``day`` in Bangkok."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _expires_at(entitlement: Entitlement, now: dt.datetime) -> dt.datetime:
    if entitlement.valid_until is None:
        return now + OPEN_ENDED
    return _moment(entitlement.valid_until + dt.timedelta(days=1))  # the end of its last day


def _claims(
    entitlement: Entitlement, *, now: dt.datetime, expires: dt.datetime, status: dict[str, Any]
) -> dict[str, Any]:
    from onegate.credentials.selectors import credential_issuer_url

    issuer = credential_issuer_url()
    holder = entitlement.holder
    claims: dict[str, Any] = {
        "iss": issuer,
        "vct": f"{issuer}/credentials/types/{entitlement.entitlement_type}",
        "iat": int(now.timestamp()),
        "nbf": int(_moment(entitlement.valid_from).timestamp()),
        "exp": int(expires.timestamp()),
        "status": status,
        "entitlement_type": entitlement.entitlement_type,
        "reference": entitlement.reference,
        "given_name": holder.given_name_latin,
        "family_name": holder.family_name_latin,
        "birthdate": holder.date_of_birth.isoformat(),
        "nationality": holder.nationality,
        "valid_until": entitlement.valid_until.isoformat() if entitlement.valid_until else None,
        "conditions": list(entitlement.conditions or []),
        "title": dict(entitlement.title),
    }
    for link in entitlement.links.all():
        if link.scheme == LinkScheme.PASSPORT and "document_number" not in claims:
            claims["document_number"], claims["issuing_state"] = link.value, link.issuing_state
        elif link.scheme == LinkScheme.NATIONAL_ID:
            claims["national_id"] = link.value
    return {name: value for name, value in claims.items() if value is not None}


def credential_issue(*, entitlement: Entitlement, actor: Any = None) -> Credential:
    """Sign a new credential for the active ``entitlement`` (the holder's claims disclosable),
    with a fresh index in a status list; its history line and audit record."""
    from onegate.credentials.publishing import status_list_uri
    from onegate_verify.sdjwt import sd_jwt_issue

    if entitlement.status != EntitlementStatus.ACTIVE:
        raise _refused("state", status=EntitlementStatus(entitlement.status).label)
    with transaction.atomic():
        key = issuer_key_active()
        status_list, index = _index_allocate()
        now = timezone.now()
        expires = _expires_at(entitlement, now)
        status = {"status_list": {"idx": index, "uri": status_list_uri(status_list.pk)}}
        claims = _claims(entitlement, now=now, expires=expires, status=status)
        token = sd_jwt_issue(
            claims=claims,
            disclosable=[name for name in DISCLOSABLE if name in claims],
            private_jwk=key.private_jwk,
            kid=key.kid,
        )
        credential = Credential.objects.create(
            entitlement=entitlement,
            vct=claims["vct"],
            kid=key.kid,
            status_list=status_list,
            status_index=index,
            issued_at=now,
            expires_at=expires,
            token=token,
        )
        # Rotated while signing: the retired key stays published until this one expires too.
        IssuerKey.objects.filter(kid=key.kid, is_active=False, keep_until__lt=expires).update(
            keep_until=expires
        )
        _event_add(entitlement, kind=EventKind.CREDENTIAL_ISSUED, actor=actor,
                  actor_label=SYSTEM_LABEL if actor is None else HOLDER_LABEL)  # fmt: skip
        audit_record(
            actor=actor,
            action=CredentialAction.CREDENTIAL_ISSUED,
            subject_type=SUBJECT_TYPE,
            subject_id=str(entitlement.pk),
            purpose="Sign a digital credential for an entitlement",
            payload={"credential": str(credential.pk), "kid": key.kid},
        )
    return credential
