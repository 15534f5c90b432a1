"""Password rules after NIST SP 800-63B, as a person creating an account meets them: at least 8
characters, long passphrases welcome (64 and more), absurd lengths (over 128) refused, common and
breached passwords refused with a reason, and no composition rules. Stored with Argon2id."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onegate.identity.models import User
from onegate.identity.tests.account_fixtures import fresh_state  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_state")]


def sign_up(client, password: str, email: str = "new@example.test") -> str:
    response = client.post(reverse("account_signup"), {"email": email, "password1": password})
    return "" if response.status_code == 302 else response.content.decode()


def created(email: str = "new@example.test") -> bool:
    return User.objects.filter(email=email).exists()


def test_seven_characters_are_refused_with_a_reason(client):
    page = sign_up(client, "kx9#mqz")
    assert "at least 8 characters" in page
    assert 'href="#id_password1"' in page
    assert not created()


def test_eight_characters_are_enough(client):
    assert sign_up(client, "kx9mqzvw") == ""
    assert created()


@pytest.mark.parametrize("length", [64, 100, 128])
def test_long_passphrases_are_welcome(client, length):
    passphrase = ("river tamarind lantern orbit " * 10)[:length]
    assert sign_up(client, passphrase) == ""
    assert created()


def test_more_than_128_characters_are_refused(client):
    page = sign_up(client, "x7" * 64 + "q")
    assert "128 characters or fewer" in page
    assert not created()


@pytest.mark.parametrize("password", ["password", "12345678", "iloveyou", "Password1", "PASSWORD"])
def test_common_passwords_are_refused_with_the_reason(client, password):
    page = sign_up(client, password)
    assert "too common or has appeared in a data breach" in page
    assert not created()


@pytest.mark.parametrize(
    "password",
    ["onlylowercaseletters", "ONLYCAPITALLETTERS", "9182736455463728", "spaces are fine here"],
)
def test_there_are_no_composition_rules(client, password):
    assert sign_up(client, password) == ""
    assert created()


def test_a_password_like_the_email_address_is_refused(client):
    page = sign_up(client, "tanawat.srisuk@example.test", email="tanawat.srisuk@example.test")
    assert "too similar" in page
    assert not created("tanawat.srisuk@example.test")


def test_the_reason_is_in_thai_on_the_thai_page(client):
    from django.utils import translation

    with translation.override("th"):
        url = reverse("account_signup")
    response = client.post(url, {"email": "new@example.test", "password1": "password"})
    page = response.content.decode()
    assert 'lang="th"' in page
    assert "too common" not in page
    assert "รหัสผ่านนี้" in page
