"""The limits on proofing attempts: 5 a day per account, 5 a day per registry person, bursts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onegate.identity.constants import ProofingMethod
from onegate.identity.models import IdentityLink, ProofingAttempt, ProofingOutcome
from onegate.identity.services.proofing import DAILY_LIMIT, identity_prove
from onegate.identity.tests.proofing_support import (  # noqa: F401 (fixture)
    _clean_slate,
    account,
    card_details,
    centre_officer,
    days_ago,
    in_person_details,
    signed_in,
    thai_person,
)
from onegate.registries.adapters import RegistryUnavailable, adapter_override
from onegate.registries.adapters.local import LocalAdapter
from onegate.registries.models import AccessRecord

pytestmark = pytest.mark.django_db

CARD = ProofingMethod.NATIONAL_ID_CARD
WRONG_LASER = "JT9999999999"
TOO_MANY = (
    "You have tried to prove your identity too many times in the last 24 hours. Try again "
    "tomorrow, or prove your identity at a service centre."
)


def prove(user, details):
    return identity_prove(account=user, method=CARD, details=details)


def test_an_account_gets_five_tries_a_day_then_even_the_right_details_wait():
    # given five wrong attempts today
    person, card = thai_person()
    user = account()
    for _attempt in range(DAILY_LIMIT):
        assert prove(user, card_details(person, card, laser_code=WRONG_LASER)).outcome == (
            ProofingOutcome.NOT_MATCHED
        )
    reads_before = AccessRecord.objects.count()
    # when the right details come next
    result = prove(user, card_details(person, card))
    # then they are refused without asking the registry, and told what to do
    assert result.outcome == ProofingOutcome.RATE_LIMITED
    assert str(result.message) == TOO_MANY
    assert AccessRecord.objects.count() == reads_before
    assert not IdentityLink.objects.exists()


def test_attempts_older_than_a_day_no_longer_count():
    person, card = thai_person()
    user = account()
    for _attempt in range(DAILY_LIMIT):
        prove(user, card_details(person, card, laser_code=WRONG_LASER))
    ProofingAttempt.objects.update(created_at=days_ago(1))
    assert prove(user, card_details(person, card)).outcome == ProofingOutcome.PROVED


def test_one_persons_card_cannot_be_guessed_at_from_many_accounts():
    # given five accounts that each tried a wrong laser code for the same person
    person, card = thai_person()
    for n in range(DAILY_LIMIT):
        prove(
            account(f"guesser{n}@example.test"), card_details(person, card, laser_code=WRONG_LASER)
        )
    # when a sixth account, even the person's own, tries with the right code
    result = prove(account("owner@example.test"), card_details(person, card))
    # then the check is refused before the card is checked
    assert result.outcome == ProofingOutcome.RATE_LIMITED
    assert not IdentityLink.objects.exists()
    # and another person is not affected
    other, other_card = thai_person()
    assert prove(account("other@example.test"), card_details(other, other_card)).proved


class DownRegistry(LocalAdapter):
    def person_find(self, **kwargs):
        raise RegistryUnavailable()


def test_attempts_the_registry_could_not_answer_do_not_count():
    person, card = thai_person()
    user = account()
    with adapter_override(DownRegistry()):
        for _attempt in range(DAILY_LIMIT + 1):
            prove(user, card_details(person, card))
    assert prove(user, card_details(person, card)).proved


def test_refusals_for_the_limit_do_not_extend_it():
    person, card = thai_person()
    user = account()
    for _attempt in range(DAILY_LIMIT):
        prove(user, card_details(person, card, laser_code=WRONG_LASER))
    for _attempt in range(3):
        assert prove(user, card_details(person, card)).outcome == ProofingOutcome.RATE_LIMITED
    # the five counted attempts age out; the refusals after them were never counted
    ProofingAttempt.objects.filter(outcome=ProofingOutcome.NOT_MATCHED).update(
        created_at=days_ago(1)
    )
    assert prove(user, card_details(person, card)).proved


def test_a_service_centre_check_is_the_way_out_of_the_limit():
    person, card = thai_person()
    user = account()
    for _attempt in range(DAILY_LIMIT):
        prove(user, card_details(person, card, laser_code=WRONG_LASER))
    officer, centre = centre_officer()
    result = identity_prove(
        account=user,
        method=ProofingMethod.IN_PERSON,
        details=in_person_details(user, centre, person, card),
        officer=officer,
    )
    assert result.outcome == ProofingOutcome.PROVED


def test_a_burst_of_attempts_is_slowed_down_before_the_daily_limit():
    # given a person posting the form again and again within a minute
    person, _card = thai_person()
    user = account()
    client = signed_in(user)
    url = reverse("identity:proof_method", kwargs={"slug": "thai-id-card"})
    form = {
        "national_id": person.national_id,
        "given_name": person.given_name_th,
        "family_name": person.family_name_th,
        "date_of_birth_day": str(person.date_of_birth.day),
        "date_of_birth_month": str(person.date_of_birth.month),
        "date_of_birth_year": str(person.date_of_birth.year),
        "laser_code": WRONG_LASER,
    }
    statuses = [client.post(url, form).status_code for _attempt in range(4)]
    # then the fourth is refused with a plain message, and never reached the registry
    assert statuses == [200, 200, 200, 429]
    response = client.post(url, form)
    assert "You are trying too quickly" in response.content.decode()
    assert ProofingAttempt.objects.filter(user=user).count() == 3
