"""The local adapter answers every registry question with provenance and refuses bad questions."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

import pytest
from django.utils import timezone

from onegate.registries.adapters.base import Answer, InvalidQuestion, PurposeRequired
from onegate.registries.adapters.local import LocalAdapter
from onegate.registries.constants import IdentifierScheme
from onegate.registries.models import AccessRecord, TravelDocument

from .registry_fixtures import national_id, person, staff_context

pytestmark = pytest.mark.django_db
T = TypeVar("T")

adapter = LocalAdapter()


def found(answer: Answer[T] | None) -> Answer[T]:
    assert answer is not None, "the registry found nothing"
    return answer


def test_a_person_is_found_by_national_id_with_provenance(family):
    answer = found(
        adapter.person_find(
            scheme=IdentifierScheme.NATIONAL_ID,
            value=family.parent.national_id,
            access=staff_context(),
        )
    )
    assert answer.value.given_name_latin == "Somchai"
    assert answer.provenance.registry == "population"
    assert answer.provenance.record == str(family.parent.pk)
    assert answer.provenance.as_of == family.parent.updated_at


def test_national_id_with_spaces_is_found_and_a_bad_check_digit_is_refused(family):
    spaced = " ".join([family.parent.national_id[:1], family.parent.national_id[1:]])
    assert (
        adapter.person_find(scheme="national_id", value=spaced, access=staff_context()) is not None
    )
    bad = family.parent.national_id[:-1] + str((int(family.parent.national_id[-1]) + 1) % 10)
    with pytest.raises(InvalidQuestion, match="13-digit"):
        adapter.person_find(scheme="national_id", value=bad, access=staff_context())


def test_a_visitor_is_found_by_passport_number_and_issuing_state(family):
    visitor = found(
        adapter.person_find(
            scheme="travel_document",
            value="x1234567".upper(),
            issuing_state="gbr",
            access=staff_context(),
        )
    )
    assert visitor.value.id == str(family.visitor.pk)
    assert (
        adapter.person_find(
            scheme="travel_document", value="X1234567", issuing_state="AUS", access=staff_context()
        )
        is None
    )


def test_children_come_with_the_legal_basis_of_the_link(family):
    children = adapter.children_of(person_id=str(family.parent.pk), access=staff_context())
    assert [c.value.person.given_name_latin for c in children] == ["Malee", "Niran"]  # eldest first
    assert {c.value.source for c in children} == {"birth_registration"}
    guardians = adapter.guardians_of(person_id=str(family.child.pk), access=staff_context())
    assert [g.value.person.id for g in guardians] == [str(family.parent.pk)]


def test_an_ended_guardianship_is_not_returned(family):
    family.link.valid_until = dt.date(2020, 1, 1)
    family.link.save()
    names = [
        c.value.person.given_name_latin
        for c in adapter.children_of(person_id=str(family.parent.pk), access=staff_context())
    ]
    assert names == ["Niran"]


def test_residence_on_a_day_says_whether_the_person_is_resident(family):
    today = timezone.localdate()
    parent = found(
        adapter.residence_on(person_id=str(family.parent.pk), on=today, access=staff_context())
    )
    assert parent.value.resident
    visitor = found(
        adapter.residence_on(person_id=str(family.visitor.pk), on=today, access=staff_context())
    )
    assert visitor.value.kind == "visitor"
    assert not visitor.value.resident
    assert (
        adapter.residence_on(
            person_id=str(family.visitor.pk), on=dt.date(2000, 1, 1), access=staff_context()
        )
        is None
    )


def test_document_ownership_and_validity(family):
    mine = adapter.document_belongs_to(
        person_id=str(family.visitor.pk),
        number="X1234567",
        issuing_state="GBR",
        access=staff_context(),
    )
    assert (mine.value.belongs, mine.value.valid) == (True, True)
    not_mine = adapter.document_belongs_to(
        person_id=str(family.parent.pk),
        number="X1234567",
        issuing_state="GBR",
        access=staff_context(),
    )
    assert not not_mine.value.belongs


def test_id_card_check_needs_the_laser_code_of_the_valid_card(family):
    nid = family.parent.national_id
    assert adapter.id_card_matches(
        national_id=nid, laser_code="JT0-1234567-89", access=staff_context()
    ).value
    assert not adapter.id_card_matches(
        national_id=nid, laser_code="JT0123456788", access=staff_context()
    ).value


def test_name_search_matches_word_prefixes_in_either_script_and_order(family):
    def names(query, **kw):
        return {
            a.value.given_name_latin
            for a in adapter.people_search(name=query, access=staff_context(), **kw)
        }

    assert names("jaidee som") == {"Somchai"}
    assert names("Jai") == {"Somchai", "Malee", "Niran"}
    assert names("สมชาย") == {"Somchai"}
    assert names("jaidee", date_of_birth=family.child.date_of_birth) == {"Niran"}
    assert names("x") == set()  # too short to search on


def test_the_current_address_resolves_its_divisions_in_both_languages(family):
    answer = found(adapter.current_address(person_id=str(family.parent.pk), access=staff_context()))
    assert answer.value.province["en"] == "Bangkok"
    assert answer.value.province["th"] == "กรุงเทพมหานคร"
    assert answer.provenance.registry == "addresses"


def test_a_question_without_a_purpose_is_refused_and_nothing_is_recorded(family):
    with pytest.raises(PurposeRequired):
        adapter.person_get(person_id=str(family.parent.pk), access=staff_context(purpose="  "))
    assert not AccessRecord.objects.exists()


def test_a_malformed_person_reference_is_an_invalid_question(family):
    with pytest.raises(InvalidQuestion):
        adapter.children_of(person_id="not-a-uuid", access=staff_context())


@pytest.mark.django_db(transaction=True)
def test_questions_about_nobody_read_nothing_and_write_nothing():
    # Committed for real (transaction=True), so a dangling access record would fail the FK check.
    nobody = "00000000-0000-4000-8000-000000000000"
    access = staff_context()
    assert adapter.person_get(person_id=nobody, access=access) is None
    assert adapter.children_of(person_id=nobody, access=access) == []
    assert adapter.guardians_of(person_id=nobody, access=access) == []
    assert adapter.travel_documents_of(person_id=nobody, access=access) == []
    assert adapter.current_address(person_id=nobody, access=access) is None
    assert adapter.residence_on(person_id=nobody, on=timezone.localdate(), access=access) is None
    assert not AccessRecord.objects.exists()


def test_yes_no_checks_do_not_reveal_who_exists(family):
    unknown_id = national_id("110170099999")
    access = staff_context()
    assert (
        adapter.id_card_matches(
            national_id=unknown_id, laser_code="JT0123456789", access=access
        ).value
        is False
    )
    nobody = "00000000-0000-4000-8000-000000000000"
    answer = adapter.document_belongs_to(
        person_id=nobody, number="X1234567", issuing_state="GBR", access=access
    )
    assert (answer.value.belongs, answer.value.valid) == (False, False)


def test_a_german_passport_is_found_by_the_d_printed_in_it(family):
    TravelDocument.objects.filter(number="X1234567").update(issuing_state="DEU")
    visitor = found(
        adapter.person_find(
            scheme="travel_document", value="X1234567", issuing_state="D", access=staff_context()
        )
    )
    assert visitor.value.id == str(family.visitor.pk)
    with pytest.raises(InvalidQuestion, match="not a country code"):
        adapter.person_find(
            scheme="travel_document", value="X1234567", issuing_state="QQQ", access=staff_context()
        )


def test_name_search_returns_the_first_people_in_name_order(family):
    for given in ("Zed", "Abe", "Kit"):
        person(given, "Jaidee", dt.date(1990, 1, 1))
    names = [
        a.value.given_name_latin
        for a in adapter.people_search(name="jaidee", limit=3, access=staff_context())
    ]
    assert names == ["Abe", "Kit", "Malee"]
