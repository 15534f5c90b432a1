"""Managing passkeys without a browser's authenticator: the list, renaming, removing (after
confirming it's you) with an email to say so. Adding one and signing in with it need a real
authenticator: tests/browser/test_accounts.py does those with Chromium's virtual one."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from onegate.identity.tests.account_fixtures import (
    add_totp,
    fresh_state,  # noqa: F401  (fixture)
    make_account,
    reauthenticate,
    sign_in,
    totp_code,
)
from onegate.notify.tests.outbox import deliver_outbox

pytestmark = pytest.mark.usefixtures("fresh_state")


def sign_in_with_app(client, user) -> None:
    """An account with a passkey has two steps; the app's code completes the second here."""
    secret = add_totp(user)
    sign_in(client, user.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})


def stored_passkey(user, name: str = "My phone") -> Authenticator:
    # Only the stored record matters here; its credential is never checked on these pages.
    return Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": name, "credential": {"clientExtensionResults": {"credProps": {"rk": True}}}},
    )


@pytest.mark.django_db
def test_the_list_names_each_passkey_and_how_it_is_used(client):
    user = make_account()
    stored_passkey(user)
    sign_in_with_app(client, user)
    page = client.get(reverse("mfa_list_webauthn")).content.decode()
    assert "My phone" in page
    assert "Signs you in alone" in page
    index = client.get(reverse("mfa_index")).content.decode()
    assert reverse("mfa_list_webauthn") in index


@pytest.mark.django_db
def test_rename_a_passkey_after_confirming_it_is_you(client):
    user = make_account()
    passkey = stored_passkey(user)
    sign_in_with_app(client, user)
    url = reverse("mfa_edit_webauthn", kwargs={"pk": passkey.pk})
    assert client.get(url)["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(client)
    assert "Rename a passkey" in client.get(url).content.decode()
    assert client.post(url, {"name": "Old phone"})["Location"] == reverse("mfa_list_webauthn")
    passkey.refresh_from_db()
    assert passkey.data["name"] == "Old phone"


# transaction=True: allauth sends the email when the removal commits, as in a real request.
@pytest.mark.django_db(transaction=True)
def test_remove_a_passkey_and_hear_about_it(client):
    user = make_account()
    passkey = stored_passkey(user)
    sign_in_with_app(client, user)
    reauthenticate(client)
    url = reverse("mfa_remove_webauthn", kwargs={"pk": passkey.pk})
    assert "Remove the passkey “My phone”?" in client.get(url).content.decode()
    client.post(url)
    assert not Authenticator.objects.filter(pk=passkey.pk).exists()
    deliver_outbox()  # the notice goes through notify's outbox
    assert mail.outbox[-1].subject == "OneGate: A passkey was removed from your OneGate account"


@pytest.mark.django_db
def test_another_persons_passkey_cannot_be_touched(client):
    owner = make_account("owner@example.test")
    passkey = stored_passkey(owner)
    make_account()
    sign_in(client, "somchai@example.test")
    reauthenticate(client)
    assert client.get(reverse("mfa_edit_webauthn", kwargs={"pk": passkey.pk})).status_code == 404
    client.post(reverse("mfa_remove_webauthn", kwargs={"pk": passkey.pk}))
    assert Authenticator.objects.filter(pk=passkey.pk).exists()


@pytest.mark.django_db
def test_the_add_page_says_passkeys_need_javascript_and_loads_allauths_scripts(client):
    make_account()
    sign_in(client, "somchai@example.test")
    reauthenticate(client)
    page = client.get(reverse("mfa_add_webauthn")).content.decode()
    assert "Passkeys need JavaScript" in page
    for script in ("mfa/js/webauthn-json.js", "mfa/js/webauthn.js", "account/js/onload.js"):
        assert f'<script src="/static/{script}" defer></script>' in page
    assert '<script id="js_data" type="application/json">' in page
    assert "<script>" not in page
