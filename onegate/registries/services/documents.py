"""The travel-document register's writes: recording a passport or identity card from its MRZ.

A document is registered from its machine-readable zone alone, so what is stored is what the
issuing state printed and protected with check digits. The zone must belong to the person it is
registered to: the same date of birth, and names that agree allowing for MRZ truncation and small
differences of romanisation (a Thai name may be spelt one way in the population register and
another in the passport). Expired documents are accepted — the register keeps history — but
specimen documents (issuing state ``UTO``) never are.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

from onegate.audit.constants import RegistryAction
from onegate.audit.services import audit_record
from onegate.core.languages import format_date
from onegate.registries.constants import DocumentType, Sex
from onegate.registries.identifiers import country_code_normalise
from onegate.registries.models import Person, TravelDocument
from onegate.registries.mrz import MachineReadableZone, MRZError, mrz_name, parse_mrz

__all__ = ["travel_document_register"]

# Names at least this similar (rapidfuzz ratio, 0-100) count as the same name spelt differently:
# SOMCHAI and SOMCHAY score 86; unrelated names of similar length score well under 60.
NAME_SIMILARITY = 80

_KINDS = {"P": DocumentType.PASSPORT, "I": DocumentType.IDENTITY_CARD}


def travel_document_register(
    *,
    person: Person,
    mrz: str,
    issued_on: dt.date | None = None,
    actor: AbstractBaseUser | None,
    purpose: str,
) -> TravelDocument:
    """Record the passport or identity card whose MRZ is ``mrz`` as ``person``'s.

    Raises ``MRZError`` when the zone is malformed, fails a check digit or is a specimen, and a
    ``ValidationError`` (translated, with a ``code``) when it is not a passport or identity card,
    does not match the person, has an impossible issue date, or its number is already registered
    for its issuing state. Nothing is written then.
    """
    zone = parse_mrz(mrz)
    document_type = _document_type(zone)
    _check_holder(zone, person)
    _check_issued_on(zone, issued_on)
    issuing_state = country_code_normalise(zone.issuing_state)
    with transaction.atomic():
        if TravelDocument.objects.filter(
            number=zone.document_number, issuing_state=issuing_state
        ).exists():
            raise _duplicate(zone)
        document = _create(
            zone,
            person=person,
            kind=document_type,
            issuing_state=issuing_state,
            issued_on=issued_on,
        )
        audit_record(
            actor=actor,
            action=RegistryAction.TRAVEL_DOCUMENT_REGISTERED,
            subject_type="registries.travel_document",
            subject_id=document.id,
            purpose=purpose,
            payload={
                "person_id": str(person.id),
                "document_type": document_type.value,
                "issuing_state": issuing_state,
            },
        )
        return document


def _create(
    zone: MachineReadableZone,
    *,
    person: Person,
    kind: DocumentType,
    issuing_state: str,
    issued_on: dt.date | None,
) -> TravelDocument:
    try:
        # A savepoint, so losing a race on the unique number leaves the outer transaction usable.
        with transaction.atomic():
            return TravelDocument.objects.create(
                person=person,
                document_type=kind,
                number=zone.document_number,
                issuing_state=issuing_state,
                nationality=country_code_normalise(zone.nationality),
                family_name=zone.family_name,
                given_names=zone.given_names,
                date_of_birth=zone.birth_date,
                sex=zone.sex if zone.sex in Sex.values else Sex.UNSPECIFIED,
                issued_on=issued_on,
                expires_on=zone.expiry_date,
                mrz=zone.text,
            )
    except IntegrityError:
        raise _duplicate(zone) from None


def _document_type(zone: MachineReadableZone) -> DocumentType:
    kind = _KINDS.get(zone.document_code[:1])
    if kind is None:
        raise ValidationError(
            _(
                "Only passports and identity cards can be registered; this document's code "
                "is “%(code)s”."
            ),
            code="document_type",
            params={"code": zone.document_code},
        )
    return kind


def _duplicate(zone: MachineReadableZone) -> ValidationError:
    return ValidationError(
        _("A document numbered %(number)s from %(state)s is already registered."),
        code="duplicate",
        params={"number": zone.document_number, "state": zone.issuing_state},
    )


def _check_holder(zone: MachineReadableZone, person: Person) -> None:
    if zone.birth_date != person.date_of_birth:
        raise ValidationError(
            _(
                "The date of birth in the machine-readable zone (%(document_date)s) is not "
                "this person's date of birth (%(person_date)s)."
            ),
            code="birth_date_mismatch",
            params={
                "document_date": format_date(zone.birth_date),
                "person_date": format_date(person.date_of_birth),
            },
        )
    if not _names_agree(zone, person):
        raise ValidationError(
            _(
                "The name in the machine-readable zone (%(document_name)s) does not match "
                "this person's name (%(person_name)s)."
            ),
            code="name_mismatch",
            params={
                "document_name": f"{zone.family_name}, {zone.given_names}".strip(", "),
                "person_name": f"{person.family_name_latin}, {person.given_name_latin}".strip(", "),
            },
        )


def _names_agree(zone: MachineReadableZone, person: Person) -> bool:
    """Same family name and first given name, allowing for truncation and spelling variants."""
    family, given = _mrz_words(person.family_name_latin), _mrz_words(person.given_name_latin)
    if not family:  # one name only: Doc 9303 writes it as the primary identifier
        family, given = given, ""
    if not _same_name(zone.family_name, family):
        return False
    if not zone.given_names:
        return not given or zone.name_may_be_truncated
    return bool(given) and _same_name(zone.given_names.split()[0], given.split()[0])


def _mrz_words(name: str) -> str:
    try:
        return mrz_name(name).replace("<", " ")
    except MRZError:  # not in Latin script: nothing to compare with
        return ""


def _same_name(in_document: str, in_register: str) -> bool:
    if in_document == in_register:
        return True
    if in_document and in_register.startswith(in_document):  # cut short to fit the MRZ
        return True
    return fuzz.ratio(in_document, in_register) >= NAME_SIMILARITY


def _check_issued_on(zone: MachineReadableZone, issued_on: dt.date | None) -> None:
    if issued_on is None:
        return
    if issued_on > timezone.localdate():
        message, code = _("The date of issue cannot be in the future."), "issued_in_future"
    elif issued_on > zone.expiry_date:
        message, code = _("The date of issue is after the document's expiry date."), "issued_late"
    elif issued_on < zone.birth_date:
        message = _("The date of issue is before the holder's date of birth.")
        code = "issued_before_birth"
    else:
        return
    raise ValidationError(message, code=code)
