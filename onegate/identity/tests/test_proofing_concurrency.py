"""Two accounts proving the same person at the same moment: the database lets one win."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from onegate.identity.constants import ProofingMethod
from onegate.identity.models import IdentityLink, ProofingOutcome
from onegate.identity.proofing import methods_override
from onegate.identity.proofing.national_id_card import NationalIdCard
from onegate.identity.services.proofing import identity_prove
from onegate.identity.tests.proofing_support import (  # noqa: F401 (fixture)
    _clean_slate,
    account,
    card_details,
    thai_person,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class InStep(NationalIdCard):
    """The ID-card method, holding every check at the end of ``verify`` until both are there."""

    def __init__(self, barrier: threading.Barrier) -> None:
        self.barrier = barrier
        self.name = ProofingMethod.NATIONAL_ID_CARD

    def verify(self, **kwargs):
        verdict = super().verify(**kwargs)
        self.barrier.wait(timeout=10)
        return verdict


def test_only_one_of_two_simultaneous_proofings_of_a_person_links_it():
    person, card = thai_person()
    first, second = account("first@example.test"), account("second@example.test")
    results = {}

    def prove(user):
        try:
            results[user.email] = identity_prove(
                account=user,
                method=ProofingMethod.NATIONAL_ID_CARD,
                details=card_details(person, card),
            ).outcome
        finally:
            connection.close()

    with methods_override(InStep(threading.Barrier(2))):
        threads = [threading.Thread(target=prove, args=(user,)) for user in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(results.values()) == sorted(
        [ProofingOutcome.PROVED, ProofingOutcome.PERSON_LINKED_ELSEWHERE]
    )
    assert IdentityLink.objects.filter(person_id=person.pk).count() == 1
