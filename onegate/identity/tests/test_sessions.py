"""Sessions (issue 5 §5): signed out after 15 minutes without activity and 12 hours after sign-in,
told why on the next page; a warning that works without JavaScript (the session page, the
header notice near the 12-hour limit) and with it (the dialog's data); asking how long is left
does not count as activity; "your devices and sessions" signs out the others or everywhere."""

from __future__ import annotations

import json
import re
import time

import pytest
from django.conf import settings
from django.urls import reverse

from onegate.identity.middleware import LAST_SEEN_KEY, SIGNED_IN_AT_KEY
from onegate.identity.tests.account_fixtures import (
    fresh_state,  # noqa: F401  (fixture)
    make_account,
    sign_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_state")]
EMAIL = "somchai@example.test"


@pytest.fixture
def signed_in(client):
    make_account(EMAIL)
    sign_in(client, EMAIL)
    client.get(reverse("identity:home"))  # the first page starts the clocks
    return client


def set_clock(client, **values: float) -> None:
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def test_the_limits_are_15_minutes_idle_and_12_hours_in_all():
    assert settings.IDENTITY_SESSION_IDLE_SECONDS == 15 * 60
    assert settings.IDENTITY_SESSION_ABSOLUTE_SECONDS == 12 * 3600
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_after_15_quiet_minutes_the_next_page_is_signed_out_and_says_why(signed_in):
    set_clock(signed_in, **{LAST_SEEN_KEY: time.time() - 15 * 60 - 1})
    response = signed_in.get(reverse("identity:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    page = signed_in.get(response["Location"]).content.decode()
    assert "you did nothing for 15 minutes" in page
    assert "govuk-notification-banner" in page


def test_activity_keeps_the_session(signed_in):
    set_clock(signed_in, **{LAST_SEEN_KEY: time.time() - 14 * 60})
    assert signed_in.get(reverse("identity:home")).status_code == 200
    assert time.time() - signed_in.session[LAST_SEEN_KEY] < 5


def test_after_12_hours_the_session_ends_however_busy_the_person_is(signed_in):
    set_clock(
        signed_in,
        **{SIGNED_IN_AT_KEY: time.time() - 12 * 3600 - 1, LAST_SEEN_KEY: time.time() - 5},
    )
    response = signed_in.get(reverse("identity:home"))
    assert response.status_code == 302
    page = signed_in.get(response["Location"]).content.decode()
    assert "you had been signed in for 12 hours" in page


def test_asking_how_long_is_left_does_not_count_as_activity(signed_in):
    quiet_since = time.time() - 10 * 60
    set_clock(signed_in, **{LAST_SEEN_KEY: quiet_since})
    answer = signed_in.get(reverse("identity:session_status")).json()
    assert answer["signed_in"] is True
    assert 290 <= answer["seconds_left"] <= 300
    assert answer["warning_seconds"] == 120
    assert signed_in.session[LAST_SEEN_KEY] == quiet_since


def test_the_status_says_401_once_signed_out(client):
    response = client.get(reverse("identity:session_status"))
    assert response.status_code == 401
    assert response.json() == {"signed_in": False}


def test_staying_signed_in_from_the_dialog_answers_json(signed_in):
    # even moments after the last recorded activity, asking to stay restarts the full time
    set_clock(signed_in, **{LAST_SEEN_KEY: time.time() - 5})
    response = signed_in.post(reverse("identity:session_extend"), HTTP_ACCEPT="application/json")
    assert response.json()["seconds_left"] >= 15 * 60 - 1


def test_staying_signed_in_without_javascript_goes_back_to_the_page(signed_in):
    response = signed_in.post(reverse("identity:session_extend"), {"next": "/privacy/"})
    assert response["Location"] == "/privacy/"
    elsewhere = signed_in.post(
        reverse("identity:session_extend"), {"next": "https://evil.example/"}
    )
    assert elsewhere["Location"] == reverse("identity:session")
    assert signed_in.get(reverse("identity:session_extend")).status_code == 405


def test_the_session_page_says_when_you_will_be_signed_out(signed_in):
    page = signed_in.get(reverse("identity:session")).content.decode()
    assert "we sign you out after 15 minutes without activity, and 12 hours after" in page
    assert "If you do nothing" in page
    assert re.search(r"You&#39;ll be signed out at \d{1,2}:\d{2}", page) or re.search(
        r"You'll be signed out at \d{1,2}:\d{2}", page
    )
    assert 'action="/account/session/extend"' in page


def test_every_signed_in_page_carries_the_warning_dialog_for_the_script(signed_in):
    page = signed_in.get(reverse("pages:privacy")).content.decode()
    opening = re.search(r'<dialog class="og-timeout"[^>]*>', page, re.S)
    assert opening, page
    dialog = opening.group(0)
    assert 'data-warning-seconds="120"' in dialog
    left = re.search(r'data-seconds-left="(\d+)"', dialog)
    assert left, dialog
    seconds = int(left.group(1))
    assert 15 * 60 - 5 <= seconds <= 15 * 60
    assert '<script type="module" src="/static/identity/session-timeout.js"></script>' in page
    # the dialog's buttons are ordinary forms, so they work if the script stops half way
    assert 'action="/account/session/extend"' in page


def test_signed_out_pages_have_no_dialog(client):
    page = client.get(reverse("pages:privacy")).content.decode()
    assert "og-timeout" not in page
    assert "session-timeout.js" not in page


def test_near_the_12_hour_limit_every_page_says_when_without_javascript(signed_in):
    assert "og-session-notice" not in signed_in.get(reverse("pages:privacy")).content.decode()
    set_clock(signed_in, **{SIGNED_IN_AT_KEY: time.time() - 12 * 3600 + 10 * 60})
    page = signed_in.get(reverse("pages:privacy")).content.decode()
    assert 'id="og-session-notice"' in page
    assert "Save your work before then." in page


def test_your_devices_and_sessions_lists_each_device(signed_in):
    other = signed_in.__class__(
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1"
    )
    sign_in(other, EMAIL)
    other.get(reverse("identity:home"))
    page = signed_in.get(reverse("usersessions_list")).content.decode()
    assert "Safari on iPhone" in page
    assert page.count("This device") == 1
    assert "Sign out of all other devices" in page


def test_sign_out_of_the_other_devices(signed_in):
    other = signed_in.__class__()
    sign_in(other, EMAIL)
    signed_in.post(reverse("usersessions_list"))
    assert other.get(reverse("identity:home")).status_code == 302
    assert signed_in.get(reverse("identity:home")).status_code == 200


def test_sign_out_everywhere_including_here(signed_in):
    other = signed_in.__class__()
    sign_in(other, EMAIL)
    response = signed_in.post(reverse("identity:sign_out_everywhere"))
    assert response["Location"] == reverse("account_login")
    assert "signed out everywhere" in signed_in.get(response["Location"]).content.decode()
    assert other.get(reverse("identity:home")).status_code == 302
    assert signed_in.get(reverse("identity:home")).status_code == 302


def test_status_json_is_never_cached(signed_in):
    response = signed_in.get(reverse("identity:session_status"))
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert json.loads(response.content)["signed_in"]
