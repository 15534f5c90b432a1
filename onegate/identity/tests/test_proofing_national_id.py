"""Proving identity online with a Thai ID card, against the demo registry's tables."""

from __future__ import annotations

import datetime as dt

import pytest

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.identity.constants import LevelOfAssurance, ProofingMethod
from onegate.identity.models import IdentityLink, ProofingAttempt, ProofingOutcome
from onegate.identity.selectors import identity_level, person_id_for
from onegate.identity.services import proofing as proofing_services
from onegate.identity.services.proofing import identity_prove
from onegate.identity.tests.proofing_support import (  # noqa: F401 (fixture)
    _clean_slate,
    account,
    card_details,
    thai_person,
)
from onegate.registries.adapters import RegistryUnavailable, adapter_override
from onegate.registries.adapters.local import LocalAdapter
from onegate.registries.models import AccessRecord
from onegate.registries.tests.factories import (
    NationalIdCardFactory,
    PersonFactory,
    national_id_for,
)

pytestmark = pytest.mark.django_db

CARD = ProofingMethod.NATIONAL_ID_CARD
NOT_MATCHED = (
    "We could not match these details to a valid Thai ID card. Check the details on your card "
    "and try again, or prove your identity at a service centre."
)


def prove(user, details):
    return identity_prove(account=user, method=CARD, details=details)


def test_the_right_card_details_link_the_account_at_level_substantial():
    # given a citizen with a valid card, and their new account
    person, card = thai_person()
    user = account()
    # when they type the details from their card
    result = prove(user, card_details(person, card))
    # then the account is theirs, at level substantial, with what was checked on record
    assert result.outcome == ProofingOutcome.PROVED
    assert str(result.message) == "Your identity is proved."
    assert person_id_for(user) == str(person.pk)
    assert identity_level(user) == LevelOfAssurance.SUBSTANTIAL
    link = IdentityLink.objects.get(user=user)
    assert link.method == CARD
    assert link.evidence["checked"] == ["national_id", "names", "date_of_birth", "laser_code"]
    assert link.evidence["register"] == "id_cards"
    assert link.evidence["record"] == str(card.pk)
    assert "image" not in str(link.evidence) and "photo" not in str(link.evidence)


def test_the_check_is_in_the_persons_who_looked_at_my_data():
    person, card = thai_person()
    prove(account(), card_details(person, card))
    reads = AccessRecord.objects.filter(person_id=person.pk).order_by("created_at")
    assert [r.organisation for r in reads] == ["identity", "identity"]
    assert {r.purpose for r in reads} == {"Identity proofing requested by the person"}
    assert ["person.id_card"] in [list(r.facts) for r in reads]  # the card check
    assert any("person.national_id" in r.facts for r in reads)  # the look-up by number


def test_every_attempt_and_the_link_are_audited():
    person, card = thai_person()
    user = account()
    prove(user, card_details(person, card, laser_code="JT9999999999"))
    prove(user, card_details(person, card))
    events = AuditEvent.objects.filter(subject_type="identity.account", subject_id=str(user.pk))
    actions = list(events.order_by("created_at").values_list("action", flat=True))
    assert actions == [
        IdentityAction.PROOFING_ATTEMPTED,
        IdentityAction.PROOFING_ATTEMPTED,
        IdentityAction.IDENTITY_PROVED,
    ]
    outcomes = [
        e.payload["outcome"] for e in events.filter(action=IdentityAction.PROOFING_ATTEMPTED)
    ]
    assert sorted(outcomes) == ["not_matched", "proved"]
    assert ProofingAttempt.objects.filter(user=user).count() == 2


def test_names_in_latin_letters_with_a_title_and_any_case_match():
    person, card = thai_person()
    details = card_details(
        person,
        card,
        given_name=f"mr {person.given_name_latin.lower()}",
        family_name=person.family_name_latin.upper(),
    )
    assert prove(account(), details).outcome == ProofingOutcome.PROVED


def test_a_thai_title_typed_before_the_name_is_ignored():
    person, card = thai_person()
    details = card_details(person, card, given_name=f"นาย {person.given_name_th}")
    assert prove(account(), details).outcome == ProofingOutcome.PROVED


@pytest.mark.parametrize(
    "change",
    [
        # a valid number (right check digit) that nobody in the registry has
        pytest.param({"national_id": national_id_for(88888888)}, id="unknown-number"),
        pytest.param({"laser_code": "JT9999999999"}, id="wrong-laser-code"),
        pytest.param({"given_name": "สมหญิง"}, id="wrong-given-name"),
        pytest.param({"family_name": "Nobody"}, id="wrong-family-name"),
        pytest.param({"date_of_birth": dt.date(1950, 1, 1)}, id="wrong-date-of-birth"),
    ],
)
def test_every_wrong_detail_gets_the_same_message_and_no_link(change):
    person, card = thai_person()
    user = account()
    result = prove(user, card_details(person, card, **change))
    assert result.outcome == ProofingOutcome.NOT_MATCHED
    assert str(result.message) == NOT_MATCHED
    assert not IdentityLink.objects.exists()


@pytest.mark.parametrize("trait", ["expired", "replaced", "lost", "cancelled"])
def test_a_card_that_is_not_valid_does_not_prove_anything(trait):
    person = PersonFactory()
    card = NationalIdCardFactory(person=person, **{trait: True})
    result = prove(account(), card_details(person, card))
    assert result.outcome == ProofingOutcome.NOT_MATCHED
    assert str(result.message) == NOT_MATCHED


def test_a_person_recorded_as_dead_cannot_be_proved_and_the_message_does_not_say_so():
    person, card = thai_person(deceased=True)
    user = account()
    result = prove(user, card_details(person, card))
    assert result.outcome == ProofingOutcome.DECEASED
    assert str(result.message) == NOT_MATCHED
    assert not IdentityLink.objects.exists()
    assert ProofingAttempt.objects.get(user=user).outcome == ProofingOutcome.DECEASED


def test_an_account_linked_to_one_person_cannot_be_linked_to_another():
    first, first_card = thai_person()
    second, second_card = thai_person()
    user = account()
    prove(user, card_details(first, first_card))
    result = prove(user, card_details(second, second_card))
    assert result.outcome == ProofingOutcome.ACCOUNT_LINKED_ELSEWHERE
    assert "one account can be linked to one person only" in str(result.message)
    assert person_id_for(user) == str(first.pk)


def test_a_person_linked_to_another_account_is_refused_with_a_way_to_support():
    person, card = thai_person()
    prove(account("first@example.test"), card_details(person, card))
    second = account("second@example.test")
    result = prove(second, card_details(person, card))
    assert result.outcome == ProofingOutcome.PERSON_LINKED_ELSEWHERE
    assert "contact OneGate support" in str(result.message)
    assert person_id_for(second) is None
    event = AuditEvent.objects.filter(subject_id=str(second.pk)).get()
    assert event.payload["outcome"] == "person_linked"


def test_proving_again_as_the_same_person_keeps_the_link():
    person, card = thai_person()
    user = account()
    first = prove(user, card_details(person, card)).link
    again = prove(user, card_details(person, card))
    assert again.outcome == ProofingOutcome.ALREADY_PROVED
    assert again.link.pk == first.pk
    assert IdentityLink.objects.count() == 1


def test_nothing_is_half_written_when_the_audit_fails(monkeypatch):
    # given an audit log that fails when the link is recorded
    person, card = thai_person()
    user = account()
    real = proofing_services.audit_record

    def failing(**kwargs):
        if kwargs["action"] == IdentityAction.IDENTITY_PROVED:
            raise RuntimeError("audit log unavailable")
        return real(**kwargs)

    monkeypatch.setattr(proofing_services, "audit_record", failing)
    # when the person proves their identity
    with pytest.raises(RuntimeError):
        prove(user, card_details(person, card))
    # then no link, no attempt, no access record and no audit event remain
    assert not IdentityLink.objects.exists()
    assert not ProofingAttempt.objects.exists()
    assert not AccessRecord.objects.filter(person_id=person.pk).exists()
    assert not AuditEvent.objects.filter(subject_id=str(user.pk)).exists()


class DownRegistry(LocalAdapter):
    """The registry node does not answer."""

    def person_find(self, **kwargs):
        raise RegistryUnavailable(node="remote-test")


def test_a_registry_that_does_not_answer_decides_nothing():
    person, card = thai_person()
    user = account()
    with adapter_override(DownRegistry()):
        result = prove(user, card_details(person, card))
    assert result.outcome == ProofingOutcome.REGISTRY_UNAVAILABLE
    assert "Try again in a few minutes" in str(result.message)
    assert not IdentityLink.objects.exists()
    assert ProofingAttempt.objects.get(user=user).outcome == ProofingOutcome.REGISTRY_UNAVAILABLE
