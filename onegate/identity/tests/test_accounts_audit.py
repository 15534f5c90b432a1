"""What happens to an account's way in is in the audit log: signing in (with which methods) and
out (and why), failed sign-ins (never the typed address), sign-in methods added, passwords
changed, sessions ended everywhere."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.identity.middleware import LAST_SEEN_KEY
from onegate.identity.tests.account_fixtures import (
    PASSWORD,
    fresh_state,  # noqa: F401  (fixture)
    make_account,
    reauthenticate,
    sign_in,
    totp_code,
)

pytestmark = pytest.mark.usefixtures("fresh_state")
EMAIL = "somchai@example.test"


def events(action: IdentityAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("created_at"))


@pytest.mark.django_db
def test_signing_in_is_recorded_with_how(client):
    user = make_account(EMAIL)
    sign_in(client, EMAIL)
    (event,) = events(IdentityAction.SIGNED_IN)
    assert event.subject_type == "account"
    assert event.subject_id == str(user.pk)
    assert event.payload == {"methods": ["password"]}


@pytest.mark.django_db
def test_failed_sign_ins_are_recorded_without_the_typed_address(client):
    user = make_account(EMAIL)
    client.post(reverse("account_login"), {"login": EMAIL, "password": "wrong"})
    client.post(reverse("account_login"), {"login": "nobody@example.test", "password": "wrong"})
    known, unknown = events(IdentityAction.SIGN_IN_FAILED)
    assert known.subject_id == str(user.pk)
    assert unknown.subject_id == "unknown"
    assert "nobody" not in str(unknown.payload)


@pytest.mark.django_db
def test_signing_out_for_inactivity_is_recorded_with_the_reason(client):
    make_account(EMAIL)
    sign_in(client, EMAIL)
    client.get(reverse("identity:home"))
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 16 * 60
    session.save()
    client.get(reverse("identity:home"))
    (event,) = events(IdentityAction.SIGNED_OUT)
    assert event.payload == {"reason": "inactivity"}


@pytest.mark.django_db(transaction=True)
def test_an_authenticator_app_added_is_recorded(client):
    make_account(EMAIL)
    sign_in(client, EMAIL)
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = page.split('id="totp-secret">', 1)[1].split("<", 1)[0].replace(" ", "")
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    kinds = sorted(event.payload["type"] for event in events(IdentityAction.MFA_ENROLLED))
    assert kinds == ["recovery_codes", "totp"]  # the first method comes with recovery codes


@pytest.mark.django_db
def test_a_password_change_is_recorded(client):
    make_account(EMAIL)
    sign_in(client, EMAIL)
    new = "another long passphrase"
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    (event,) = events(IdentityAction.PASSWORD_CHANGED)
    assert event.payload == {"how": "changed"}


@pytest.mark.django_db
def test_signing_out_everywhere_is_recorded(client):
    make_account(EMAIL)
    other = client.__class__()
    sign_in(other, EMAIL)
    sign_in(client, EMAIL)
    client.post(reverse("identity:sign_out_everywhere"))
    (ended,) = events(IdentityAction.SESSIONS_ENDED)
    assert ended.payload == {"other_sessions": 1, "this_one": True}
    assert events(IdentityAction.SIGNED_OUT)[-1].payload == {"reason": "everywhere"}
