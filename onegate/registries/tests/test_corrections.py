"""Correction requests reach the agency that owns the fact, and are answered once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from onegate.audit.models import AuditEvent
from onegate.registries.models import CorrectionRequest
from onegate.registries.services.corrections import (
    correction_request_open,
    correction_request_resolve,
)

pytestmark = pytest.mark.django_db


def test_an_address_correction_goes_to_the_house_register_owner(family):
    request = correction_request_open(
        person=family.parent,
        fact="person.address",
        description="We moved in May.",
        reported_by="u1",
        actor=None,
    )
    assert request.owning_agency == "civil-registration"
    assert request.status == "open"
    assert AuditEvent.objects.filter(
        action="registries.correction_requested", subject_id=str(request.pk)
    ).exists()


def test_a_passport_correction_goes_to_immigration(family):
    request = correction_request_open(
        person=family.visitor,
        fact="person.passport",
        description="Name misspelt",
        reported_by="u2",
        actor=None,
    )
    assert request.owning_agency == "immigration"


@pytest.mark.parametrize(
    ("fact", "description", "field"),
    [
        ("person.shoe_size", "x", "fact"),
        ("person.name", "   ", "description"),
        ("person.name", "x" * 2001, "description"),
    ],
)
def test_bad_requests_name_the_field_and_write_nothing(family, fact, description, field):
    with pytest.raises(ValidationError) as caught:
        correction_request_open(
            person=family.parent, fact=fact, description=description, reported_by="u", actor=None
        )
    assert field in caught.value.message_dict
    assert not CorrectionRequest.objects.exists()


def test_a_request_is_answered_once_with_a_reason(family):
    request = correction_request_open(
        person=family.parent, fact="person.name", description="Typo", reported_by="u1", actor=None
    )
    with pytest.raises(ValidationError):
        correction_request_resolve(
            request_id=request.pk, corrected=True, resolution=" ", actor=None
        )
    done = correction_request_resolve(
        request_id=request.pk, corrected=False, resolution="Matches the birth record", actor=None
    )
    assert done.status == "rejected"
    with pytest.raises(ValidationError, match="already"):
        correction_request_resolve(
            request_id=request.pk, corrected=True, resolution="again", actor=None
        )
