"""The header's unread count: the person's own inbox messages not opened yet, nothing else (not
their email copies, not opened ones, not someone else's), in one statement."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onegate.identity.tests.account_fixtures import make_account
from onegate.notify.constants import Channel
from onegate.notify.models import Message
from onegate.notify.selectors import inbox_unread_count
from onegate.notify.services import message_mark_read, message_send
from onegate.notify.templates import message_template_register

pytestmark = pytest.mark.django_db

EVENT = "tests.unread"


@pytest.fixture(autouse=True)
def template():
    message_template_register(
        event=EVENT,
        placeholders=("n",),
        subject={"en": "Message {n}", "th": "ข้อความ {n}"},
        body={"en": "Message {n}.", "th": "ข้อความ {n}"},
    )


def send(user, n: int) -> Message:
    sent = message_send(event=EVENT, context={"n": str(n)}, to_user=user)
    assert {message.channel for message in sent} >= {Channel.INBOX, Channel.EMAIL}
    return next(message for message in sent if message.channel == Channel.INBOX)


def test_only_the_persons_own_unopened_inbox_messages_count():
    ploy, other = make_account("ploy@example.test"), make_account("other@example.test")
    assert inbox_unread_count(user=ploy) == 0
    opened = send(ploy, 1)
    send(ploy, 2)
    send(ploy, 3)
    send(other, 4)
    message_mark_read(user=ploy, message=opened)

    assert inbox_unread_count(user=ploy) == 2
    assert inbox_unread_count(user=other) == 1
    assert inbox_unread_count(user=ploy) == (
        Message.objects.filter(user=ploy, channel=Channel.INBOX, read_at__isnull=True).count()
    )


def test_the_count_is_one_statement():
    ploy = make_account("ploy@example.test")
    send(ploy, 1)
    with CaptureQueriesContext(connection) as queries:
        assert inbox_unread_count(user=ploy) == 1
    assert len(queries.captured_queries) == 1
