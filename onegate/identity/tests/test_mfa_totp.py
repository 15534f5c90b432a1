"""Authenticator apps (TOTP, RFC 6238) and recovery codes: allauth's codes agree with the RFC's
vectors; setting an app up asks the person to confirm it's them first, shows the QR code with
alt text and the secret as text, checks the first code, and emails the person; signing in then
asks for a code; recovery codes work once; turning the app off asks again and emails again."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import struct
from pathlib import Path
from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as allauth_totp
from django.core import mail
from django.urls import reverse

from onegate.identity.tests.account_fixtures import (
    add_totp,
    fresh_state,  # noqa: F401  (fixture)
    make_account,
    reauthenticate,
    recovery_codes_of,
    sign_in,
    totp_code,
)
from onegate.notify.tests.outbox import deliver_outbox

pytestmark = pytest.mark.usefixtures("fresh_state")
VECTORS = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "totp" / "rfc6238_totp_vectors.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]
SHA1_VECTORS = [vector for vector in VECTORS if vector["algorithm"] == "SHA1"]
DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


def reference_totp(vector: dict) -> str:
    """RFC 6238 §4 with the vector's own algorithm and seed: checks the vectors are read right."""
    key = bytes.fromhex(vector["secret_hex"])
    counter = (vector["unix_time"] - vector["t0"]) // vector["period"]
    digest = hmac.new(key, struct.pack(">Q", counter), DIGESTS[vector["algorithm"]]).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** vector["digits"]).zfill(vector["digits"])


def test_all_eighteen_vectors_are_there():
    assert len(VECTORS) == 18
    assert len(SHA1_VECTORS) == 6


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{v['algorithm']}-{v['unix_time']}")
def test_the_reference_implementation_agrees_with_rfc_6238(vector):
    assert reference_totp(vector) == vector["expected"]


@pytest.mark.parametrize("vector", SHA1_VECTORS, ids=lambda v: str(v["unix_time"]))
def test_allauth_agrees_with_rfc_6238_for_sha1(vector, settings):
    settings.MFA_TOTP_DIGITS = 8
    counter = vector["unix_time"] // vector["period"]
    assert allauth_totp.hotp_value(vector["secret_base32"], counter) == int(vector["expected"])
    assert allauth_totp.format_hotp_value(int(vector["expected"])) == vector["expected"]


@pytest.mark.parametrize("vector", SHA1_VECTORS, ids=lambda v: str(v["unix_time"]))
def test_allauth_accepts_the_six_digit_code_at_the_vectors_time_and_not_later(vector):
    six_digits = vector["expected"][-6:]  # apps show the last 6 digits of the same truncation
    with mock.patch.object(allauth_totp.time, "time", return_value=vector["unix_time"]):
        assert allauth_totp.validate_totp_code(vector["secret_base32"], six_digits)
    with mock.patch.object(allauth_totp.time, "time", return_value=vector["unix_time"] + 60):
        assert not allauth_totp.validate_totp_code(vector["secret_base32"], six_digits)


def test_our_helper_computes_the_same_six_digit_codes():
    vector = SHA1_VECTORS[1]
    assert totp_code(vector["secret_base32"], at=vector["unix_time"]) == vector["expected"][-6:]


@pytest.mark.django_db
def test_setting_up_an_app_asks_to_confirm_it_is_you_first(client):
    make_account()
    sign_in(client, "somchai@example.test")
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


# transaction=True: allauth sends these emails on commit, as in a real request.
@pytest.mark.django_db(transaction=True)
def test_set_up_an_authenticator_app_then_sign_in_with_it(client):
    make_account()
    sign_in(client, "somchai@example.test")
    reauthenticate(client)
    # the page shows the QR code as an image with alt text, and the secret as text
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    image = re.search(
        r'<img class="og-qr" src="(data:image/svg\+xml;base64,[^"]+)"[^>]*alt="([^"]+)"', page, re.S
    )
    assert image, page
    assert "type the key below" in image.group(2)
    assert b"<svg" in base64.b64decode(image.group(1).split(",", 1)[1])
    shown = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page)
    assert shown, page
    secret = shown.group(1).replace(" ", "")
    # a wrong code is refused with the error linked to the field
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"}).content.decode()
    assert 'href="#id_code"' in wrong
    assert not Authenticator.objects.filter(type=Authenticator.Type.TOTP).exists()
    # the right code turns it on, makes recovery codes, and tells the person by email
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(type=Authenticator.Type.TOTP).exists()
    deliver_outbox()  # the notice goes through notify's outbox
    subjects = [message.subject for message in mail.outbox]
    assert "OneGate: An authenticator app was set up for your OneGate account" in subjects
    codes_page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert codes_page.count("<li>") >= 10
    # signing in again now asks for a code from the app
    client.post(reverse("account_logout"))
    assert sign_in(client, "somchai@example.test")["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("identity:home")).status_code == 302


@pytest.mark.django_db
def test_a_recovery_code_works_once(client):
    user = make_account()
    add_totp(user)
    code = recovery_codes_of(user)[0]
    sign_in(client, "somchai@example.test")
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.get(reverse("identity:home")).status_code == 200
    other = client.__class__()
    sign_in(other, "somchai@example.test")
    again = other.post(reverse("mfa_authenticate"), {"code": code})
    assert "govuk-error-summary" in again.content.decode()
    assert other.get(reverse("identity:home")).status_code == 302


@pytest.mark.django_db
def test_recovery_codes_download_as_a_text_file(client):
    user = make_account()
    secret = add_totp(user)
    sign_in(client, "somchai@example.test")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    reauthenticate(client)
    response = client.get(reverse("mfa_download_recovery_codes"))
    assert response["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    assert response.content.decode().split() == recovery_codes_of(user)


@pytest.mark.django_db
def test_turning_the_app_off_asks_again_and_emails(client):
    user = make_account()
    secret = add_totp(user)
    sign_in(client, "somchai@example.test")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.get(reverse("mfa_deactivate_totp"))["Location"].startswith(
        reverse("account_reauthenticate")
    )
    reauthenticate(client)
    page = client.get(reverse("mfa_deactivate_totp"))
    assert "Turn off your authenticator app" in page.content.decode()
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    deliver_outbox()
    assert mail.outbox[-1].subject == (
        "OneGate: The authenticator app was turned off for your OneGate account"
    )


@pytest.mark.django_db(transaction=True)
def test_new_recovery_codes_replace_the_old_and_email(client):
    user = make_account()
    secret = add_totp(user)
    old = recovery_codes_of(user)
    sign_in(client, "somchai@example.test")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    reauthenticate(client)
    client.post(reverse("mfa_generate_recovery_codes"))
    assert set(recovery_codes_of(user)).isdisjoint(old)
    deliver_outbox()
    assert mail.outbox[-1].subject == (
        "OneGate: New recovery codes were made for your OneGate account"
    )


@pytest.mark.django_db
def test_a_password_change_is_emailed_with_where_it_came_from(client):
    make_account()
    sign_in(client, "somchai@example.test")
    client.post(
        reverse("account_change_password"),
        {"oldpassword": "correct horse battery staple", "password1": "a new long passphrase",
         "password2": "a new long passphrase"},
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile Safari/537.36",
    )  # fmt: skip
    deliver_outbox()
    message = mail.outbox[-1]
    assert message.subject == "OneGate: Your OneGate password was changed"
    assert "Your password was changed." in message.body
    assert "from network address 127.0.0.1" in message.body
    assert "using Chrome on Android" in message.body
    assert "&#39;" not in message.body and "&amp;" not in message.body  # plain text, not HTML
