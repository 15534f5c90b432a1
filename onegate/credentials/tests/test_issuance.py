"""Granting: an approved application issues one entitlement, linked to the right documents, with
a signed credential that verifies offline and carries the holder's claims."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from onegate.audit.models import AuditEvent
from onegate.cases.tests.factories import (  # noqa: F401  (fixture)
    ETA,
    LICENCE,
    demo_services,
    eta_sent,
    open_and_decide,
    run_tasks,
    visitor_account,
)
from onegate.credentials.constants import EntitlementStatus, EventKind, LinkScheme
from onegate.credentials.models import Credential, Entitlement
from onegate.credentials.publishing import status_list_token
from onegate.credentials.selectors import credential_issuer_url, trusted_keys
from onegate.credentials.services import entitlement_issue_for_case
from onegate.credentials.tests.factories import (
    approved_case,
    approved_eta_entitlement,
    child_health_case,
    current_credential,
    verdict_of,
)
from onegate.notify.models import Message
from onegate.registries.models import TravelDocument

pytestmark = pytest.mark.usefixtures("demo_services")


def test_an_approved_eta_grants_one_entitlement_linked_to_the_passport():
    _user, entitlement = approved_eta_entitlement()

    passport = TravelDocument.objects.get(person=entitlement.holder)
    [link] = entitlement.links.all()
    assert (link.scheme, link.value, link.issuing_state) == (
        LinkScheme.PASSPORT,
        passport.number.upper(),
        passport.issuing_state,
    )
    assert entitlement.entitlement_type == "travel-authority"
    assert entitlement.status == EntitlementStatus.ACTIVE
    assert entitlement.valid_from == timezone.localdate(entitlement.case.decided_at)
    assert entitlement.valid_until is not None
    assert (entitlement.valid_until - entitlement.valid_from).days == 729
    assert entitlement.title["en"] == "Electronic travel authority"
    assert [e.kind for e in entitlement.events.all()] == [
        EventKind.ISSUED,
        EventKind.CREDENTIAL_ISSUED,
    ]
    assert entitlement.credentials.count() == 1


def test_issuing_again_changes_nothing():
    _user, entitlement = approved_eta_entitlement()

    again = entitlement_issue_for_case(case_id=str(entitlement.case_id))
    run_tasks()

    assert again == entitlement
    assert Entitlement.objects.filter(case=entitlement.case).count() == 1
    assert Credential.objects.filter(entitlement=entitlement).count() == 1


def test_the_task_running_twice_issues_one_entitlement():
    from onegate.credentials.tasks import entitlement_issue_task

    case = approved_case()
    entitlement_issue_task.enqueue(str(case.pk))
    entitlement_issue_task.enqueue(str(case.pk))
    run_tasks()

    assert Entitlement.objects.filter(case=case).count() == 1
    assert Credential.objects.filter(entitlement__case=case).count() == 1


def test_a_refused_application_grants_nothing():
    application = eta_sent(purpose="work")
    [case] = open_and_decide(application)
    run_tasks()

    assert case.status == "refused"
    assert entitlement_issue_for_case(case_id=str(case.pk)) is None
    assert not Entitlement.objects.exists()


def test_a_driving_licence_is_linked_to_the_national_id():
    case = approved_case(service=LICENCE)
    run_tasks()

    entitlement = Entitlement.objects.get(case=case)
    [link] = entitlement.links.all()
    assert link.scheme == LinkScheme.NATIONAL_ID
    assert link.value == entitlement.holder.national_id
    assert link.issuing_state == "THA"
    assert entitlement.entitlement_type == "driving-licence"


def test_the_credential_verifies_offline_with_the_holders_claims():
    _user, entitlement = approved_eta_entitlement()
    credential = current_credential(entitlement)

    verdict = verdict_of(credential)

    assert verdict.status == "valid", verdict
    holder = entitlement.holder
    assert verdict.issuer == credential_issuer_url()
    assert verdict.vct == f"{credential_issuer_url()}/credentials/types/travel-authority"
    assert verdict.claims["reference"] == entitlement.reference
    assert verdict.claims["given_name"] == holder.given_name_latin
    assert verdict.claims["family_name"] == holder.family_name_latin
    assert verdict.claims["birthdate"] == holder.date_of_birth.isoformat()
    assert verdict.claims["document_number"] == entitlement.links.get().value
    assert verdict.claims["valid_until"] == str(entitlement.valid_until)
    assert verdict.kid == credential.kid and verdict.kid in trusted_keys()


def test_the_holders_claims_are_disclosures_not_plain_claims():
    from onegate_verify.sdjwt import sd_jwt_present, sd_jwt_verify

    _user, entitlement = approved_eta_entitlement()
    token = current_credential(entitlement).token

    shown = sd_jwt_present(token, reveal=["valid_until"])
    read = sd_jwt_verify(shown, keys=trusted_keys(), now=int(time.time()))

    assert read.claims["valid_until"] == str(entitlement.valid_until)
    assert "given_name" not in read.claims and "document_number" not in read.claims
    assert read.claims["entitlement_type"] == "travel-authority"
    assert "given_name" not in read.issuer_payload


def test_the_holder_is_told_and_every_step_is_audited():
    user, entitlement = approved_eta_entitlement()

    told = Message.objects.filter(user=user, event="credentials.issued")
    assert told.exists()
    actions = set(
        AuditEvent.objects.filter(subject_id=str(entitlement.pk)).values_list("action", flat=True)
    )
    assert {"credentials.issued", "credentials.credential_issued"} <= actions


def test_the_status_list_token_says_valid_for_a_new_credential():
    from onegate_verify.statuslist import status_list_token_verify

    _user, entitlement = approved_eta_entitlement()
    credential = current_credential(entitlement)
    token, etag = status_list_token(list_id=credential.status_list_id)

    uri = f"{credential_issuer_url()}/credentials/status/{credential.status_list_id}"
    bits = status_list_token_verify(token, keys=trusted_keys(), uri=uri, now=int(time.time()))
    assert bits.get(credential.status_index) == 0
    assert etag.startswith('"')


def test_a_child_health_card_is_held_by_the_child_and_its_parent_is_told():
    household, case = child_health_case()
    run_tasks()

    entitlement = Entitlement.objects.get(case=case)
    assert entitlement.holder == household.child
    schemes = {link.scheme: link for link in entitlement.links.all()}
    assert set(schemes) == {LinkScheme.PERSON, LinkScheme.NATIONAL_ID}
    assert schemes[LinkScheme.NATIONAL_ID].value == household.child.national_id
    assert entitlement.valid_until is None
    told = Message.objects.filter(user=household.parent_user, event="credentials.issued")
    assert told.exists()
    assert verdict_of(current_credential(entitlement)).claims["national_id"] == (
        household.child.national_id
    )


def test_the_card_ready_message_says_how_clinics_check_it_for_a_child_without_a_thai_id():
    # given a child health card approved (the card is linked to the child's Thai ID, if any:
    # a child who came with a passport has none, and the card is not linked to the passport)
    household, _case = child_health_case()

    # when it is issued
    run_tasks()

    # then the parent's message points to the QR code, not to an ID number or a passport
    ready = Message.objects.filter(
        user=household.parent_user, subject="Your child's health card is ready"
    )
    assert ready.exists()
    for message in ready:
        assert "QR code" in message.body, message.body
        assert "passport" not in message.body
        assert "ID number" not in message.body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_issuing_at_once_make_one_entitlement():
    import threading

    from django.db import connection

    case = approved_case()
    start = threading.Barrier(2)
    issued: list[object] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait(timeout=30)
            issued.append(entitlement_issue_for_case(case_id=str(case.pk)).pk)  # type: ignore[union-attr]
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert len(issued) == 2 and issued[0] == issued[1]
    assert Entitlement.objects.filter(case=case).count() == 1
    assert Credential.objects.filter(entitlement__case=case).count() == 1
