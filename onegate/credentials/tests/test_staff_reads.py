"""An officer's read of someone's entitlement is on record: audited, and on the holder's
"who looked at my data"; a search keeps no passport or ID number."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from onegate.audit.constants import CredentialAction
from onegate.audit.models import AuditEvent
from onegate.cases.tests.factories import demo_services, staff  # noqa: F401  (fixture)
from onegate.credentials.constants import LinkScheme
from onegate.credentials.tests.factories import approved_eta_entitlement
from onegate.identity.constants import StaffRole
from onegate.registries.models import AccessRecord

pytestmark = pytest.mark.usefixtures("demo_services")


def test_opening_an_entitlement_puts_the_officer_on_the_holders_access_log():
    _user, entitlement = approved_eta_entitlement()
    officer = staff(StaffRole.TEAM_LEAD, "immigration")
    client = Client()
    client.force_login(officer)
    before = AccessRecord.objects.filter(person=entitlement.holder).count()

    page = client.get(
        reverse("entitlements:staff_entitlement", kwargs={"entitlement_id": entitlement.pk})
    )

    assert page.status_code == 200
    records = AccessRecord.objects.filter(person=entitlement.holder).order_by("-created_at")
    assert records.count() == before + 1
    assert records[0].organisation == "immigration"
    assert entitlement.reference in records[0].purpose
    viewed = AuditEvent.objects.get(action=CredentialAction.ENTITLEMENT_VIEWED)
    assert viewed.subject_id == str(entitlement.pk)


def test_a_search_by_passport_number_is_audited_without_the_number():
    _user, entitlement = approved_eta_entitlement()
    number = entitlement.links.get(scheme=LinkScheme.PASSPORT).value
    client = Client()
    client.force_login(staff(StaffRole.TEAM_LEAD, "immigration"))

    client.get(reverse("entitlements:staff_search"), {"q": number})

    searched = AuditEvent.objects.get(action=CredentialAction.SEARCHED)
    assert searched.payload["found"] == [str(entitlement.pk)]
    assert number not in str(searched.payload) and number not in searched.subject_id
