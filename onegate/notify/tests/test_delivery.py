"""Delivery through a real SMTP server (aiosmtpd): accepted, refused for good (5xx), refused for
now (4xx), a slow server, a dropped connection, a server that is down; backoff, the dead-letter
state and an operator's retry; a worker that dies mid-send."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onegate.audit.constants import NotifyAction
from onegate.audit.models import AuditEvent
from onegate.identity.tests.account_fixtures import make_account
from onegate.notify.channels import channel_registry
from onegate.notify.constants import Channel, MessageStatus
from onegate.notify.delivery import messages_claim, messages_deliver, messages_sweep
from onegate.notify.models import Message
from onegate.notify.services import message_retry, message_send
from onegate.notify.templates import message_template_register
from onegate.notify.tests.outbox import deliver_outbox, run_worker
from onegate.notify.tests.smtp_server import free_port

pytestmark = pytest.mark.django_db

EVENT = "tests.notice"


@pytest.fixture(autouse=True)
def template():
    message_template_register(
        event=EVENT,
        placeholders=("what",),
        subject={"en": "About {what}", "th": "เรื่อง{what}"},
        body={"en": "Something happened: {what}.", "th": "มีเรื่อง: {what}"},
        inbox=False,
    )


def send_to(*addresses: str) -> list[Message]:
    sent = []
    for address in addresses:
        sent += message_send(event=EVENT, context={"what": "tax"}, to_email=address)
    return sent


def fresh(message: Message) -> Message:
    return Message.objects.get(pk=message.pk)


def time_passes(seconds: float) -> None:
    """Move every outbox clock back, as if ``seconds`` had gone by."""
    for message in Message.objects.all():
        gap = dt.timedelta(seconds=seconds)
        Message.objects.filter(pk=message.pk).update(
            next_attempt_at=message.next_attempt_at and message.next_attempt_at - gap,
            lease_until=message.lease_until and message.lease_until - gap,
            give_up_at=message.give_up_at - gap,
        )


def test_a_batch_goes_over_one_connection_each_with_its_own_stable_message_id(smtp):
    sent = send_to("a@example.test", "b@example.test", "c@example.test")
    done = messages_deliver()
    assert done.counts == {MessageStatus.SENT: 3}
    assert sorted(smtp.message_ids()) == sorted(m.message_id for m in sent)
    assert {a.to for a in smtp.arrivals} == {"a@example.test", "b@example.test", "c@example.test"}
    assert all(fresh(m).status == MessageStatus.SENT and fresh(m).sent_at for m in sent)
    assert [a.subject for a in smtp.arrivals] == ["About tax"] * 3


def test_thai_text_arrives_intact(smtp):
    user = make_account("ploy@example.test", preferred_language="th")
    message_template_register(
        event="tests.thai",
        placeholders=(),
        subject={"en": "Hello", "th": "สวัสดีค่ะ"},
        body={"en": "Hello", "th": "ข้อความภาษาไทย"},
    )
    message_send(event="tests.thai", context={}, to_user=user)
    deliver_outbox()
    [arrival] = smtp.arrivals
    assert arrival.subject == "สวัสดีค่ะ" and "ข้อความภาษาไทย" in arrival.body


def test_a_5xx_refusal_fails_that_message_for_good_and_the_rest_still_go(smtp):
    smtp.behaviour.refuse["nobody@example.test"] = "550 5.1.1 No such user here"
    bad, good = send_to("nobody@example.test", "b@example.test")
    messages_deliver()
    bad, good = fresh(bad), fresh(good)
    assert bad.status == MessageStatus.FAILED and bad.last_error == "smtp 550"
    assert good.status == MessageStatus.SENT
    assert AuditEvent.objects.filter(action=NotifyAction.MESSAGE_FAILED, subject_id=bad.pk).exists()
    time_passes(3600)
    assert messages_deliver().counts == {}  # never tried again by itself


def test_a_4xx_refusal_waits_longer_each_time_then_gets_through(smtp, settings):
    settings.NOTIFY_FIRST_RETRY_SECONDS = 30
    smtp.behaviour.data_reply = "451 4.3.0 Try again later"
    [message] = send_to("a@example.test")
    waits = []
    for _ in range(3):
        before = timezone.now()
        messages_deliver()
        message = fresh(message)
        assert message.status == MessageStatus.QUEUED and message.last_error == "smtp 451"
        assert message.next_attempt_at is not None
        waits.append(round((message.next_attempt_at - before).total_seconds()))
        assert messages_deliver().counts == {}  # not due yet
        time_passes(waits[-1] + 1)
    assert waits == [30, 60, 120]
    # the first delivery was enqueued by message_send, each retry for when it is due
    tasks = DBTaskResult.objects.order_by("enqueued_at")
    assert tasks.count() == 4
    last = tasks.last()
    assert last is not None and last.run_after is not None
    assert round((last.run_after - last.enqueued_at).total_seconds()) == 120
    smtp.behaviour.data_reply = ""
    messages_deliver()
    assert fresh(message).status == MessageStatus.SENT
    assert smtp.message_ids() == [message.message_id]
    history = list(fresh(message).history.values_list("status", flat=True))
    assert history == ["queued"] + ["sending", "queued"] * 3 + ["sending", "sent"]


def test_a_server_down_for_a_day_dead_letters_the_message_then_an_operator_retry_sends_it(
    smtp, settings, admin_client, admin_user
):
    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    [message] = send_to("a@example.test")
    attempts = 0
    while fresh(message).status == MessageStatus.QUEUED:
        messages_deliver()
        attempts += 1
        time_passes(3600)  # an hour at most between tries
        assert attempts < 40
    message = fresh(message)
    assert message.status == MessageStatus.DEAD
    assert message.last_error == "ConnectionRefusedError"
    assert 24 <= attempts <= 30  # doubling waits capped at an hour, for a day
    assert AuditEvent.objects.filter(action=NotifyAction.MESSAGE_DEAD).count() == 1

    # operators find it among the dead letters and send it again from the admin
    listing = admin_client.get("/admin/notify/message/?status__exact=dead")
    assert message.message_id not in listing.content.decode()  # the list shows no addresses...
    assert "ConnectionRefusedError" in listing.content.decode()  # ...but why it died
    settings.EMAIL_PORT = smtp.port
    response = admin_client.post(
        "/admin/notify/message/",
        {"action": "send_again", "_selected_action": [str(message.pk)]},
    )
    assert response.status_code == 302
    assert fresh(message).status == MessageStatus.QUEUED
    retried = AuditEvent.objects.get(action=NotifyAction.MESSAGE_RETRIED)
    assert retried.actor_id == str(admin_user.pk)
    deliver_outbox()
    assert fresh(message).status == MessageStatus.SENT
    assert smtp.message_ids() == [message.message_id]


def test_only_dead_or_failed_messages_can_be_retried(smtp):
    [message] = send_to("a@example.test")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        message_retry(actor=None, message_pk=message.pk)


def test_a_dropped_connection_is_retried_and_the_next_message_reconnects(smtp):
    smtp.behaviour.drop = 1
    first, second = send_to("a@example.test", "b@example.test")
    messages_deliver()
    assert fresh(first).status == MessageStatus.QUEUED
    assert fresh(first).last_error == "SMTPServerDisconnected"
    assert fresh(second).status == MessageStatus.SENT
    time_passes(60)
    messages_deliver()
    assert fresh(first).status == MessageStatus.SENT
    assert sorted(smtp.message_ids()) == sorted([first.message_id, second.message_id])


def test_a_server_too_slow_to_answer_is_retried_with_the_same_message_id(smtp, settings):
    settings.EMAIL_TIMEOUT = 1
    smtp.behaviour.delay = 2  # answers after we stopped waiting: it may have kept the message
    [message] = send_to("a@example.test")
    messages_deliver()
    assert fresh(message).status == MessageStatus.QUEUED
    assert fresh(message).last_error in {"TimeoutError", "SMTPServerDisconnected"}
    smtp.behaviour.delay = 0
    time_passes(60)
    messages_deliver()
    assert fresh(message).status == MessageStatus.SENT
    # a repeat, if any, carries the same Message-ID, so the receiver can drop it
    assert set(smtp.message_ids()) == {message.message_id}


def test_a_worker_that_dies_mid_send_leaves_the_message_to_the_sweep(smtp, settings):
    settings.NOTIFY_LEASE_SECONDS = 60
    [message] = send_to("a@example.test")
    # a worker claims it, hands it to the server, and dies before recording that
    [claimed] = messages_claim()
    outcomes = list(channel_registry.get(Channel.EMAIL).send([claimed]))
    assert outcomes[0].result == "accepted"
    assert fresh(message).status == MessageStatus.SENDING
    assert messages_sweep() == []  # the lease has not run out
    assert messages_deliver().counts == {}  # nobody else takes it meanwhile
    time_passes(61)
    assert messages_sweep() == [str(message.pk)]
    assert fresh(message).status == MessageStatus.QUEUED
    assert fresh(message).last_error == "lease_expired"
    messages_deliver()
    assert fresh(message).status == MessageStatus.SENT
    # the one repeat a dead worker can cause, with the same Message-ID
    assert smtp.message_ids() == [message.message_id, message.message_id]


def test_the_sweep_is_a_periodic_job():
    from onegate.core.scheduling import discover_jobs
    from onegate.core.scheduling import registry as job_registry

    discover_jobs()
    assert "onegate.notify.jobs.sweep_outbox" in job_registry


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_what_a_committed_change_enqueued(smtp):
    # given a change that committed with two messages in it
    sent = send_to("a@example.test", "b@example.test")
    # when the real task worker runs the enqueued tasks
    run_worker()
    # then both arrived, once each, and the second task found its message already sent
    assert sorted(smtp.message_ids()) == sorted(m.message_id for m in sent)
    assert {fresh(m).status for m in sent} == {MessageStatus.SENT}


def test_receipts_record_delivered_and_bounced_and_ignore_what_does_not_fit(smtp):
    from onegate.notify.services import message_status_report

    first, second = send_to("a@example.test", "b@example.test")
    assert message_status_report(message_id=first.message_id, status="delivered") is None  # unsent
    messages_deliver()
    delivered = message_status_report(message_id=first.message_id, status="delivered")
    assert delivered is not None and delivered.status == MessageStatus.DELIVERED
    bounced = message_status_report(message_id=second.message_id, status="bounced", error="5.1.1")
    assert bounced is not None and bounced.status == MessageStatus.BOUNCED
    assert message_status_report(message_id="<unknown@x>", status="delivered") is None
    assert AuditEvent.objects.filter(action=NotifyAction.MESSAGE_STATUS_REPORTED).count() == 2
    # a bounced message can be sent again by an operator
    assert message_retry(actor=None, message_pk=second.pk).status == MessageStatus.QUEUED
