"""Ending an account's identity link: by the person from their account (after confirming it's
them), and by identity support staff (found by email address, with a reason), who may be only
those with ``identity.unlink_account`` in the support agency. The person hears about it by
email, through a real SMTP server."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.identity.constants import LevelOfAssurance, ProofingMethod, StaffRole
from onegate.identity.models import IdentityLink
from onegate.identity.models.proofing import EndedIdentityLink, LinkEndReason
from onegate.identity.selectors import identity_level
from onegate.identity.services.proofing import identity_prove
from onegate.identity.tests.account_fixtures import PASSWORD, make_account, reauthenticate, sign_in
from onegate.identity.tests.organisation_fixtures import staff_member
from onegate.identity.tests.proofing_support import (  # noqa: F401 (fixture)
    _clean_slate,
    card_details,
    thai_person,
)
from onegate.identity.tests.test_accounts_email import smtp_inbox  # noqa: F401 (fixture)
from onegate.notify.tests.outbox import deliver_outbox

pytestmark = pytest.mark.django_db

STAFF_PASSWORD = "a long test password"  # organisation_fixtures' accounts
FIND = reverse("identity:support_links")
UNLINK = reverse("identity:unlink")


def proved(email: str = "somchai@example.test"):
    person, card = thai_person()
    user = make_account(email)
    identity_prove(
        account=user, method=ProofingMethod.NATIONAL_ID_CARD, details=card_details(person, card)
    )
    return user, person


def support_page(user) -> str:
    return reverse("identity:support_link", kwargs={"account_id": user.pk})


@pytest.fixture
def inbox(request):
    """A real SMTP server on this machine (``smtp_inbox``), and what it received."""
    return request.getfixturevalue("smtp_inbox")


@pytest.fixture
def registry_officer():
    return staff_member("officer@dopa.test", StaffRole.REGISTRY_OFFICER, "civil-registration")


def test_support_finds_an_account_and_unlinks_it_with_a_reason(
    client, registry_officer, inbox, django_capture_on_commit_callbacks
):
    user, person = proved()
    client.force_login(registry_officer)
    # found by email address (in any case), which stays out of the address bar
    response = client.post(FIND, {"email": "SOMCHAI@example.test"})
    assert response.url == support_page(user)
    page = client.get(support_page(user)).content.decode()
    assert str(person.pk) in page and "Level Substantial" in page
    assert AuditEvent.objects.filter(action=IdentityAction.SUPPORT_ACCOUNT_VIEWED).count() == 1
    # ending it asks the officer to confirm who they are, then for a reason
    response = client.post(support_page(user), {"note": "Reported as not theirs"})
    assert reverse("account_reauthenticate") in response.url
    reauthenticate(client, STAFF_PASSWORD)
    response = client.post(support_page(user), {"note": ""})
    assert response.status_code == 400
    assert "Say why you are unlinking this account." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(support_page(user), {"note": "Reported as not theirs"})
    assert response.status_code == 302

    assert not IdentityLink.objects.filter(user=user).exists()
    assert identity_level(user) == LevelOfAssurance.LOW
    ended = EndedIdentityLink.objects.get(user=user)
    assert (ended.reason, ended.ended_by, ended.note) == (
        LinkEndReason.SUPPORT,
        registry_officer,
        "Reported as not theirs",
    )
    event = AuditEvent.objects.get(action=IdentityAction.IDENTITY_LINK_ENDED)
    assert (event.actor_id, event.on_behalf_of_id) == (str(registry_officer.pk), str(user.pk))
    deliver_outbox()  # the worker sends what the change wrote to the outbox
    (message,) = inbox.messages
    assert message["To"] == user.email
    assert message["Subject"] == "OneGate support unlinked your account from your identity"
    assert "Reported as not theirs" in message.get_content()
    # the page now shows the account unlinked, with the earlier link and why it ended
    page = client.get(support_page(user)).content.decode()
    assert "Not linked to an identity" in page and "Unlinked by OneGate support" in page


def test_an_unknown_address_is_said_plainly(client, registry_officer):
    client.force_login(registry_officer)
    response = client.post(FIND, {"email": "nobody@example.test"})
    assert response.status_code == 400
    assert "No account has this email address." in response.content.decode()


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (StaffRole.AGENCY_ADMIN, "immigration"),  # the right role, another agency
        (StaffRole.REGISTRY_OFFICER, "immigration"),
        (StaffRole.CASE_WORKER, "civil-registration"),  # the right agency, another role
        (StaffRole.AUDITOR, "civil-registration"),
    ],
)
def test_other_agencies_and_roles_are_refused(client, role, agency):
    user, _person = proved()
    client.force_login(staff_member("someone@gov.test", role, agency))
    assert client.get(FIND).status_code == 403
    assert client.post(FIND, {"email": user.email}).status_code == 403
    assert client.get(support_page(user)).status_code == 403
    reauthenticate(client, STAFF_PASSWORD)
    assert client.post(support_page(user), {"note": "try"}).status_code == 403
    assert IdentityLink.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action=IdentityAction.SUPPORT_ACCOUNT_VIEWED).exists()


def test_citizens_and_visitors_cannot_open_the_support_pages(client):
    user, _person = proved()
    assert client.get(FIND).status_code == 302  # to sign in
    client.force_login(user)
    assert client.get(FIND).status_code == 403
    assert client.get(support_page(user)).status_code == 403


def test_an_agency_administrator_of_the_support_agency_may_unlink(client):
    admin = staff_member("admin@dopa.test", StaffRole.AGENCY_ADMIN, "civil-registration")
    user, _person = proved()
    client.force_login(admin)
    reauthenticate(client, STAFF_PASSWORD)
    client.post(support_page(user), {"note": "Duplicate account"})
    assert EndedIdentityLink.objects.get(user=user).ended_by == admin


def test_the_person_unlinks_their_own_account_after_confirming_it_is_them(
    client, inbox, django_capture_on_commit_callbacks
):
    user, _person = proved()
    sign_in(client, user.email)
    proof_page = client.get(reverse("identity:proof")).content.decode()
    assert UNLINK in proof_page
    assert "Unlink your account from your identity" in client.get(UNLINK).content.decode()
    # sending it asks for the password again
    response = client.post(UNLINK, {"confirm": "on"})
    assert reverse("account_reauthenticate") in response.url
    reauthenticate(client, PASSWORD)
    assert client.post(UNLINK, {}).status_code == 400  # not confirmed: nothing happens
    assert IdentityLink.objects.filter(user=user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UNLINK, {"confirm": "on"})
    assert response.url == reverse("identity:proof")

    assert identity_level(user) == LevelOfAssurance.LOW
    assert EndedIdentityLink.objects.get(user=user).reason == LinkEndReason.PERSON
    event = AuditEvent.objects.get(action=IdentityAction.IDENTITY_LINK_ENDED)
    assert (event.actor_id, event.on_behalf_of_id) == (str(user.pk), "")
    deliver_outbox()  # the worker sends what the change wrote to the outbox
    (message,) = inbox.messages
    assert message["Subject"] == "You unlinked your OneGate account from your identity"
    # still signed in; the page offers proving again
    assert "Not proved yet" in client.get(reverse("identity:proof")).content.decode()


def test_after_unlinking_the_person_can_be_proved_on_another_account():
    user, person = proved()
    from onegate.identity.services.links import identity_link_end

    identity_link_end(account=user, reason=LinkEndReason.PERSON, actor=user)
    other = make_account("new-address@example.test")
    card = person.id_cards.get()
    result = identity_prove(
        account=other, method=ProofingMethod.NATIONAL_ID_CARD, details=card_details(person, card)
    )
    assert result.proved
    assert IdentityLink.objects.get(person_id=person.pk).user == other


def test_the_unlink_page_in_thai(client):
    user, _person = proved()
    user.preferred_language = "th"
    user.save(update_fields=["preferred_language"])
    client.force_login(user)
    response = client.get("/th" + UNLINK)
    assert response.status_code == 200
    assert 'lang="th"' in response.content.decode()
