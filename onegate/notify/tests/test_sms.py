"""Text messages through the SMS gateway simulator over HTTP: accepted with the gateway's id, a
repeat of the idempotency key sent nothing twice, a busy gateway retried, a bad number refused;
phone numbers checked with phonenumbers before anything is stored."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from onegate.identity.tests.account_fixtures import make_account
from onegate.notify.channels import channel_registry, sms
from onegate.notify.constants import Channel, MessageStatus
from onegate.notify.delivery import messages_claim, messages_deliver
from onegate.notify.forms import PhoneForm, phone_e164
from onegate.notify.models import Message, Preference
from onegate.notify.services import message_send
from onegate.notify.templates import message_template_register

pytestmark = pytest.mark.django_db

EVENT = "tests.sms"


@pytest.fixture(autouse=True)
def template():
    message_template_register(
        event=EVENT,
        placeholders=("code",),
        subject={"en": "Reference {code}", "th": "เลขอ้างอิง {code}"},
        body={"en": "Your reference is {code}", "th": "เลขอ้างอิงของคุณคือ {code}"},
        sms={"en": "OneGate ref {code}", "th": "OneGate เลขอ้างอิง {code}"},
        inbox=False,
        email=False,
    )


def texting(phone: str, language: str = "en"):
    user = make_account(f"{phone.strip('+')}@example.test")
    Preference.objects.create(user=user, language=language, sms_enabled=True, phone=phone)
    [message] = message_send(event=EVENT, context={"code": "A1"}, to_user=user)
    assert message.channel == Channel.SMS
    return message


def received(folder) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]


def test_a_text_reaches_the_gateway_once_with_its_idempotency_key(sms_gateway):
    message = texting("+66812345678", language="th")
    messages_deliver()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_reference == f"sim-{message.message_id}"
    [text] = received(sms_gateway)
    assert text == {**text, "to": "+66812345678", "body": "OneGate เลขอ้างอิง A1"}
    assert (sms_gateway / f"{message.message_id}.json").exists()


def test_a_repeat_after_a_lost_worker_is_dropped_by_the_gateway(sms_gateway):
    message = texting("+66812345678")
    # a worker sends it and dies before recording it; the message is sent again
    [claimed] = messages_claim()
    [first] = list(channel_registry.get(Channel.SMS).send([claimed]))
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.QUEUED)
    messages_deliver()
    message.refresh_from_db()
    assert first.result == "accepted" and message.status == MessageStatus.SENT
    assert message.provider_reference == first.provider_reference  # the gateway's answer again
    assert len(received(sms_gateway)) == 1  # one text on the phone


def test_a_busy_gateway_is_tried_again_later(sms_gateway):
    message = texting("+66810000000")  # the simulator answers 503 for numbers ending 0000
    messages_deliver()
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.last_error == "http 503"
    assert received(sms_gateway) == []


def test_a_refused_gateway_token_fails_the_message_rather_than_retry_forever(
    sms_gateway, settings, monkeypatch
):
    message = texting("+66812345678")
    url = settings.NOTIFY_SMS_GATEWAY_URL
    monkeypatch.setattr(sms.config, "sms_gateway", lambda: (url, "not-the-token", "OneGate"))
    messages_deliver()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.last_error == "http 401"


def test_a_malformed_number_is_refused_before_any_request(sms_gateway):
    message = texting("+6612")
    messages_deliver()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.last_error == "invalid_phone_number"
    assert received(sms_gateway) == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("081 234 5678", "+66812345678"),
        ("+66 81-234-5678", "+66812345678"),
        ("+44 7911 123456", "+447911123456"),
    ],
)
def test_a_mobile_number_is_stored_in_international_form(typed, stored):
    assert phone_e164(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "081 234", "not a number", "+66 2 123 4567", "๐๘๑"])
def test_malformed_or_landline_numbers_are_refused_with_a_message(typed):
    form = PhoneForm({"phone": typed})
    assert not form.is_valid()
    assert "phone" in form.errors
    with pytest.raises(ValidationError):
        phone_e164(typed)
