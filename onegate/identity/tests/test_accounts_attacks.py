"""Attack resistance (issue 5 §9): nothing tells an attacker whether an email address has an
account; failed sign-ins are throttled per account and per address; cookies are HttpOnly,
SameSite=Lax and (in production) Secure; the session key changes at sign-in and step-up; Django
admin's password-only sign-in is replaced by ours; pages naming a person are never cached shared.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from onegate.identity.tests.account_fixtures import (
    PASSWORD,
    add_totp,
    fresh_state,  # noqa: F401  (fixture)
    make_account,
    next_period_code,
    reauthenticate,
    sign_in,
    totp_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_state")]
ROOT = Path(__file__).resolve().parents[3]
KNOWN = "somchai@example.test"
UNKNOWN = "nobody@example.test"


def visible(response) -> str:
    """What a person (or a script) sees: the page, with the per-request CSRF token taken out."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return page.replace(UNKNOWN, "EMAIL").replace(KNOWN, "EMAIL")


def journey(client, name: str, data: dict) -> tuple[int, str, str]:
    """Post a form, follow the answer one step, and return what came back."""
    response = client.post(reverse(name), data)
    location = response.get("Location", "")
    follow = client.get(location) if location else response
    return response.status_code, location, visible(follow)


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("account_signup", "email"),
        ("account_reset_password", "email"),
        ("account_request_login_code", "email"),
    ],
)
def test_forms_answer_the_same_for_known_and_unknown_addresses(
    client, django_user_model, name, field
):
    make_account(KNOWN)
    data = {"password1": "a long enough passphrase"} if name == "account_signup" else {}
    known = journey(client, name, {field: KNOWN, **data})
    client.cookies.clear()
    unknown = journey(client.__class__(), name, {field: UNKNOWN, **data})
    assert known[0] == unknown[0]
    assert known[1] == unknown[1]
    assert known[2] == unknown[2]
    # and both addresses get an email, so the inbox is the only place the difference shows
    assert {message.to[0] for message in mail.outbox} == {KNOWN, UNKNOWN}


def test_sign_up_with_a_taken_address_emails_the_owner_instead(client):
    make_account(KNOWN)
    client.post(reverse("account_signup"), {"email": KNOWN, "password1": "a long passphrase"})
    assert mail.outbox[-1].subject == "OneGate: You already have a OneGate account"
    assert mail.outbox[-1].to == [KNOWN]


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client):
    make_account(KNOWN)
    wrong_password = client.post(reverse("account_login"), {"login": KNOWN, "password": "nope"})
    unknown = client.post(reverse("account_login"), {"login": UNKNOWN, "password": "nope"})
    assert wrong_password.status_code == unknown.status_code == 200
    assert visible(wrong_password) == visible(unknown)


def test_sign_in_is_throttled_after_ten_failures_for_one_account(client):
    make_account(KNOWN)
    for attempt in range(10):
        response = client.post(
            reverse("account_login"),
            {"login": KNOWN, "password": f"wrong {attempt}"},
            REMOTE_ADDR=f"10.0.0.{attempt}",  # spread over addresses: this is the per-account limit
        )
        assert "Too many" not in response.content.decode()
    # the eleventh try is refused even with the right password
    response = client.post(
        reverse("account_login"), {"login": KNOWN, "password": PASSWORD}, REMOTE_ADDR="10.0.1.1"
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another account is not affected
    make_account("malee@example.test")
    assert sign_in(client, "malee@example.test").status_code == 302


def test_sign_in_is_throttled_per_network_address_across_accounts(client):
    for attempt in range(30):
        client.post(
            reverse("account_login"), {"login": f"guess{attempt}@example.test", "password": "x"}
        )
    response = client.post(
        reverse("account_login"), {"login": "guess@example.test", "password": "x"}
    )
    assert response.status_code == 429 or "Too many" in response.content.decode()


def test_the_limits_are_what_issue_5_asks_for():
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/15m/key,30/m/ip"
    assert settings.ACCOUNT_PREVENT_ENUMERATION is True
    assert settings.ACCOUNT_EMAIL_NOTIFICATIONS is True


def test_cookies_are_http_only_and_same_site_lax(client):
    make_account(KNOWN)
    response = sign_in(client, KNOWN)
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
    assert session_cookie["max-age"] in ("", None) or int(session_cookie["max-age"]) <= 12 * 3600
    page = client.get(reverse("identity:home"))
    csrf = page.cookies.get(settings.CSRF_COOKIE_NAME) or client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["samesite"] == "Lax"


def test_production_marks_every_cookie_secure():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SESSION_COOKIE_AGE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "x" * 50,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "Lax", "43200"]


def test_the_session_key_changes_at_sign_in(client):
    make_account(KNOWN)
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    sign_in(client, KNOWN)
    assert client.session.session_key != before
    assert client.session["_auth_user_id"]


def test_the_session_key_changes_when_the_person_proves_it_is_them_again(client):
    make_account(KNOWN)
    sign_in(client, KNOWN)
    before = client.session.session_key
    response = reauthenticate(client)
    assert response.status_code == 302
    after = client.session.session_key
    assert after != before
    # the old key is worth nothing now
    stale = client.__class__()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stale.get(reverse("identity:home")).status_code == 302
    assert client.get(reverse("identity:home")).status_code == 200


def test_the_session_key_changes_after_the_second_factor_at_sign_in(client):
    user = make_account(KNOWN)
    secret = add_totp(user)
    response = sign_in(client, KNOWN)
    assert response["Location"] == reverse("mfa_authenticate")
    half_way = client.session.session_key
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.session.session_key != half_way
    assert client.get(reverse("identity:home")).status_code == 200


def test_a_replayed_authenticator_code_is_refused(client):
    user = make_account(KNOWN)
    secret = add_totp(user)
    code = totp_code(secret)
    sign_in(client, KNOWN)
    client.post(reverse("mfa_authenticate"), {"code": code})
    other = client.__class__()
    sign_in(other, KNOWN)
    response = other.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert other.get(reverse("identity:home")).status_code == 302
    # a fresh code from the next 30 seconds works
    if totp_code(secret) == code:
        other.post(reverse("mfa_authenticate"), {"code": next_period_code(secret)})
    else:
        other.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert other.get(reverse("identity:home")).status_code == 200


def test_pages_naming_the_person_are_never_kept_by_shared_caches(client):
    anonymous = client.get(reverse("pages:privacy"))
    assert "public" in anonymous["Cache-Control"]
    make_account(KNOWN)
    sign_in(client, KNOWN)
    signed_in = client.get(reverse("pages:privacy"))
    assert "private" in signed_in["Cache-Control"]
    assert "public" not in signed_in["Cache-Control"]


def test_django_admin_sign_in_is_ours_with_its_second_step(client):
    response = client.get("/admin/login/?next=/admin/identity/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fidentity%2F"
    # a next address elsewhere is dropped
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_a_signed_in_person_without_staff_rights_is_refused_the_admin_sign_in(client):
    make_account(KNOWN)
    sign_in(client, KNOWN)
    assert client.get("/admin/login/").status_code == 403


def test_staff_signed_in_pass_through_to_the_admin(client, settings):
    settings.IDENTITY_STAFF_MFA_REQUIRED = False
    make_account(KNOWN, is_staff=True)
    sign_in(client, KNOWN)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
