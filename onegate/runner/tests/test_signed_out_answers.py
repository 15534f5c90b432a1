"""A question page sent after the session ended: the answers typed on it come back, once, on
the same page after signing in again, unsaved until the person presses Continue."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onegate.identity.middleware import LAST_SEEN_KEY
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import Household, make_household, strong_session
from onegate.runner.models import Application
from onegate.runner.signed_out_answers import KEEP_SECONDS, MAX_BODY_BYTES, SESSION_KEY
from onegate.runner.tests.journey_support import (
    demo_services_load,
    page_url,
    start_children,
)

pytestmark = pytest.mark.django_db

PHONE = "081 234 5678"
KEPT = "We kept what you typed on this page before you were signed out."


@pytest.fixture
def household(db: None) -> Household:
    demo_services_load()
    return make_household()


def on_the_contact_page(client: Client, household: Household) -> Application:
    strong_session(client, household.parent_user)
    application = start_children(client, household)
    for page_id, data in (
        ("health_centre", {"health_centre_choice": "nearest"}),
        ("health_needs", {"long_term_condition": "no", "allergies": ["none"]}),
    ):
        assert client.post(page_url(application, page_id), data).status_code == 302
    return application


def idle_too_long(client: Client) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 16 * 60
    session.save()


def test_the_page_sent_after_the_session_ended_comes_back_after_signing_in(client, household):
    application = on_the_contact_page(client, household)
    contact = page_url(application, "contact")
    idle_too_long(client)

    sent = client.post(contact, {"parent_phone": PHONE, "action": "continue"})

    # signed out, to the sign-in page and back here; nothing saved
    assert sent.status_code == 302
    assert sent["Location"].startswith("/accounts/login/?next=")
    assert contact in sent["Location"]
    application.refresh_from_db()
    assert "parent_phone" not in application.answers

    strong_session(client, household.parent_user)  # signs in again in the same browser
    shown = client.get(contact)
    html = shown.content.decode()
    assert shown.status_code == 200
    assert KEPT in html
    assert f'value="{PHONE}"' in html
    application.refresh_from_db()
    assert "parent_phone" not in application.answers  # still only shown, not saved

    again = client.get(contact).content.decode()  # shown once
    assert KEPT not in again and PHONE not in again

    saved = client.post(contact, {"parent_phone": PHONE, "action": "continue"})
    assert saved.status_code == 302
    application.refresh_from_db()
    assert application.answers["parent_phone"] == "+66812345678"


def test_a_post_without_its_csrf_token_is_not_kept(household):
    browser = Client(enforce_csrf_checks=True)
    application = on_the_contact_page(Client(), household)
    contact = page_url(application, "contact")

    sent = browser.post(contact, {"parent_phone": "0899999999", "action": "continue"})

    assert sent.status_code == 302
    assert SESSION_KEY not in browser.session
    strong_session(browser, household.parent_user)
    assert "0899999999" not in browser.get(contact).content.decode()


def kept_for(client: Client, application: Application, **changes: Any) -> None:
    session = client.session
    session[SESSION_KEY] = {
        "user": str(application.user_id),
        "application": str(application.pk),
        "page": "contact",
        "fields": {"parent_phone": [PHONE]},
        "at": time.time(),
    } | changes
    session.save()


def test_kept_answers_wait_for_their_own_page(client, household):
    application = on_the_contact_page(client, household)
    kept_for(client, application)

    elsewhere = client.get(page_url(application, "health_needs")).content.decode()

    assert KEPT not in elsewhere
    assert KEPT in client.get(page_url(application, "contact")).content.decode()


def test_kept_answers_are_forgotten_after_a_while(client, household):
    application = on_the_contact_page(client, household)
    kept_for(client, application, at=time.time() - KEEP_SECONDS - 1)

    shown = client.get(page_url(application, "contact")).content.decode()

    assert KEPT not in shown and PHONE not in shown
    assert SESSION_KEY not in client.session


def test_a_page_sent_with_a_file_is_not_kept(client, household):
    application = on_the_contact_page(client, household)
    idle_too_long(client)
    document = SimpleUploadedFile("certificate.pdf", b"%PDF-1.4 a certificate", "application/pdf")

    sent = client.post(
        page_url(application, "contact"), {"parent_phone": PHONE, "certificate": document}
    )

    assert sent.status_code == 302
    assert SESSION_KEY not in client.session


def test_the_next_person_signing_in_on_the_same_browser_does_not_get_them(client, household):
    # Someone else's session ends on this browser while they send the parent's page (its
    # address is enough to post to it); then the parent signs in on the same browser.
    application = on_the_contact_page(Client(), household)
    contact = page_url(application, "contact")
    strong_session(client, make_account("visitor@example.test"))
    idle_too_long(client)

    sent = client.post(contact, {"parent_phone": "0899999999", "action": "continue"})

    assert sent.status_code == 302 and sent["Location"].startswith("/accounts/login/")
    strong_session(client, household.parent_user)
    shown = client.get(contact)
    html = shown.content.decode()
    assert shown.status_code == 200
    assert KEPT not in html and "0899999999" not in html
    assert SESSION_KEY not in client.session  # dropped, not left for anyone


def test_a_post_from_a_browser_never_signed_in_keeps_nothing(household):
    application = on_the_contact_page(Client(), household)
    browser = Client()

    sent = browser.post(
        page_url(application, "contact"), {"parent_phone": "0899999999", "action": "continue"}
    )

    assert sent.status_code == 302 and sent["Location"].startswith("/accounts/login/")
    assert settings.SESSION_COOKIE_NAME not in browser.cookies  # no session was written


@pytest.mark.parametrize(
    "body",
    [
        "parent_phone=" + "1" * (MAX_BODY_BYTES * 30),  # past Django's ceiling on a body
        "&".join(f"f{n}=" for n in range(1200)),  # more fields than Django reads, in a small body
    ],
    ids=["large", "many-fields"],
)
def test_a_large_post_after_the_session_ended_is_sent_to_sign_in(client, household, body):
    application = on_the_contact_page(client, household)
    idle_too_long(client)

    sent = client.post(
        page_url(application, "contact"), body, content_type="application/x-www-form-urlencoded"
    )

    assert sent.status_code == 302 and sent["Location"].startswith("/accounts/login/")
    assert SESSION_KEY not in client.session
