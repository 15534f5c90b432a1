"""allauth state changes that send no signal we listened to before, now in the audit log:
"sign out of all other devices" (allauth's sessions page, which sends none at all), an account
created, an email address confirmed, and recovery codes regenerated."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.identity.tests.account_fixtures import (
    PASSWORD,
    add_totp,
    code_from_last_email,
    fresh_state,  # noqa: F401  (fixture)
    make_account,
    reauthenticate,
    sign_in,
    totp_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_state")]
EMAIL = "somchai@example.test"


def events(action: IdentityAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("created_at"))


def test_signing_out_of_all_other_devices_is_recorded(client):
    user = make_account(EMAIL)
    phone, laptop = Client(), Client()
    sign_in(phone, EMAIL)
    sign_in(laptop, EMAIL)
    sign_in(client, EMAIL)
    assert (
        "Sign out of all other devices" in client.get(reverse("usersessions_list")).content.decode()
    )

    response = client.post(reverse("usersessions_list"))
    assert response.status_code == 302

    # the other two are signed out, this one is not
    assert phone.get(reverse("identity:home")).status_code == 302
    assert laptop.get(reverse("identity:home")).status_code == 302
    assert client.get(reverse("identity:home")).status_code == 200
    (event,) = events(IdentityAction.SESSIONS_ENDED)
    assert (event.subject_id, event.actor_id) == (str(user.pk), str(user.pk))
    assert event.payload == {"other_sessions": 2, "this_one": False}


def test_an_account_created_and_its_address_confirmed_are_recorded(client):
    client.post(reverse("account_signup"), {"email": "malee@example.test", "password1": PASSWORD})
    (created,) = events(IdentityAction.SIGNED_UP)
    assert not events(IdentityAction.EMAIL_ADDRESS_CONFIRMED)
    client.post(reverse("account_email_verification_sent"), {"code": code_from_last_email()})
    (confirmed,) = events(IdentityAction.EMAIL_ADDRESS_CONFIRMED)
    assert confirmed.subject_id == created.subject_id
    assert confirmed.payload == {"primary": True}


def test_regenerating_recovery_codes_is_recorded(client, django_capture_on_commit_callbacks):
    user = make_account(EMAIL)
    secret = add_totp(user)
    sign_in(client, EMAIL)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    reauthenticate(client)
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals once committed
        client.post(reverse("mfa_generate_recovery_codes"))
    (event,) = events(IdentityAction.RECOVERY_CODES_REGENERATED)
    assert (event.subject_id, event.payload) == (str(user.pk), {"type": "recovery_codes"})
