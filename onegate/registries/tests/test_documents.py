"""Registering travel documents from their MRZ, and the factories that make registry records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from onegate.audit.constants import RegistryAction
from onegate.audit.models import AuditEvent
from onegate.registries.constants import DocumentType, ResidenceKind, Sex
from onegate.registries.models import Person, TravelDocument
from onegate.registries.mrz import MRZError, compose_td1, compose_td3, parse_mrz
from onegate.registries.services import documents
from onegate.registries.services.documents import travel_document_register

from .factories import (
    ArrivalRecordFactory,
    FamilyLinkFactory,
    NationalIdCardFactory,
    PersonFactory,
    ResidenceStatusFactory,
    TravelDocumentFactory,
)

pytestmark = pytest.mark.django_db

PURPOSE = "Registering a passport presented at the counter"


def _passport(person: Person, **changes: Any) -> str:
    fields: dict[str, Any] = {
        "document_number": "AA1234567",
        "issuing_state": person.nationality,
        "nationality": person.nationality,
        "family_name": person.family_name_latin,
        "given_names": person.given_name_latin,
        "birth_date": person.date_of_birth,
        "sex": person.sex,
        "expiry_date": timezone.localdate() + dt.timedelta(days=3000),
    }
    return compose_td3(**(fields | changes))


def _register(person: Person, mrz: str, **extra: Any) -> TravelDocument:
    return travel_document_register(person=person, mrz=mrz, actor=None, purpose=PURPOSE, **extra)


def _refusal(person: Person, mrz: str, **extra: Any) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        _register(person, mrz, **extra)
    assert not TravelDocument.objects.exists()
    assert not AuditEvent.objects.filter(
        action=RegistryAction.TRAVEL_DOCUMENT_REGISTERED.value
    ).exists()
    return refused.value


# --- registering ------------------------------------------------------------------------------


def test_a_passport_is_registered_from_its_mrz_with_an_audit_record() -> None:
    person = PersonFactory.create(given_name_latin="Somchai", family_name_latin="Jaidee")
    issued = timezone.localdate() - dt.timedelta(days=30)

    document = _register(person, _passport(person), issued_on=issued)

    document.refresh_from_db()
    assert document.person == person
    assert document.document_type == DocumentType.PASSPORT
    assert (document.number, document.issuing_state, document.nationality) == (
        "AA1234567",
        "THA",
        "THA",
    )
    assert (document.family_name, document.given_names) == ("JAIDEE", "SOMCHAI")
    assert document.date_of_birth == person.date_of_birth
    assert document.issued_on == issued
    assert parse_mrz(document.mrz).document_number == "AA1234567"
    event = AuditEvent.objects.get(action=RegistryAction.TRAVEL_DOCUMENT_REGISTERED.value)
    assert (event.subject_type, event.subject_id, event.purpose) == (
        "registries.travel_document",
        str(document.id),
        PURPOSE,
    )
    assert event.payload == {
        "person_id": str(person.id),
        "document_type": "P",
        "issuing_state": "THA",
    }


def test_a_german_passport_is_stored_with_the_iso_code() -> None:
    person = PersonFactory.create(foreigner=True, nationality="DEU", family_name_latin="Müller")
    mrz = _passport(person)
    assert mrz.startswith("P<D<<MUELLER<<")

    document = _register(person, mrz)

    assert (document.issuing_state, document.nationality) == ("DEU", "DEU")


def test_an_identity_card_is_registered_as_one() -> None:
    person = PersonFactory.create()
    mrz = compose_td1(
        document_number="600001795015",
        issuing_state="BEL",
        nationality="BEL",
        family_name=person.family_name_latin,
        given_names=person.given_name_latin,
        birth_date=person.date_of_birth,
        sex=person.sex,
        expiry_date=timezone.localdate() + dt.timedelta(days=1000),
    )
    document = _register(person, mrz)
    assert (document.document_type, document.number) == (DocumentType.IDENTITY_CARD, "600001795015")


def test_an_expired_passport_is_still_registered() -> None:
    person = PersonFactory.create()
    mrz = _passport(person, expiry_date=timezone.localdate() - dt.timedelta(days=1))
    assert _register(person, mrz).expires_on < timezone.localdate()


def test_an_unspecified_sex_is_stored_as_x() -> None:
    person = PersonFactory.create(sex=Sex.UNSPECIFIED)
    assert _register(person, _passport(person)).sex == Sex.UNSPECIFIED


# --- refusals ---------------------------------------------------------------------------------


def test_a_failed_check_digit_is_refused_and_nothing_is_written() -> None:
    person = PersonFactory.create()
    mrz = _passport(person)
    damaged = mrz[:-1] + str((int(mrz[-1]) + 1) % 10)

    error = _refusal(person, damaged)

    assert isinstance(error, MRZError)
    assert error.fields == ("composite",)


def test_a_line_of_the_wrong_length_is_refused() -> None:
    person = PersonFactory.create()
    error = _refusal(person, _passport(person)[:-1])
    assert isinstance(error, MRZError)
    assert error.fields == ("line_2",)


def test_a_specimen_document_is_refused() -> None:
    person = PersonFactory.create()
    error = _refusal(person, _passport(person, issuing_state="UTO"))
    assert isinstance(error, MRZError)
    assert error.codes == ("specimen_state",)


def test_another_date_of_birth_is_refused() -> None:
    person = PersonFactory.create()
    error = _refusal(person, _passport(person, birth_date=person.date_of_birth - dt.timedelta(1)))
    assert error.code == "birth_date_mismatch"


@pytest.mark.parametrize(
    ("family", "given"),
    [("Saengthong", "Somchai"), ("Jaidee", "Suda"), ("Jaidee", ""), ("", "Somchai")],
)
def test_someone_elses_name_is_refused(family: str, given: str) -> None:
    person = PersonFactory.create(given_name_latin="Somchai", family_name_latin="Jaidee")
    error = _refusal(person, _passport(person, family_name=family, given_names=given))
    assert error.code == "name_mismatch"
    assert "Jaidee, Somchai" in error.messages[0]  # the person's name, to compare with


@pytest.mark.parametrize(
    ("family", "given"),
    [
        ("Jaidee", "Somchay"),  # another romanisation of the same Thai name
        ("Jaidee", "Somchai Michael"),  # a second given name the register does not hold
        ("JAIDEE", "SOMCHAI"),
    ],
)
def test_names_that_roughly_agree_are_accepted(family: str, given: str) -> None:
    person = PersonFactory.create(given_name_latin="Somchai", family_name_latin="Jaidee")
    document = _register(person, _passport(person, family_name=family, given_names=given))
    assert document.family_name == "JAIDEE"


def test_a_name_cut_short_by_the_mrz_is_accepted() -> None:
    person = PersonFactory.create(
        foreigner=True,
        family_name_latin="Wolfeschlegelsteinhausenbergerdorff",
        given_name_latin="Hubert Blaine",
    )
    assert _register(person, _passport(person)).given_names == "HU"


def test_a_person_with_one_name_is_matched() -> None:
    person = PersonFactory.create(foreigner=True, family_name_latin="", given_name_latin="Sukarno")
    assert _register(person, _passport(person)).family_name == "SUKARNO"


def test_a_number_already_registered_for_the_state_is_refused() -> None:
    person = PersonFactory.create()
    _register(person, _passport(person))
    with pytest.raises(ValidationError) as refused:
        _register(person, _passport(person))
    assert refused.value.code == "duplicate"
    assert "AA1234567" in refused.value.messages[0]
    assert TravelDocument.objects.count() == 1


def test_the_same_number_from_another_state_is_a_different_document() -> None:
    person = PersonFactory.create()
    _register(person, _passport(person))
    _register(person, _passport(person, issuing_state="LAO"))
    assert TravelDocument.objects.count() == 2


def test_a_card_that_is_not_a_passport_or_identity_card_is_refused() -> None:
    person = PersonFactory.create()
    mrz = compose_td1(
        document_code="AC",
        document_number="CREW1234",
        issuing_state="THA",
        nationality="THA",
        family_name=person.family_name_latin,
        given_names=person.given_name_latin,
        birth_date=person.date_of_birth,
        sex=person.sex,
        expiry_date=timezone.localdate() + dt.timedelta(days=100),
    )
    error = _refusal(person, mrz)
    assert error.code == "document_type"
    assert "“AC”" in error.messages[0]


@pytest.mark.parametrize(
    ("issued_on", "code"),
    [
        (dt.date.max, "issued_in_future"),
        (dt.date(1900, 1, 1), "issued_before_birth"),
    ],
)
def test_an_impossible_date_of_issue_is_refused(issued_on: dt.date, code: str) -> None:
    person = PersonFactory.create()
    assert _refusal(person, _passport(person), issued_on=issued_on).code == code


def test_a_date_of_issue_after_expiry_is_refused() -> None:
    person = PersonFactory.create()
    expiry = timezone.localdate() - dt.timedelta(days=10)
    mrz = _passport(person, expiry_date=expiry)
    error = _refusal(person, mrz, issued_on=expiry + dt.timedelta(days=1))
    assert error.code == "issued_late"


def test_a_failing_audit_record_leaves_no_document_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    # given an audit log that cannot be written
    def broken_audit(**kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(documents, "audit_record", broken_audit)
    person = PersonFactory.create()

    # when the document is registered
    with pytest.raises(RuntimeError):
        _register(person, _passport(person))

    # then the document row was rolled back with it
    assert not TravelDocument.objects.exists()


# --- factories --------------------------------------------------------------------------------


def test_factory_documents_carry_an_mrz_that_agrees_with_the_row() -> None:
    for document in (
        TravelDocumentFactory.create(),
        TravelDocumentFactory.create(identity_card=True),
    ):
        zone = parse_mrz(document.mrz)
        assert zone.document_number == document.number
        assert zone.birth_date == document.date_of_birth == document.person.date_of_birth
        assert zone.expiry_date == document.expires_on
        assert (zone.family_name, zone.given_names) == (document.family_name, document.given_names)
        assert zone.format == (
            "TD1" if document.document_type == DocumentType.IDENTITY_CARD else "TD3"
        )


def test_factory_document_states() -> None:
    today = timezone.localdate()
    assert TravelDocumentFactory.create(expired=True).expires_on < today
    assert TravelDocumentFactory.create().expires_on > today
    with pytest.raises(MRZError):
        parse_mrz(TravelDocumentFactory.create(damaged_mrz=True).mrz)
    foreign = TravelDocumentFactory.create(
        person=PersonFactory.create(foreigner=True, nationality="DEU")
    )
    assert parse_mrz(foreign.mrz).issuing_state == "D"


def test_factory_people_and_links() -> None:
    citizen = PersonFactory.create()
    assert citizen.national_id and len(citizen.national_id) == 13
    assert citizen.given_name_th and citizen.given_key == citizen.given_name_latin.upper()
    visitor = PersonFactory.create(foreigner=True)
    assert visitor.national_id is None and visitor.nationality != "THA"
    link = FamilyLinkFactory.create()
    assert link.child.date_of_birth > link.adult.date_of_birth
    assert FamilyLinkFactory.create(guardian=True).kind == "guardian"
    card = NationalIdCardFactory.create(expired=True)
    assert card.expires_on is not None and card.expires_on < timezone.localdate()
    visa = ResidenceStatusFactory.create(visa_holder=True)
    assert visa.kind == ResidenceKind.VISA_HOLDER and visa.person.national_id is None
    arrival = ArrivalRecordFactory.create(overstayed=True)
    assert arrival.travel_document.person == arrival.person
    assert arrival.permitted_until is not None and arrival.permitted_until < timezone.localdate()
