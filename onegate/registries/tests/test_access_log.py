"""Every registry read of someone else's data is on that person's access log; your own are not.

The walk covers every question in ``QUESTIONS`` (a new question without a case here fails) and
every prefill fact, so "who looked at my data" covers 100% of registry reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from onegate.audit.models import AuditEvent
from onegate.registries.adapters import adapter_override
from onegate.registries.adapters.base import QUESTIONS, PurposeRequired
from onegate.registries.adapters.local import LocalAdapter
from onegate.registries.models import AccessRecord
from onegate.registries.prefill import prefill_fact_names, prefill_resolve

from .registry_fixtures import Family, self_context, staff_context

pytestmark = pytest.mark.django_db

# question → (call, the people whose access logs must show it)
Case = Callable[[LocalAdapter, Family, Any], tuple[Any, list]]

CASES: dict[str, Case] = {
    "person_get": lambda a, f, c: (a.person_get(person_id=str(f.parent.pk), access=c), [f.parent]),
    "person_find": lambda a, f, c: (
        a.person_find(scheme="national_id", value=str(f.parent.national_id), access=c),
        [f.parent],
    ),
    "people_search": lambda a, f, c: (
        a.people_search(name="jaidee", access=c),
        [f.parent, f.elder, f.child],
    ),
    "children_of": lambda a, f, c: (
        a.children_of(person_id=str(f.parent.pk), access=c),
        [f.parent, f.elder, f.child],
    ),
    "guardians_of": lambda a, f, c: (
        a.guardians_of(person_id=str(f.child.pk), access=c),
        [f.child, f.parent],
    ),
    "travel_documents_of": lambda a, f, c: (
        a.travel_documents_of(person_id=str(f.visitor.pk), access=c),
        [f.visitor],
    ),
    "current_address": lambda a, f, c: (
        a.current_address(person_id=str(f.parent.pk), access=c),
        [f.parent],
    ),
    "residence_on": lambda a, f, c: (
        a.residence_on(person_id=str(f.parent.pk), on=timezone.localdate(), access=c),
        [f.parent],
    ),
    "document_belongs_to": lambda a, f, c: (
        a.document_belongs_to(
            person_id=str(f.visitor.pk), number="X1234567", issuing_state="GBR", access=c
        ),
        [f.visitor],
    ),
    "id_card_matches": lambda a, f, c: (
        a.id_card_matches(
            national_id=str(f.parent.national_id), laser_code="JT0123456789", access=c
        ),
        [f.parent],
    ),
}


def test_every_question_has_a_case_here():
    assert set(CASES) == set(QUESTIONS)


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_read_for_someone_else_is_on_the_access_log_of_each_person_returned(family, question):
    # given a staff member with a stated purpose
    access = staff_context(purpose="Processing an application")
    # when they ask the question
    _, subjects = CASES[question](LocalAdapter(), family, access)
    # then each person whose data was read has an access record saying who, where from and why
    for subject in subjects:
        record = AccessRecord.objects.filter(person=subject).latest("created_at")
        assert record.purpose == "Processing an application"
        assert record.organisation == "civil-registration"
        assert record.accessor_label == "officer@example.test"
        assert record.accessor_kind == "staff"
        assert record.facts
    # and the read is in the audit log too
    assert AuditEvent.objects.filter(
        action="registries.data_read", payload__question=question
    ).exists()


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_question_without_a_purpose_is_refused_before_reading(family, question):
    with pytest.raises(PurposeRequired):
        CASES[question](LocalAdapter(), family, staff_context(purpose=""))
    assert not AccessRecord.objects.exists()


def test_reading_your_own_record_is_not_logged_but_your_childrens_records_are(family):
    LocalAdapter().person_get(person_id=str(family.parent.pk), access=self_context(family.parent))
    assert not AccessRecord.objects.filter(person=family.parent).exists()
    LocalAdapter().children_of(person_id=str(family.parent.pk), access=self_context(family.parent))
    assert not AccessRecord.objects.filter(person=family.parent).exists()
    (child_record,) = AccessRecord.objects.filter(person=family.child)
    assert "person.name" in child_record.facts
    assert child_record.accessor_kind == "self"  # the parent, reading as themselves


@pytest.mark.parametrize("fact", prefill_fact_names())
def test_every_prefill_fact_done_for_someone_else_is_logged(family, fact):
    subject = family.visitor if "document" in fact or fact == "person.passport" else family.parent
    with adapter_override(LocalAdapter()):
        prefill_resolve(
            person_id=str(subject.pk), facts=[fact], access=staff_context(purpose="Prefill a form")
        )
    assert AccessRecord.objects.filter(person=subject, purpose="Prefill a form").exists()


def test_a_failed_transaction_takes_its_access_records_with_it(family):
    from django.db import transaction

    def read_then_fail() -> None:
        with transaction.atomic():
            LocalAdapter().person_get(person_id=str(family.parent.pk), access=staff_context())
            raise RuntimeError("the caller failed after reading")

    with pytest.raises(RuntimeError):
        read_then_fail()
    assert not AccessRecord.objects.exists()
