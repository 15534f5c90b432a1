"""Prefill: named facts with their value, source and date, read once, never editable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onegate.registries.adapters import adapter_override
from onegate.registries.adapters.base import InvalidQuestion
from onegate.registries.adapters.local import LocalAdapter
from onegate.registries.models import AccessRecord, TravelDocument
from onegate.registries.prefill import prefill_fact_names, prefill_resolve

from .registry_fixtures import TD3_SPECIMEN, self_context, staff_context

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def local_registry():
    with adapter_override(LocalAdapter()):
        yield


def test_the_documented_facts_are_all_offered():
    assert {
        "person.name",
        "person.children",
        "person.address",
        "person.passport",
        "person.date_of_birth",
    } <= set(prefill_fact_names())


def test_facts_come_with_their_register_date_and_owning_agency(family):
    facts = prefill_resolve(
        person_id=family.parent.pk,
        facts=["person.name", "person.date_of_birth", "person.address", "person.children"],
        access=self_context(family.parent),
    )
    assert facts["person.name"].value["given_th"] == "สมชาย"
    assert facts["person.date_of_birth"].value == dt.date(1980, 5, 1)
    assert facts["person.name"].provenance[0].registry == "population"
    assert facts["person.name"].owning_agency == "civil-registration"
    assert facts["person.address"].value["postcode"] == "10200"
    assert [c["name"]["given_latin"] for c in facts["person.children"].value] == ["Malee", "Niran"]
    assert all(not fact.editable for fact in facts.values())
    assert facts["person.children"].as_of is not None


def test_the_person_is_read_once_however_many_of_their_facts_are_asked_for(family):
    prefill_resolve(
        person_id=family.parent.pk,
        facts=["person.name", "person.date_of_birth", "person.sex", "person.nationality"],
        access=staff_context(),
    )
    assert AccessRecord.objects.filter(person=family.parent).count() == 1


def test_the_passport_is_the_valid_one_that_expires_last(family):
    TravelDocument.objects.create(
        person=family.visitor,
        document_type="P",
        number="X7654321",
        issuing_state="GBR",
        nationality="GBR",
        family_name="SMITH",
        given_names="JOHN",
        date_of_birth=family.visitor.date_of_birth,
        sex="M",
        expires_on=timezone.localdate() - dt.timedelta(days=1),
        mrz=TD3_SPECIMEN,
    )
    facts = prefill_resolve(
        person_id=family.visitor.pk, facts=["person.passport"], access=self_context(family.visitor)
    )
    assert facts["person.passport"].value["number"] == "X1234567"
    assert facts["person.passport"].owning_agency == "immigration"


def test_a_person_with_no_passport_gets_an_empty_fact_not_an_error(family):
    facts = prefill_resolve(
        person_id=family.parent.pk, facts=["person.passport"], access=self_context(family.parent)
    )
    assert facts["person.passport"].value is None
    assert facts["person.passport"].provenance == ()


def test_an_unknown_fact_is_refused_by_name(family):
    with pytest.raises(InvalidQuestion, match=r"person\.shoe_size"):
        prefill_resolve(
            person_id=family.parent.pk, facts=["person.shoe_size"], access=staff_context()
        )
