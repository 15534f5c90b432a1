"""The back office's entitlement pages: a team lead of the granting agency finds an entitlement,
reads it, and suspends, reinstates or revokes it with a reason; stale forms and wrong states are
refused with the reason (409); other agencies get a 404, other roles a 403."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from onegate.cases.tests.factories import demo_services, staff  # noqa: F401  (fixture)
from onegate.credentials.constants import EntitlementStatus, LinkScheme
from onegate.credentials.models import Entitlement
from onegate.credentials.tests.factories import (
    approved_eta_entitlement,
    current_credential,
    verdict_of,
)
from onegate.identity.constants import StaffRole
from onegate.identity.models import User

pytestmark = pytest.mark.usefixtures("demo_services")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def lead(agency: str = "immigration") -> Client:
    return signed_in(staff(StaffRole.TEAM_LEAD, agency))


def url(name: str, entitlement: Entitlement) -> str:
    return reverse(f"entitlements:{name}", kwargs={"entitlement_id": entitlement.pk})


def act(client: Client, action: str, entitlement: Entitlement, reason: str, **more: object):
    data = {f"{action}-reason": reason, f"{action}-lock_version": entitlement.lock_version}
    data.update({f"{action}-{key}": value for key, value in more.items()})
    return client.post(url(action, entitlement), data)


def fresh(entitlement: Entitlement) -> Entitlement:
    return Entitlement.objects.get(pk=entitlement.pk)


def test_a_team_lead_finds_it_by_reference_or_passport_number_in_any_format():
    _user, entitlement = approved_eta_entitlement()
    number = entitlement.links.get(scheme=LinkScheme.PASSPORT).value
    client = lead()
    search = reverse("entitlements:staff_search")

    for q in (entitlement.reference, number.lower(), " ".join(number)):
        page = client.get(search, {"q": q}).content.decode()
        assert url("staff_entitlement", entitlement) in page, q
    missing = client.get(search, {"q": "X0000000"}).content.decode()
    assert "0 entitlements found" in missing
    empty = client.get(search, {"q": ""})
    assert "Enter a reference" in empty.content.decode()


def test_the_page_shows_the_document_in_full_the_history_and_the_forms():
    _user, entitlement = approved_eta_entitlement()
    number = entitlement.links.get(scheme=LinkScheme.PASSPORT).value

    page = lead().get(url("staff_entitlement", entitlement)).content.decode()

    assert number in page
    assert "Granted" in page
    assert "Why are you suspending it?" in page
    assert "Why are you revoking it?" in page
    assert "Why are you reinstating it?" not in page  # only what its state allows


def test_suspend_then_reinstate_flips_the_credential_and_the_holder_sees_why():
    holder, entitlement = approved_eta_entitlement()
    client = lead()

    response = act(client, "suspend", entitlement, "Passport reported stolen")
    assert response.status_code == 302
    assert fresh(entitlement).status == EntitlementStatus.SUSPENDED
    assert verdict_of(current_credential(entitlement)).status == "suspended"
    holder_page = signed_in(holder).get(url("detail", entitlement)).content.decode()
    assert "Passport reported stolen" in holder_page

    page = client.get(response["Location"]).content.decode()
    assert "is suspended" in page
    response = act(client, "reinstate", fresh(entitlement), "Passport found")
    assert response.status_code == 302
    assert fresh(entitlement).status == EntitlementStatus.ACTIVE
    assert verdict_of(current_credential(entitlement)).status == "valid"


def test_revoke_is_final():
    _user, entitlement = approved_eta_entitlement()
    client = lead()

    assert act(client, "revoke", entitlement, "Granted in error").status_code == 302

    assert fresh(entitlement).status == EntitlementStatus.REVOKED
    assert verdict_of(current_credential(entitlement)).status == "revoked"
    page = client.get(url("staff_entitlement", entitlement)).content.decode()
    assert "Why are you" not in page
    again = act(client, "reinstate", fresh(entitlement), "Changed my mind")
    assert again.status_code == 409
    assert "There is a problem" in again.content.decode()
    assert fresh(entitlement).status == EntitlementStatus.REVOKED


def test_a_reason_is_needed():
    _user, entitlement = approved_eta_entitlement()

    response = act(lead(), "suspend", entitlement, "   ")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter the reason" in page
    assert 'href="#id_suspend-reason"' in page
    assert fresh(entitlement).status == EntitlementStatus.ACTIVE


def test_a_form_drawn_before_someone_else_acted_is_refused():
    _user, entitlement = approved_eta_entitlement()
    first, second = lead(), lead()
    act(first, "suspend", entitlement, "First")
    act(first, "reinstate", fresh(entitlement), "Back")

    response = act(second, "suspend", entitlement, "Second, from an old page")

    assert response.status_code == 409
    assert "There is a problem" in response.content.decode()
    assert fresh(entitlement).status == EntitlementStatus.ACTIVE


def test_another_agency_gets_a_404_and_other_roles_a_403():
    _user, entitlement = approved_eta_entitlement()
    health = lead("health")
    worker = signed_in(staff(StaffRole.CASE_WORKER, "immigration"))

    assert health.get(url("staff_entitlement", entitlement)).status_code == 404
    assert act(health, "revoke", entitlement, "Not mine").status_code == 404
    assert worker.get(url("staff_entitlement", entitlement)).status_code == 403
    assert act(worker, "revoke", entitlement, "Not allowed").status_code == 403
    assert fresh(entitlement).status == EntitlementStatus.ACTIVE
    number = entitlement.links.get(scheme=LinkScheme.PASSPORT).value
    found = health.get(reverse("entitlements:staff_search"), {"q": number}).content.decode()
    assert url("staff_entitlement", entitlement) not in found


def test_team_leads_find_the_page_from_their_account():
    page = lead().get(reverse("identity:home")).content.decode()
    assert reverse("entitlements:staff_search") in page
    worker = signed_in(staff(StaffRole.CASE_WORKER, "immigration"))
    assert (
        reverse("entitlements:staff_search")
        not in worker.get(reverse("identity:home")).content.decode()
    )
