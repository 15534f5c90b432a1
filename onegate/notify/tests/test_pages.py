"""The person's pages: the inbox with the unread count in the header, a message (opening marks
it read), nobody else's messages, a parent reading a message about their child, and the
preferences page with a phone number and an email address proved by a code."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from onegate.audit.constants import NotifyAction
from onegate.audit.models import AuditEvent
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import make_household
from onegate.notify.models import Message, Preference
from onegate.notify.services import message_send
from onegate.notify.templates import message_template_register
from onegate.notify.tests.outbox import deliver_outbox

pytestmark = pytest.mark.django_db

EVENT = "tests.page"


@pytest.fixture(autouse=True)
def template():
    message_template_register(
        event=EVENT,
        placeholders=("who",),
        subject={"en": "Health card ready for {who}", "th": "บัตรสุขภาพของ{who}พร้อมแล้ว"},
        body={
            "en": "The health card for {who} is ready.\n\nYou can collect it <today>.",
            "th": "บัตรสุขภาพของ{who}พร้อมแล้ว\n\nมารับได้วันนี้",
        },
    )


def inbox_message(user, who="Niran") -> Message:
    sent = message_send(event=EVENT, context={"who": who}, to_user=user)
    return next(m for m in sent if m.channel == "inbox")


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_header_counts_unread_messages_and_opening_one_marks_it_read(client):
    user = make_account("ploy@example.test")
    first, _second = inbox_message(user, "Niran"), inbox_message(user, "Malee")
    client.force_login(user)

    home = page(client, reverse("identity:home"))
    assert "2 unread" in home
    listing = page(client, reverse("notify:inbox"))
    assert "Health card ready for Niran" in listing and "Health card ready for Malee" in listing
    assert listing.count("Unread</strong>") == 2

    opened = page(client, reverse("notify:message", kwargs={"message_pk": first.pk}))
    assert "The health card for Niran is ready." in opened
    assert "&lt;today&gt;" in opened  # the message's text is escaped, never HTML
    first.refresh_from_db()
    assert first.read_at is not None
    assert "1 unread" in page(client, reverse("notify:inbox"))
    assert AuditEvent.objects.filter(action=NotifyAction.MESSAGE_READ).count() == 1
    page(client, reverse("notify:message", kwargs={"message_pk": first.pk}))
    assert AuditEvent.objects.filter(action=NotifyAction.MESSAGE_READ).count() == 1  # once


def test_the_unread_count_costs_one_query(client, django_assert_max_num_queries):
    user = make_account("ploy@example.test")
    inbox_message(user)
    client.force_login(user)
    page(client, reverse("notify:inbox"))  # warm the session and the catalogue
    with django_assert_max_num_queries(12):
        listing = page(client, reverse("notify:inbox"))
    assert "1 unread" in listing


def test_someone_elses_message_is_not_found(client):
    owner = make_account("owner@example.test")
    message = inbox_message(owner)
    client.force_login(make_account("other@example.test"))
    response = client.get(reverse("notify:message", kwargs={"message_pk": message.pk}))
    assert response.status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_a_parent_reads_the_message_about_their_child_in_their_own_language(client):
    home = make_household()
    home.parent_user.preferred_language = "th"
    home.parent_user.save()
    message_send(
        event=EVENT, context={"who": {"en": "Niran", "th": "นิรันดร์"}},
        about_person_id=str(home.child.pk),
    )  # fmt: skip
    client.force_login(home.parent_user)
    listing = page(client, "/th" + reverse("notify:inbox"))
    assert "บัตรสุขภาพของนิรันดร์พร้อมแล้ว" in listing


def test_preferences_save_the_language_and_channels(client):
    user = make_account("ploy@example.test")
    client.force_login(user)
    form = page(client, reverse("notify:preferences"))
    assert 'name="channels" type="checkbox" value="email" checked' in form
    assert re.search(r'value="sms"[^>]*disabled', form)  # no phone yet
    response = client.post(reverse("notify:preferences"), {"language": "th"})
    assert response.status_code == 302
    preference = Preference.objects.get(user=user)
    assert (preference.language, preference.email_enabled) == ("th", False)
    assert AuditEvent.objects.filter(action=NotifyAction.PREFERENCES_CHANGED).exists()
    refused = client.post(reverse("notify:preferences"), {"language": "fr"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()


def test_add_a_phone_number_with_the_code_sent_to_it(client, sms_gateway):
    user = make_account("ploy@example.test")
    client.force_login(user)
    bad = client.post(reverse("notify:phone_add"), {"phone": "12345"})
    assert "Enter a mobile phone number, like 081 234 5678" in bad.content.decode()
    asked = client.post(reverse("notify:phone_add"), {"phone": "081 234 5678"})
    assert asked.status_code == 302
    deliver_outbox()  # the code goes out by text message
    [text] = [json.loads(path.read_text()) for path in sms_gateway.glob("*.json")]
    assert text["to"] == "+66812345678"
    found = re.search(r"\b(\d{6})\b", text["body"])
    assert found is not None
    code = found.group(1)
    wrong = client.post(asked["Location"], {"code": "000000" if code != "000000" else "111111"})
    assert "The code is not right" in wrong.content.decode()
    done = client.post(asked["Location"], {"code": code})
    assert done["Location"] == reverse("notify:preferences")
    preference = Preference.objects.get(user=user)
    assert (preference.phone, preference.sms_enabled) == ("+66812345678", True)
    assert AuditEvent.objects.filter(action=NotifyAction.CONTACT_VERIFIED).exists()
    # from now on messages come by text too
    channels = {m.channel for m in message_send(event=EVENT, context={"who": "x"}, to_user=user)}
    assert channels == {"inbox", "email"}  # this event has no SMS text
    assert "+66812345678" in page(client, reverse("notify:preferences"))


def test_use_another_email_address_after_confirming_it(client):
    user = make_account("ploy@example.test")
    client.force_login(user)
    asked = client.post(reverse("notify:email_add"), {"email": "ploy.work@example.test"})
    deliver_outbox()
    [sent] = mail.outbox
    assert sent.to == ["ploy.work@example.test"]
    found = re.search(r"\b(\d{6})\b", str(sent.body))
    assert found is not None
    code = found.group(1)
    client.post(asked["Location"], {"code": code})
    [email] = [
        m for m in message_send(event=EVENT, context={"who": "x"}, to_user=user)
        if m.channel == "email"
    ]  # fmt: skip
    assert email.address == "ploy.work@example.test"


def test_codes_are_limited_so_the_page_cannot_flood_a_phone(client, sms_gateway):
    user = make_account("ploy@example.test")
    client.force_login(user)
    for _ in range(5):
        assert client.post(reverse("notify:phone_add"), {"phone": "0812345678"}).status_code == 302
    refused = client.post(reverse("notify:phone_add"), {"phone": "0812345678"})
    assert refused.status_code == 200
    assert "You have asked for too many codes" in refused.content.decode()
    deliver_outbox()
    assert len(list(sms_gateway.glob("*.json"))) == 5
    assert AuditEvent.objects.filter(action=NotifyAction.CONTACT_CODE_REFUSED).count() == 1
