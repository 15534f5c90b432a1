"""message_send: the outbox rows commit or roll back with the caller's change, each recipient in
their language on their channels, once per reference; messages about a child reach the parent."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from onegate.audit.constants import NotifyAction
from onegate.audit.models import AuditEvent
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import make_household
from onegate.notify.constants import Channel, MessageStatus
from onegate.notify.models import DeliveryAttempt, Message, Preference
from onegate.notify.services import message_send
from onegate.notify.templates import ContextValue, message_template_register

pytestmark = pytest.mark.django_db

EVENT = "tests.decided"


@pytest.fixture(autouse=True)
def template():
    return message_template_register(
        event=EVENT,
        placeholders=("service",),
        subject={"en": "Decision on your {service}", "th": "ผลการพิจารณา{service}"},
        body={"en": "We have decided your {service}.", "th": "เราได้พิจารณา{service}ของคุณแล้ว"},
        sms={"en": "OneGate: {service} decided", "th": "OneGate: พิจารณา{service}แล้ว"},
    )


SERVICE = {"en": "health card", "th": "บัตรสุขภาพ"}


def test_an_account_gets_an_inbox_message_at_once_and_an_email_queued_for_the_worker():
    user = make_account("ploy@example.test", preferred_language="th")
    sent = message_send(event=EVENT, context={"service": SERVICE}, to_user=user, actor=user)

    by_channel = {message.channel: message for message in sent}
    assert set(by_channel) == {Channel.INBOX, Channel.EMAIL}
    inbox, email = by_channel[Channel.INBOX], by_channel[Channel.EMAIL]
    assert inbox.status == MessageStatus.DELIVERED and inbox.read_at is None
    assert inbox.subject == "ผลการพิจารณาบัตรสุขภาพ"  # her language
    assert email.status == MessageStatus.QUEUED and email.address == "ploy@example.test"
    assert email.message_id.startswith("<") and email.message_id.endswith("@onegate.invalid>")
    # the delivery task was enqueued in the same transaction, naming the email
    task = DBTaskResult.objects.get(task_path="onegate.notify.tasks.message_deliver")
    assert task.args_kwargs["kwargs"]["message_ids"] == [str(email.pk)]
    assert AuditEvent.objects.filter(action=NotifyAction.MESSAGE_SENT).count() == 2
    assert list(DeliveryAttempt.objects.filter(message=email).values_list("status", flat=True)) == [
        MessageStatus.QUEUED
    ]


def test_a_rolled_back_change_takes_its_messages_and_their_task_with_it():
    user = make_account("ploy@example.test")

    def decide_then_fail() -> None:
        with transaction.atomic():
            message_send(event=EVENT, context={"service": SERVICE}, to_user=user)
            raise RuntimeError("the decision could not be saved")

    with pytest.raises(RuntimeError):
        decide_then_fail()
    assert not Message.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_same_reference_is_sent_once():
    user = make_account("ploy@example.test")
    first = message_send(event=EVENT, context={"service": SERVICE}, to_user=user, reference="c-1")
    again = message_send(event=EVENT, context={"service": SERVICE}, to_user=user, reference="c-1")
    other = message_send(event=EVENT, context={"service": SERVICE}, to_user=user, reference="c-2")
    assert [m.pk for m in again] == [m.pk for m in first]
    assert Message.objects.count() == len(first) + len(other) == 4


def test_preferences_choose_the_channels_and_text_messages_need_a_phone():
    user = make_account("ploy@example.test")
    Preference.objects.create(
        user=user, language="en", email_enabled=False, sms_enabled=True, phone="+66812345678"
    )
    sent = message_send(event=EVENT, context={"service": SERVICE}, to_user=user)
    by_channel = {message.channel: message for message in sent}
    assert set(by_channel) == {Channel.INBOX, Channel.SMS}
    assert by_channel[Channel.SMS].body == "OneGate: health card decided"
    assert by_channel[Channel.SMS].address == "+66812345678"
    assert len(by_channel[Channel.SMS].message_id) == 32  # the idempotency key


def test_security_notices_are_emailed_even_with_email_turned_off():
    user = make_account("ploy@example.test")
    Preference.objects.create(user=user, language="en", email_enabled=False)
    context: dict[str, ContextValue] = {
        "subject": {"en": "Password changed", "th": "เปลี่ยนรหัสผ่านแล้ว"},
        "body": "x",
    }
    sent = message_send(event="identity.security_notice", context=context, to_user=user)
    assert {m.channel for m in sent} == {Channel.INBOX, Channel.EMAIL}


def test_an_address_without_an_account_gets_an_email_in_the_given_language():
    [sent] = message_send(
        event=EVENT, context={"service": SERVICE}, to_email="  new@example.test ", language="th"
    )
    assert sent.channel == Channel.EMAIL and sent.user is None
    assert sent.address == "new@example.test" and sent.language == "th"


def test_an_undeliverable_address_is_kept_as_failed_not_dropped():
    [sent] = message_send(event=EVENT, context={"service": SERVICE}, to_email="not an address")
    assert sent.status == MessageStatus.FAILED and sent.last_error == "invalid_address"
    assert not DBTaskResult.objects.exists()  # nothing to try


def test_a_message_about_a_child_goes_to_the_parent_in_the_parents_language():
    home = make_household()
    home.parent_user.preferred_language = "th"
    home.parent_user.save()
    sent = message_send(
        event=EVENT, context={"service": SERVICE}, about_person_id=str(home.child.pk)
    )
    assert {m.user_id for m in sent} == {home.parent_user.pk}
    inbox = next(m for m in sent if m.channel == Channel.INBOX)
    assert inbox.about_person_id == str(home.child.pk)
    assert inbox.language == "th"


def test_a_message_about_a_person_reaches_their_own_account_too():
    home = make_household()
    stranger = make_account("someone@example.test")
    sent = message_send(
        event=EVENT,
        context={"service": SERVICE},
        to_user=stranger,
        about_person_id=str(home.parent.pk),  # the parent themself: their own account
    )
    assert {m.user_id for m in sent} == {stranger.pk, home.parent_user.pk}


def test_a_recipient_is_needed():
    with pytest.raises(ValueError, match="recipient"):
        message_send(event=EVENT, context={"service": SERVICE})
