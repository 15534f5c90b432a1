"""Acting on a case as its person needs the right to act for them today, not having sent it."""

from __future__ import annotations

import pytest
from django.http import Http404

from onegate.cases.constants import CaseStatus
from onegate.cases.models import Case
from onegate.cases.selectors_citizen import may_see_case
from onegate.cases.services import case_withdraw
from onegate.cases.tests.factories import (
    LICENCE,
    citizen_account,
    demo_services,  # noqa: F401  (fixture)
    referred_case,
)
from onegate.identity.tests.acting_fixtures import active_delegation
from onegate.registries.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_services")]


def test_a_sender_who_may_no_longer_act_for_the_person_can_read_but_not_withdraw():
    case = referred_case()
    sender, _person = citizen_account()
    # The account that sent it is no longer one that may act for the person (a delegation
    # ended, say): it still finds the case among its own, but may not change it.
    Case.objects.filter(pk=case.pk).update(user=sender)
    case.refresh_from_db()
    assert may_see_case(sender, case)

    with pytest.raises(Http404):
        case_withdraw(actor=sender, reference=case.reference, lock_version=case.lock_version)

    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED


def test_a_delegate_for_the_service_withdraws_for_the_person():
    case = referred_case()
    owner = case.user
    assert owner is not None
    delegate, delegate_person = citizen_account()
    person = Person.objects.get(pk=case.subject_person_id)
    active_delegation(person, owner, delegate, delegate_person, services=[LICENCE])

    withdrawn = case_withdraw(
        actor=delegate, reference=case.reference, lock_version=case.lock_version
    )

    assert withdrawn.status == CaseStatus.WITHDRAWN
