"""Proving identity online with a passport: typed details or the machine-readable zone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onegate.identity.constants import LevelOfAssurance, ProofingMethod
from onegate.identity.forms_proofing import PassportForm, PassportZoneForm
from onegate.identity.models import IdentityLink, ProofingOutcome
from onegate.identity.selectors import identity_level
from onegate.identity.services.proofing import identity_prove
from onegate.identity.tests.proofing_support import (  # noqa: F401 (fixture)
    _clean_slate,
    account,
    passport_details,
    visitor_with_passport,
)
from onegate.registries.tests.factories import PersonFactory, TravelDocumentFactory

pytestmark = pytest.mark.django_db

PASSPORT = ProofingMethod.PASSPORT
NOT_MATCHED = (
    "We could not match these details to a valid passport. Check the details on your passport's "
    "photo page and try again, or prove your identity at a service centre."
)


def prove(user, details):
    return identity_prove(account=user, method=PASSPORT, details=details)


def test_a_visitor_proves_who_they_are_with_their_passport_details():
    person, document = visitor_with_passport()
    user = account()
    result = prove(user, passport_details(document))
    assert result.outcome == ProofingOutcome.PROVED
    assert identity_level(user) == LevelOfAssurance.SUBSTANTIAL
    link = IdentityLink.objects.get(user=user)
    assert str(link.person_id) == str(person.pk)
    assert link.evidence["register"] == "travel_documents"
    assert link.evidence["entered_as"] == "details"
    assert "expiry_date" in link.evidence["checked"]


def test_the_machine_readable_zone_pasted_proves_it_too():
    _person, document = visitor_with_passport()
    form = PassportZoneForm({"mrz": document.mrz.lower() + "\n"})
    assert form.is_valid(), form.errors
    result = prove(account(), form.details())
    assert result.outcome == ProofingOutcome.PROVED
    assert IdentityLink.objects.get().evidence["entered_as"] == "mrz"


@pytest.mark.parametrize("typed", ["Müller", "MUELLER", "muller"])
def test_an_accented_name_matches_however_it_is_typed(typed):
    person = PersonFactory(foreigner=True, given_name_latin="Anna", family_name_latin="Müller")
    document = TravelDocumentFactory(person=person, family_name="Müller", given_names="Anna")
    assert prove(account(), passport_details(document, family_name=typed)).proved


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"number": "Z99999999"}, id="unknown-number"),
        pytest.param(
            {"issuing_state": "ITA"}, id="other-issuing-country"
        ),  # no factory visitor is Italian
        pytest.param({"given_names": "SOMEONE"}, id="wrong-given-names"),
        pytest.param({"family_name": "ELSE"}, id="wrong-surname"),
        pytest.param({"date_of_birth": dt.date(1950, 1, 1)}, id="wrong-date-of-birth"),
        pytest.param({"expiry_date": dt.date(2040, 1, 1)}, id="wrong-expiry"),
    ],
)
def test_every_wrong_detail_gets_the_same_message(change):
    _person, document = visitor_with_passport()
    result = prove(account(), passport_details(document, **change))
    assert result.outcome == ProofingOutcome.NOT_MATCHED
    assert str(result.message) == NOT_MATCHED


@pytest.mark.parametrize("trait", ["expired", "lost", "cancelled"])
def test_a_passport_that_is_not_valid_proves_nothing(trait):
    _person, document = visitor_with_passport(**{trait: True})
    result = prove(account(), passport_details(document))
    assert result.outcome == ProofingOutcome.NOT_MATCHED


# --- bad input, refused by the form with a message naming the field --------------------------


def passport_form(**changes):
    expiry = timezone.localdate() + dt.timedelta(days=900)
    data = {
        "number": "927184536",
        "issuing_state": "GBR",
        "given_names": "Emily",
        "family_name": "Clarke",
        "date_of_birth_day": "12",
        "date_of_birth_month": "8",
        "date_of_birth_year": "1994",
        "expiry_date_day": str(expiry.day),
        "expiry_date_month": str(expiry.month),
        "expiry_date_year": str(expiry.year),
        **changes,
    }
    return PassportForm(data)


def test_good_typed_details_are_read_into_the_service_s_terms():
    form = passport_form(number="927 184 536", issuing_state="gbr")
    assert form.is_valid(), form.errors
    details = form.details()
    assert (details.number, details.issuing_state) == ("927184536", "GBR")
    assert details.date_of_birth == dt.date(1994, 8, 12)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"date_of_birth_day": "31", "date_of_birth_month": "2"},
            "date_of_birth_day",
            "Enter a real date",
        ),
        ({"date_of_birth_year": "94"}, "date_of_birth_day", "Enter the year as 4 digits"),
        ({"date_of_birth_month": ""}, "date_of_birth_day", "Enter a day, a month and a year"),
        (
            {"date_of_birth_year": "2999"},
            "date_of_birth_day",
            "Your date of birth must be in the past",
        ),
        ({"expiry_date_year": "2020"}, "expiry_date_day", "This passport has expired"),
        ({"issuing_state": "XYZ"}, "issuing_state", "“XYZ” is not a country code"),
        ({"issuing_state": "UTO"}, "issuing_state", "specimen documents are not accepted"),
        ({"family_name": "คลาร์ก"}, "family_name", "in Latin letters"),
        ({"number": "927-184"}, "number", "only letters and digits"),
    ],
)
def test_bad_typed_details_are_refused_naming_the_field(changes, field, message):
    form = passport_form(**changes)
    assert not form.is_valid()
    assert message in " ".join(map(str, form.errors[field]))


def test_a_buddhist_era_year_is_read_as_one():
    form = passport_form(date_of_birth_year="2537")
    assert form.is_valid(), form.errors
    assert form.details().date_of_birth == dt.date(1994, 8, 12)


def test_an_mrz_with_a_bad_check_digit_is_refused_naming_the_check():
    _person, document = visitor_with_passport(damaged_mrz=True)
    form = PassportZoneForm({"mrz": document.mrz})
    assert not form.is_valid()
    assert "check digit" in " ".join(map(str, form.errors["mrz"])).lower()


def test_an_mrz_of_the_wrong_length_is_refused():
    form = PassportZoneForm({"mrz": "P<GBRCLARKE<<EMILY\n9271845360GBR9408129F"})
    assert not form.is_valid()
    assert form.errors["mrz"]


def test_an_expired_passport_s_mrz_is_refused_before_any_check():
    _person, document = visitor_with_passport(expired=True)
    form = PassportZoneForm({"mrz": document.mrz})
    assert not form.is_valid()
    assert "This passport has expired" in " ".join(map(str, form.errors["mrz"]))


def test_mrz_errors_are_translated_into_thai():
    from django.utils import translation

    _person, document = visitor_with_passport(damaged_mrz=True)
    with translation.override("th"):
        form = PassportZoneForm({"mrz": document.mrz})
        assert not form.is_valid()
        text = " ".join(map(str, form.errors["mrz"]))
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in text), text
