"""Proving identity in person at a service centre: the officer, the desk code, the document."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.identity.constants import LevelOfAssurance, ProofingMethod, StaffRole
from onegate.identity.models import IdentityLink, ProofingOutcome
from onegate.identity.proofing.in_person import SightedDocument, desk_code, desk_code_matches
from onegate.identity.selectors import identity_level
from onegate.identity.services.proofing import identity_prove
from onegate.identity.tests.organisation_fixtures import service_centre, staff_member
from onegate.identity.tests.proofing_support import (  # noqa: F401 (fixture)
    _clean_slate,
    account,
    card_details,
    centre_officer,
    in_person_details,
    thai_person,
    visitor_with_passport,
)
from onegate.registries.constants import AccessorKind
from onegate.registries.models import AccessRecord

pytestmark = pytest.mark.django_db

IN_PERSON = ProofingMethod.IN_PERSON


def check(user, officer, details):
    return identity_prove(account=user, method=IN_PERSON, details=details, officer=officer)


def test_an_officer_checks_an_id_card_and_the_account_reaches_level_high():
    officer, centre = centre_officer()
    person, card = thai_person()
    user = account()
    result = check(user, officer, in_person_details(user, centre, person, card))
    assert result.outcome == ProofingOutcome.PROVED
    assert identity_level(user) == LevelOfAssurance.HIGH
    link = IdentityLink.objects.get(user=user)
    assert link.officer == officer
    assert link.evidence["sighted"] == {
        "document_type": "thai_id_card",
        "number": person.national_id,
        "issuing_state": "",
    }
    assert link.evidence["centre"]["slug"] == "lak-si"
    # the person sees that staff at the centre's agency looked them up, and why
    reads = AccessRecord.objects.filter(person_id=person.pk)
    assert {(r.accessor_kind, r.organisation) for r in reads} == {
        (AccessorKind.STAFF, "service-centres")
    }
    # the audit names the officer as actor, on behalf of the account
    event = AuditEvent.objects.get(action=IdentityAction.IDENTITY_PROVED)
    assert event.actor_id == str(officer.pk)
    assert event.on_behalf_of_id == str(user.pk)


def test_an_officer_checks_a_passport():
    officer, centre = centre_officer()
    person, document = visitor_with_passport()
    user = account()
    details = in_person_details(
        user,
        centre,
        person,
        None,
        document_type=SightedDocument.PASSPORT,
        document_number=document.number,
        issuing_state=document.issuing_state,
        laser_code="",
    )
    assert check(user, officer, details).outcome == ProofingOutcome.PROVED


def test_an_account_proved_online_is_raised_to_high_in_person():
    officer, centre = centre_officer()
    person, card = thai_person()
    user = account()
    identity_prove(
        account=user, method=ProofingMethod.NATIONAL_ID_CARD, details=card_details(person, card)
    )
    result = check(user, officer, in_person_details(user, centre, person, card))
    assert result.outcome == ProofingOutcome.PROVED
    assert IdentityLink.objects.get(user=user).method == IN_PERSON
    assert identity_level(user) == LevelOfAssurance.HIGH


def test_a_wrong_laser_code_tells_the_officer_the_document_does_not_match():
    officer, centre = centre_officer()
    person, card = thai_person()
    user = account()
    result = check(
        user, officer, in_person_details(user, centre, person, card, laser_code="JT9999999999")
    )
    assert result.outcome == ProofingOutcome.NOT_MATCHED
    assert "does not match a current, valid document" in str(result.message)


def test_the_officer_is_told_when_the_registry_records_a_death():
    officer, centre = centre_officer()
    person, card = thai_person(deceased=True)
    user = account()
    result = check(user, officer, in_person_details(user, centre, person, card))
    assert result.outcome == ProofingOutcome.DECEASED
    assert "deceased" in str(result.message)


def test_a_wrong_desk_code_links_nobody():
    officer, centre = centre_officer()
    person, card = thai_person()
    user = account()
    other = account("someone.else@example.test")
    details = in_person_details(user, centre, person, card, desk_code=desk_code(other))
    with pytest.raises(PermissionDenied):
        check(user, officer, details)
    assert not IdentityLink.objects.exists()


def test_the_desk_code_of_the_last_half_hour_still_works_and_older_ones_do_not():
    user = account()
    now = 1_800_000_000.0
    code = desk_code(user, now=now)
    assert desk_code_matches(user, code.lower(), now=now + 29 * 60)
    assert not desk_code_matches(user, code, now=now + 61 * 60)


def test_staff_without_the_permission_cannot_check_identities():
    centre = service_centre("lak-si")
    registrar = staff_member(
        "registrar@example.test", StaffRole.REGISTRY_OFFICER, "civil-registration"
    )
    person, card = thai_person()
    user = account()
    with pytest.raises(PermissionDenied):
        check(user, registrar, in_person_details(user, centre, person, card))
    client = Client()
    client.force_login(registrar)
    assert client.get(reverse("identity:proof_officer")).status_code == 403


def test_an_officer_cannot_prove_their_own_identity():
    officer, centre = centre_officer()
    person, card = thai_person()
    with pytest.raises(PermissionDenied):
        check(officer, officer, in_person_details(officer, centre, person, card))


def test_the_online_methods_are_not_for_officers():
    officer, _centre = centre_officer()
    person, card = thai_person()
    with pytest.raises(PermissionDenied):
        identity_prove(
            account=account(),
            method=ProofingMethod.NATIONAL_ID_CARD,
            details=card_details(person, card),
            officer=officer,
        )


# --- the officer's page ----------------------------------------------------------------------


def officer_client(officer):
    client = Client()
    client.force_login(officer)
    return client


def officer_form(user, centre, person, card, **changes):
    return {
        "centre": str(centre.pk),
        "email": user.email.upper(),
        "desk_code": desk_code(user),
        "document_type": "thai_id_card",
        "document_number": person.national_id,
        "laser_code": card.laser_code,
        "issuing_state": "",
        **changes,
    }


def test_the_officer_page_links_the_account_and_shows_the_person_to_compare():
    officer, centre = centre_officer()
    person, card = thai_person()
    user = account()
    response = officer_client(officer).post(
        reverse("identity:proof_officer"), officer_form(user, centre, person, card)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Identity checked" in page
    assert person.given_name_latin in page and user.email in page
    assert identity_level(user) == LevelOfAssurance.HIGH


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"desk_code": "AAAA-AAAA"}, "do not match an account"),
        ({"email": "nobody@example.test"}, "do not match an account"),
        ({"document_number": "1234567890123"}, "check digit"),
        ({"laser_code": ""}, "Enter the laser code from the back of the card"),
        ({"document_type": "passport", "issuing_state": ""}, "Enter the 3-letter code"),
    ],
)
def test_the_officer_page_refuses_bad_input_with_a_message(changes, message):
    officer, centre = centre_officer()
    person, card = thai_person()
    user = account()
    response = officer_client(officer).post(
        reverse("identity:proof_officer"), officer_form(user, centre, person, card, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IdentityLink.objects.exists()
