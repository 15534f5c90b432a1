"""The holder is told one end date: the approval message, the entitlement and its credential."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onegate.cases.tests.factories import demo_services  # noqa: F401  (fixture)
from onegate.core.languages import format_date
from onegate.credentials.tests.factories import (
    approved_eta_entitlement,
    current_credential,
    verdict_of,
)
from onegate.notify.models import Message

pytestmark = pytest.mark.usefixtures("demo_services")

ETA_DAYS = 730  # electronic-travel-authority.yaml: issues.valid_for_days


def test_the_approval_message_the_entitlement_and_the_credential_end_on_the_same_day():
    user, entitlement = approved_eta_entitlement()
    granted_on = timezone.localdate(entitlement.case.decided_at)

    # valid for 730 days counting the day of the decision, unless the passport ends first
    assert entitlement.valid_from == granted_on
    assert entitlement.valid_until == granted_on + dt.timedelta(days=ETA_DAYS - 1)
    approval = Message.objects.filter(user=user, event__icontains="approved").latest("created_at")
    assert format_date(entitlement.valid_until, approval.language) in approval.body
    claims = verdict_of(current_credential(entitlement)).claims
    assert claims["valid_until"] == entitlement.valid_until.isoformat()


def test_an_entitlement_linked_to_a_passport_ends_with_the_passport():
    from onegate.registries.models import TravelDocument

    user, first = approved_eta_entitlement()
    passport = TravelDocument.objects.get(person=first.holder, document_type="P")
    # the visitor's passport runs out in a year: a new application gets a travel authority
    # that ends with it, as the approval message says
    passport.expires_on = timezone.localdate() + dt.timedelta(days=365)
    passport.save(update_fields=["expires_on"])

    _user, second = approved_eta_entitlement(user=user)

    assert second.valid_until == passport.expires_on
