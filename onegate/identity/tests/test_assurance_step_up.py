"""The step-up: a page that needs a level sends the person through what is missing and back."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.urls import reverse

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.identity.constants import ProofingMethod
from onegate.identity.services.proofing import identity_prove
from onegate.identity.tests.organisation_fixtures import TEST_TOTP_SECRET
from onegate.identity.tests.proofing_support import (  # noqa: F401 (fixture)
    APP_CODE,
    PASSWORD,
    _clean_slate,
    account,
    card_details,
    signed_in,
    thai_person,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("onegate.identity.tests.step_up_urls")]

PAGE = "/guarded/substantial/?tab=documents&step=2"


def proved_account(email="person@example.test"):
    user = account(email)
    person, card = thai_person()
    identity_prove(
        account=user, method=ProofingMethod.NATIONAL_ID_CARD, details=card_details(person, card)
    )
    return user


def app_code(secret=TEST_TOTP_SECRET):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_signed_out_visitor_is_sent_to_sign_in_first():
    from django.test import Client

    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_a_session_at_the_level_goes_straight_through():
    client = signed_in(proved_account(), PASSWORD, APP_CODE)
    assert client.get(PAGE).content == b"the substantial page"


def test_below_the_level_the_person_is_sent_to_the_step_up_with_where_they_were():
    client = signed_in(proved_account(), PASSWORD)
    response = client.get(PAGE)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("identity:step_up")
    assert parse_qs(location.query) == {"level": ["substantial"], "next": [PAGE]}


def test_the_step_up_page_says_plainly_what_is_missing():
    user = account()
    TOTP.activate(user, TEST_TOTP_SECRET)
    client = signed_in(user, PASSWORD)
    page = client.get(client.get(PAGE)["Location"]).content.decode()
    assert "needs level Substantial. You are at level Low." in page
    assert "Prove who you are" in page
    assert "Enter a code from your authenticator app" in page
    assert reverse("mfa_reauthenticate") in page


def test_a_second_factor_used_at_the_step_up_returns_to_exactly_the_page_with_a_new_session_key():
    # given a proved person signed in with a password only, with an authenticator app
    user = proved_account()
    TOTP.activate(user, TEST_TOTP_SECRET)
    client = signed_in(user, PASSWORD)
    step_up = client.get(PAGE)["Location"]
    key_before = client.session.session_key
    # when they enter an app code on allauth's re-authentication page, which returns to the step-up
    response = client.post(reverse("mfa_reauthenticate"), {"code": app_code(), "next": step_up})
    assert response.status_code == 302
    assert response["Location"] == step_up
    response = client.get(response["Location"])
    # then the step-up sends them to exactly where they were, in a session with a new key
    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert client.session.session_key != key_before
    assert client.get(PAGE).content == b"the substantial page"
    event = AuditEvent.objects.get(action=IdentityAction.ASSURANCE_RAISED)
    assert event.payload["to"] == "substantial" and event.payload["next"] == PAGE


def test_the_session_key_is_rotated_once_per_level_reached():
    client = signed_in(proved_account(), PASSWORD, APP_CODE)
    url = f"{reverse('identity:step_up')}?level=substantial&next=/account/"
    client.get(url)
    key = client.session.session_key
    client.get(url)
    assert client.session.session_key == key
    assert AuditEvent.objects.filter(action=IdentityAction.ASSURANCE_RAISED).count() == 1


def test_level_high_asks_for_an_in_person_check_and_a_passkey():
    client = signed_in(proved_account(), PASSWORD, APP_CODE)
    response = client.get("/guarded/high/")
    page = client.get(response["Location"]).content.decode()
    assert "needs level High. You are at level Substantial." in page
    assert "Prove who you are at a service centre" in page
    assert reverse("identity:proof_in_person") in page
    assert "Add a security key, or a passkey kept on one device, then use it" in page


def test_lowering_the_level_in_the_address_does_not_get_past_the_guard():
    client = signed_in(proved_account(), PASSWORD, APP_CODE)
    tampered = f"{reverse('identity:step_up')}?level=low&next=/guarded/high/"
    response = client.get(tampered)
    assert response["Location"] == "/guarded/high/"
    assert urlsplit(client.get("/guarded/high/")["Location"]).path == reverse("identity:step_up")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "javascript:alert(document.cookie)",
        "http:/evil.example",
    ],
)
def test_the_step_up_never_redirects_off_the_site(target):
    client = signed_in(proved_account(), PASSWORD, APP_CODE)
    response = client.get(reverse("identity:step_up"), {"level": "substantial", "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:home")


def test_proving_from_the_step_up_returns_through_it_to_the_page():
    # given a person not yet proved, who used their app at sign-in
    user = account()
    person, card = thai_person()
    client = signed_in(user, PASSWORD, APP_CODE)
    step_up = client.get(PAGE)["Location"]
    # when they prove who they are from the link the step-up gives
    response = client.post(
        reverse("identity:proof_method", kwargs={"slug": "thai-id-card"}),
        {
            "next": step_up,
            "national_id": person.national_id,
            "given_name": person.given_name_th,
            "family_name": person.family_name_th,
            "date_of_birth_day": person.date_of_birth.day,
            "date_of_birth_month": person.date_of_birth.month,
            "date_of_birth_year": person.date_of_birth.year,
            "laser_code": card.laser_code,
        },
    )
    # then they go back through the step-up to exactly the page
    assert response["Location"] == step_up
    assert client.get(step_up)["Location"] == PAGE


def test_pages_after_adding_a_second_factor_can_offer_the_way_back():
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    # given a person who left the step-up to set up an authenticator app
    user = account()
    client = signed_in(user, PASSWORD)
    step_up = client.get(PAGE)["Location"]
    client.get(step_up)
    request = RequestFactory().get("/accounts/2fa/")
    request.session = client.session
    # then the include offers to continue where they were, and nothing once it is done
    banner = render_to_string("identity/step_up/_resume.html", {"request": request})
    assert "Continue where you were" in banner
    assert f'href="{step_up.replace("&", "&amp;")}"' in banner
    request.session["identity.step_up_pending"] = "//evil.example/"
    assert "Continue where you were" not in render_to_string(
        "identity/step_up/_resume.html", {"request": request}
    )
