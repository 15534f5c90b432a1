"""When each session was last active, for "your devices and sessions": written at most once a
minute per session (not on every request, as allauth's own middleware does), at once when the
session's network address or browser changes, and always when the page itself is open."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onegate.identity.middleware import ACTIVITY_KEY, ACTIVITY_RESOLUTION_SECONDS
from onegate.identity.tests.account_fixtures import (
    fresh_state,  # noqa: F401  (fixture)
    make_account,
    sign_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_state")]
EMAIL = "malee@example.test"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1"


@pytest.fixture
def signed_in(client):
    make_account(EMAIL)
    sign_in(client, EMAIL)
    client.get(reverse("identity:home"))
    return client


def the_row(client) -> UserSession:
    return UserSession.objects.get(session_key=client.session.session_key)


def pretend_written_ago(client, seconds: float) -> None:
    """Move the last write back in time, in the session and in the row alike."""
    session = client.session
    recorded = session[ACTIVITY_KEY]
    recorded[1] -= seconds
    session[ACTIVITY_KEY] = recorded
    session.save()
    row = the_row(client)
    UserSession.objects.filter(pk=row.pk).update(
        last_seen_at=row.last_seen_at - dt.timedelta(seconds=seconds)
    )


def touches_user_sessions(client, path: str) -> bool:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return any("usersessions_usersession" in q["sql"] for q in queries.captured_queries)


def test_pages_within_a_minute_do_not_write_the_session_row_again(signed_in):
    before = the_row(signed_in).last_seen_at

    assert not touches_user_sessions(signed_in, reverse("identity:home"))
    assert not touches_user_sessions(signed_in, reverse("pages:privacy"))

    assert the_row(signed_in).last_seen_at == before


def test_a_page_a_minute_later_records_the_activity(signed_in):
    pretend_written_ago(signed_in, ACTIVITY_RESOLUTION_SECONDS + 1)
    before = the_row(signed_in).last_seen_at

    signed_in.get(reverse("identity:home"))

    assert the_row(signed_in).last_seen_at > before + dt.timedelta(seconds=59)


def test_a_new_network_address_or_browser_is_recorded_at_once(signed_in):
    signed_in.get(reverse("identity:home"), REMOTE_ADDR="203.0.113.9")
    assert the_row(signed_in).ip == "203.0.113.9"

    signed_in.get(reverse("identity:home"), REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT=IPHONE)
    assert the_row(signed_in).user_agent == IPHONE


def test_the_devices_page_is_exact_about_the_device_it_is_open_on(signed_in):
    pretend_written_ago(signed_in, 30)  # within the minute: no other page would write
    before = the_row(signed_in).last_seen_at

    page = signed_in.get(reverse("usersessions_list"), REMOTE_ADDR="198.51.100.7")

    assert the_row(signed_in).last_seen_at > before + dt.timedelta(seconds=29)
    assert "198.51.100.7" in page.content.decode()
    assert "Last active" in page.content.decode()


def test_a_renewed_session_key_gets_its_own_row_at_once(signed_in):
    old_key = signed_in.session.session_key
    session = signed_in.session
    session.cycle_key()  # as after a step-up; the activity record travels with the data
    signed_in.cookies["sessionid"] = session.session_key

    signed_in.get(reverse("identity:home"))

    assert UserSession.objects.filter(session_key=session.session_key).exists()
    assert session.session_key != old_key
