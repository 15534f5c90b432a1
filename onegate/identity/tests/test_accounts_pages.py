"""The account pages people meet, in OneGate's own design, in English and Thai: sign in, create an
account and confirm the email by code, sign in with an emailed code, reset a password by code,
the header's account links, the account hub, sign out (a form that posts)."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import translation

from onegate.identity.models import User
from onegate.identity.tests.account_fixtures import (
    PASSWORD,
    code_from_last_email,
    fresh_state,  # noqa: F401  (fixture)
    make_account,
    reauthenticate,
    sign_in,
)
from onegate.notify.tests.outbox import deliver_outbox

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_state")]


def heading(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert match, response.content.decode()[:500]
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def in_language(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


SIGNED_OUT_PAGES = {
    "account_login": ("Sign in", "เข้าสู่ระบบ"),
    "account_signup": ("Create an account", "สร้างบัญชี"),
    "account_reset_password": ("Reset your password", "ตั้งรหัสผ่านใหม่"),
    "account_request_login_code": ("Sign in with a code", "เข้าสู่ระบบด้วยรหัส"),
    "account_signup_by_passkey": ("Create an account with a passkey", "สร้างบัญชีด้วยพาสคีย์"),
}

SIGNED_IN_PAGES = {
    "identity:home": ("Your account", "บัญชีของคุณ"),
    "identity:session": ("Your session on this device", "การเข้าสู่ระบบบนอุปกรณ์นี้"),
    "mfa_index": ("Sign-in methods", "วิธีเข้าสู่ระบบ"),
    "account_change_password": ("Change your password", "เปลี่ยนรหัสผ่าน"),
    "account_email": ("Email addresses", "ที่อยู่อีเมล"),
    "usersessions_list": ("Your devices and sessions", "อุปกรณ์และการเข้าสู่ระบบของคุณ"),
    "account_logout": ("Sign out", "ออกจากระบบ"),
    "mfa_activate_totp": ("Set up an authenticator app", "ตั้งค่าแอปยืนยันตัวตน"),
    "mfa_add_webauthn": ("Add a passkey", "เพิ่มพาสคีย์"),
    "mfa_list_webauthn": ("Your passkeys", "พาสคีย์ของคุณ"),
}


@pytest.mark.parametrize("language", ["en", "th"])
@pytest.mark.parametrize("name", SIGNED_OUT_PAGES)
def test_each_sign_in_page_is_ours_in_both_languages(client, name, language):
    response = client.get(in_language(language, name))
    assert response.status_code == 200
    assert heading(response) == SIGNED_OUT_PAGES[name][language == "th"]
    page = response.content.decode()
    assert f'<html lang="{language}"' in page
    assert "govuk-template__body" in page  # our frame, not allauth's bare one
    assert "<script>" not in page  # no inline script (strict CSP)


@pytest.mark.parametrize("language", ["en", "th"])
@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_each_account_page_is_ours_in_both_languages(client, name, language):
    make_account()
    sign_in(client, "somchai@example.test")
    reauthenticate(client)
    response = client.get(in_language(language, name))
    assert response.status_code == 200
    assert heading(response) == SIGNED_IN_PAGES[name][language == "th"]
    assert "<script>" not in response.content.decode()


def test_a_wrong_password_shows_the_error_summary_and_keeps_the_email(client):
    make_account()
    response = client.post(
        reverse("account_login"), {"login": "somchai@example.test", "password": "not it"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in page
    assert "govuk-error-summary" in page
    assert 'href="#id_login"' in page
    assert 'value="somchai@example.test"' in page
    assert "not it" not in page  # a password is never shown back


def test_a_missing_field_has_an_inline_error_linked_from_the_summary(client):
    response = client.post(reverse("account_signup"), {"email": "", "password1": ""})
    page = response.content.decode()
    assert 'href="#id_email"' in page
    assert 'href="#id_password1"' in page
    assert page.count("govuk-error-message") >= 2


def test_sign_up_confirm_by_code_and_be_signed_in(client):
    # given a new person creates an account
    response = client.post(
        reverse("account_signup"), {"email": "Malee@Example.test", "password1": PASSWORD}
    )
    assert response.status_code == 302
    # then they are asked for the code we emailed them
    page = client.get(response["Location"])
    assert heading(page) == "Check your email"
    assert "malee@example.test" in page.content.decode()
    assert mail.outbox[-1].subject == "OneGate: Your code to confirm your email address"
    # when they enter it
    done = client.post(response["Location"], {"code": code_from_last_email()})
    # then the address is confirmed and they are signed in, stored in lower case
    assert done.status_code == 302
    user = User.objects.get(email="malee@example.test")
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("identity:home")).status_code == 200


def test_a_wrong_code_is_refused_with_a_message(client):
    client.post(reverse("account_signup"), {"email": "malee@example.test", "password1": PASSWORD})
    response = client.post(reverse("account_email_verification_sent"), {"code": "AAAA-AAAA"})
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert 'href="#id_code"' in page
    assert not EmailAddress.objects.get(email="malee@example.test").verified


def test_sign_up_in_thai_sends_the_code_in_thai_and_remembers_the_language(client):
    client.post(
        in_language("th", "account_signup"), {"email": "malee@example.test", "password1": PASSWORD}
    )
    message = mail.outbox[-1]
    assert "รหัส" in message.subject
    assert "รหัส" in message.body
    assert User.objects.get(email="malee@example.test").preferred_language == "th"


@pytest.mark.parametrize(("language", "front_door"), [("en", "/"), ("th", "/th/")])
def test_signing_in_and_out_lands_on_the_front_door_in_the_same_language(
    client, language, front_door
):
    make_account()
    signed_in = client.post(
        in_language(language, "account_login"),
        {"login": "somchai@example.test", "password": PASSWORD},
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"] == front_door
    signed_out = client.post(in_language(language, "account_logout"))
    assert signed_out["Location"] == front_door


def test_sign_in_with_an_emailed_code(client):
    make_account()
    response = client.post(reverse("account_request_login_code"), {"email": "somchai@example.test"})
    assert response.status_code == 302
    assert heading(client.get(response["Location"])) == "Check your email"
    assert mail.outbox[-1].subject == "OneGate: Your OneGate sign-in code"
    client.post(response["Location"], {"code": code_from_last_email()})
    assert client.get(reverse("identity:home")).status_code == 200


def test_reset_a_forgotten_password_by_code(client):
    make_account()
    # given a person who has forgotten their password asks for a code
    response = client.post(reverse("account_reset_password"), {"email": "somchai@example.test"})
    assert response.status_code == 302
    assert heading(client.get(response["Location"])) == "Check your email"
    # when they enter the code and choose a new password
    entered = client.post(response["Location"], {"code": code_from_last_email()})
    assert entered.status_code == 302
    assert heading(client.get(entered["Location"])) == "Create a new password"
    new_password = "a brand new passphrase"
    saved = client.post(entered["Location"], {"password1": new_password, "password2": new_password})
    assert saved.status_code == 302
    # then the new password works, the old one does not, and they were told by email
    client.logout()
    deliver_outbox()  # the notice goes through notify's outbox; the code above did not
    assert mail.outbox[-1].subject == "OneGate: Your OneGate password was reset"
    assert sign_in(client, "somchai@example.test", PASSWORD).status_code == 200
    assert sign_in(client, "somchai@example.test", new_password).status_code == 302


def test_the_header_offers_sign_in_and_comes_back_to_the_page(client):
    page = client.get(reverse("pages:privacy")).content.decode()
    assert 'href="/accounts/login/?next=%2Fprivacy%2F"' in page
    assert "Your account" not in page


def test_the_header_names_the_account_and_offers_the_hub_and_sign_out(client):
    make_account(display_name="Somchai")
    sign_in(client, "somchai@example.test")
    page = client.get(reverse("pages:privacy")).content.decode()
    assert "Signed in as </span>Somchai" in page
    assert f'href="{reverse("identity:home")}"' in page
    # signing out is a form that posts, with its CSRF token, never a link
    assert re.search(
        r'<form class="og-header__form" method="post" action="/accounts/logout/">\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken"',
        page,
    )


def test_signing_out_takes_a_post(client):
    make_account()
    sign_in(client, "somchai@example.test")
    assert client.get(reverse("account_logout")).status_code == 200  # a question, not an action
    assert client.get(reverse("identity:home")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("identity:home")).status_code == 302


def test_the_hub_links_only_to_pages_that_exist(client, monkeypatch):
    from onegate.identity import views_account

    make_account()
    sign_in(client, "somchai@example.test")
    page = client.get(reverse("identity:home")).content.decode()
    assert f'href="{reverse("mfa_index")}"' in page
    assert f'href="{reverse("usersessions_list")}"' in page
    assert views_account.url_for_first("identity:no_such_page") is None
    assert views_account.url_for_first("identity:no_such_page", "mfa_index") == reverse("mfa_index")


def test_the_hub_leads_to_your_applications(client):
    make_account()
    sign_in(client, "somchai@example.test")
    page = client.get(reverse("identity:home")).content.decode()
    assert f'href="{reverse("runner:applications")}"' in page
    assert "Your applications" in page


def test_the_hub_leads_to_reporting_a_change_of_address(client):
    make_account()
    sign_in(client, "somchai@example.test")
    page = client.get(reverse("identity:home")).content.decode()
    assert f'href="{reverse("identity:address")}"' in page
    assert f'href="{reverse("identity:address_changes")}"' in page
    assert "Report a change of address" in page


def test_one_off_messages_show_once_in_a_banner(client):
    make_account()
    sign_in(client, "somchai@example.test")
    client.post(reverse("identity:session_extend"))
    first = client.get(reverse("identity:home")).content.decode()
    assert "govuk-notification-banner" in first
    assert "You&#39;re still signed in." in first or "You're still signed in." in first
    assert "govuk-notification-banner" not in client.get(reverse("identity:home")).content.decode()
