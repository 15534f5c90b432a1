"""Staff must sign in with two steps and administrators with a passkey (issue 5 §1): until they
have one, every page but setting it up (and signing out) leads to the page that explains."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from onegate.identity.middleware import missing_sign_in_method
from onegate.identity.tests.account_fixtures import (
    add_totp,
    fresh_state,  # noqa: F401  (fixture)
    make_account,
    reauthenticate,
    sign_in,
    totp_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_state")]
STAFF = "officer@example.test"


@pytest.fixture(autouse=True)
def _rule_on(settings):
    # Test settings switch the rule off for other modules' tests; here it is what we test.
    settings.IDENTITY_STAFF_MFA_REQUIRED = True


def add_passkey(user) -> None:
    """A stored WebAuthn authenticator (its contents do not matter to the rule)."""
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Security key"}
    )


def test_staff_without_a_second_step_are_sent_to_set_one_up(client):
    make_account(STAFF, is_staff=True)
    sign_in(client, STAFF)
    response = client.get(reverse("catalogue:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:sign_in_method_required") + "?next=%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Add a second sign-in step to carry on" in page
    assert reverse("mfa_activate_totp") in page
    assert reverse("mfa_add_webauthn") in page


@pytest.mark.parametrize(
    "name", ["mfa_index", "account_reauthenticate", "account_logout", "identity:session"]
)
def test_the_pages_needed_to_set_one_up_stay_open(client, name):
    make_account(STAFF, is_staff=True)
    sign_in(client, STAFF)
    assert client.get(reverse(name)).status_code == 200


def test_once_set_up_staff_go_on_to_where_they_were(client):
    user = make_account(STAFF, is_staff=True)
    sign_in(client, STAFF)
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "Set up an authenticator app" in page
    add_totp(user)  # the page's own flow is tested in test_mfa_totp.py
    assert client.get(reverse("catalogue:home")).status_code == 200
    back = client.get(reverse("identity:sign_in_method_required") + "?next=/privacy/")
    assert back["Location"] == "/privacy/"


def test_administrators_need_a_passkey_even_with_an_authenticator_app(client):
    user = make_account("admin@example.test", is_staff=True, is_superuser=True)
    secret = add_totp(user)
    sign_in(client, "admin@example.test")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    response = client.get(reverse("catalogue:home"))
    assert response["Location"].startswith(reverse("identity:sign_in_method_required"))
    assert "Add a passkey to carry on" in client.get(response["Location"]).content.decode()
    add_passkey(user)
    assert client.get(reverse("catalogue:home")).status_code == 200


def test_the_rule_in_words():
    person = make_account("person@example.test")
    staff = make_account(STAFF, is_staff=True)
    admin = make_account("admin@example.test", is_staff=True, is_superuser=True)
    assert missing_sign_in_method(person) is None
    assert missing_sign_in_method(staff) == "second_factor"
    assert missing_sign_in_method(admin) == "passkey"
    add_passkey(staff)
    assert missing_sign_in_method(staff) is None
    add_totp(admin)
    assert missing_sign_in_method(admin) == "passkey"
    add_passkey(admin)
    assert missing_sign_in_method(admin) is None


def test_recovery_codes_alone_do_not_count(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    staff = make_account(STAFF, is_staff=True)
    RecoveryCodes.activate(staff)
    assert missing_sign_in_method(staff) == "second_factor"


def test_people_who_are_not_staff_are_not_asked(client):
    make_account("person@example.test")
    sign_in(client, "person@example.test")
    assert client.get(reverse("catalogue:home")).status_code == 200
    assert client.get(reverse("identity:sign_in_method_required"))["Location"] == reverse(
        "identity:home"
    )
