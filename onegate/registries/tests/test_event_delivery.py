"""Delivering registry events: at least once by the task worker, applied once by the receiver.

The worker is the real one (django-tasks-db, run in this process); the webhook receiver talks to a
real HTTP server on a local port that plays an agency: it checks the signature, fails when told to,
and applies each event id once (rows D1, D2/D4 and D6 of the idempotency checklist in
``data/tellusonce``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from django.core.exceptions import ValidationError
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from onegate.audit.constants import RegistryAction
from onegate.audit.models import AuditEvent
from onegate.core.tasks import enqueue_in_transaction
from onegate.registries import tasks as registry_tasks
from onegate.registries.constants import DeliveryStatus, EventType
from onegate.registries.models import AgencySubscription, EventDelivery, ReceivedEvent
from onegate.registries.models.events import DELIVERY_ATTEMPTS
from onegate.registries.receivers import (
    DeliveryError,
    EventMessage,
    LocalInbox,
    Webhook,
    receiver_get,
    receivers_override,
    webhook_signature,
    webhook_signature_valid,
)
from onegate.registries.services import events as event_services
from onegate.registries.services.addresses import address_change_report
from onegate.registries.services.events import agency_subscription_set, event_delivery_retry
from onegate.registries.tests.events_support import (
    FlakyAgency,
    UnreachableAgency,
    bangkok_address,
    chiang_mai_input,
    delivery_rows,
    make_divisions,
    make_person,
    run_worker,
    run_worker_until_idle,
    subscribe,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mover():
    make_divisions()
    person = make_person()
    bangkok_address(person, valid_from=dt.date(2015, 6, 1))
    return person


def move(person) -> Any:
    return address_change_report(
        person=person,
        address=chiang_mai_input(),
        moved_on=dt.date(2026, 11, 1),
        actor=None,
        purpose="tell us once: change of address",
    )


def the_delivery() -> EventDelivery:
    return EventDelivery.objects.select_related("subscription", "event").get()


class RecordingEffect:
    """What an in-process agency does with an event: here, count what it applied."""

    def __init__(self, *, fail_times: int = 0) -> None:
        self.applied: list[str] = []
        self.fail_times = fail_times

    def __call__(self, message: EventMessage, agency: str) -> None:
        ReceivedEvent.objects.get(receiver=agency, event_id=message.id)  # written first, same tx
        if self.fail_times:
            self.fail_times -= 1
            raise RuntimeError("agency database unavailable")
        self.applied.append(message.id)


class TestLocalInboxAppliesEachEventOnce:
    def test_a_second_delivery_of_the_same_event_is_a_no_op(self, mover):
        subscribe("health")
        move(mover)
        delivery = the_delivery()
        effect = RecordingEffect()
        inbox = LocalInbox(effect)
        message = EventMessage.of(delivery.event)

        inbox.deliver(message=message, subscription=delivery.subscription)
        inbox.deliver(message=message, subscription=delivery.subscription)

        assert effect.applied == [str(delivery.event_id)]
        assert ReceivedEvent.objects.filter(receiver="health").count() == 1

    def test_an_effect_that_fails_leaves_the_event_unreceived_so_a_retry_applies_it(self, mover):
        subscribe("health")
        move(mover)
        effect = RecordingEffect(fail_times=1)

        with receivers_override(local=LocalInbox(effect)):
            run_worker_until_idle()

        delivery = the_delivery()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
        assert delivery.last_error == "RuntimeError"
        assert effect.applied == [str(delivery.event_id)]
        assert ReceivedEvent.objects.count() == 1

    def test_running_the_task_twice_applies_the_event_once(self, mover):
        subscribe("health")
        move(mover)
        delivery = the_delivery()
        # at least once: the same delivery queued a second time (a duplicate from the outbox)
        enqueue_in_transaction(registry_tasks.event_deliver, delivery_id=str(delivery.id))
        effect = RecordingEffect()

        with receivers_override(local=LocalInbox(effect)):
            run_worker_until_idle()

        assert [row.status for row in delivery_rows()] == [TaskResultStatus.SUCCESSFUL] * 2
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
        assert effect.applied == [str(delivery.event_id)]
        delivered = AuditEvent.objects.filter(action=RegistryAction.EVENT_DELIVERED)
        assert delivered.count() == 1

    def test_a_worker_dying_after_delivering_redelivers_and_the_inbox_ignores_it(
        self, mover, monkeypatch
    ):
        # given a worker that stops after the agency took the event, before recording it
        subscribe("health")
        move(mover)
        real_succeeded = event_services._attempt_succeeded
        deaths: list[str] = []

        def die_once(delivery_id: str) -> None:
            if not deaths:
                deaths.append(delivery_id)
                raise SystemExit(1)
            real_succeeded(delivery_id)

        monkeypatch.setattr(event_services, "_attempt_succeeded", die_once)
        effect = RecordingEffect()

        # when the worker runs until nothing is left (the interrupted attempt is retried)
        with receivers_override(local=LocalInbox(effect)):
            run_worker_until_idle()

        # then the event went twice, was applied once, and the delivery is recorded
        delivery = the_delivery()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
        assert effect.applied == [str(delivery.event_id)]


class TestRetries:
    def test_an_agency_failing_twice_gets_the_event_on_the_third_attempt(self, mover):
        subscribe("land-transport", receiver="flaky")
        move(mover)
        agency = FlakyAgency(failures=2)

        with receivers_override(flaky=agency):
            run_worker_until_idle()

        delivery = the_delivery()
        assert delivery.status == DeliveryStatus.DELIVERED
        assert delivery.attempts == 3
        assert delivery.delivered_at is not None
        assert delivery.last_error == "HTTP 503"  # the last failure, for operators
        assert agency.received == [str(delivery.event_id)]
        statuses = [row.status for row in delivery_rows()]
        assert statuses == [TaskResultStatus.FAILED] * 2 + [TaskResultStatus.SUCCESSFUL]

    def test_retries_back_off(self, mover):
        subscribe("land-transport", receiver="flaky")
        move(mover)

        with receivers_override(flaky=FlakyAgency(failures=2)):
            run_worker()  # first attempt fails; the second waits
            [_, second] = delivery_rows()
            run_worker()  # not due yet: nothing runs

        assert second.status == TaskResultStatus.READY
        waited = second.run_after - second.enqueued_at
        assert dt.timedelta(seconds=29) <= waited <= dt.timedelta(seconds=34)
        assert the_delivery().attempts == 1

    def test_an_agency_that_never_answers_is_given_up_after_the_last_attempt(self, mover):
        subscribe("education", receiver="down")
        move(mover)
        agency = UnreachableAgency()

        with receivers_override(down=agency):
            run_worker_until_idle()

        delivery = the_delivery()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, DELIVERY_ATTEMPTS)
        assert agency.calls == DELIVERY_ATTEMPTS
        # the error's class only: its message quoted the person's national ID
        assert delivery.last_error == "ConnectionRefusedError"
        assert len(delivery_rows()) == DELIVERY_ATTEMPTS
        failed = AuditEvent.objects.get(action=RegistryAction.EVENT_DELIVERY_FAILED)
        assert failed.payload["agency"] == "education"
        assert "1101700203450" not in json.dumps(failed.payload)

    def test_a_stray_task_for_a_failed_delivery_does_nothing(self, mover):
        subscribe("education", receiver="down")
        move(mover)
        agency = UnreachableAgency()
        with receivers_override(down=agency):
            run_worker_until_idle()
            enqueue_in_transaction(registry_tasks.event_deliver, delivery_id=str(the_delivery().id))
            run_worker_until_idle()

        assert agency.calls == DELIVERY_ATTEMPTS
        assert the_delivery().status == DeliveryStatus.FAILED


class TestOperatorRetry:
    def test_retry_now_gives_a_failed_delivery_another_round(self, mover, django_user_model):
        # given a delivery given up while the agency was down
        operator = django_user_model.objects.create_user(email="operator@example.test")
        subscribe("education", receiver="agency")
        move(mover)
        with receivers_override(agency=UnreachableAgency()):
            run_worker_until_idle()

        # when the operator retries it once the agency is back
        retried = event_delivery_retry(delivery=the_delivery(), actor=operator)
        assert retried.status == DeliveryStatus.PENDING
        back = FlakyAgency(failures=0)
        with receivers_override(agency=back):
            run_worker_until_idle()

        # then it is delivered, the attempts add up, and the retry is on record
        delivery = the_delivery()
        assert (delivery.status, delivery.attempts) == (
            DeliveryStatus.DELIVERED,
            DELIVERY_ATTEMPTS + 1,
        )
        assert back.received == [str(delivery.event_id)]
        audit = AuditEvent.objects.get(action=RegistryAction.EVENT_DELIVERY_RETRIED)
        assert (audit.actor_id, audit.subject_id) == (str(operator.pk), str(delivery.id))

    def test_only_a_failed_delivery_can_be_retried(self, mover, django_user_model):
        operator = django_user_model.objects.create_user(email="operator@example.test")
        subscribe("health")
        move(mover)

        with pytest.raises(ValidationError) as refused:
            event_delivery_retry(delivery=the_delivery(), actor=operator)

        assert refused.value.code == "not_failed"
        assert len(delivery_rows()) == 1  # nothing queued twice
        assert not AuditEvent.objects.filter(action=RegistryAction.EVENT_DELIVERY_RETRIED).exists()


class Agency:
    """The state of a stand-in agency's HTTP endpoint, shared with its request handler."""

    def __init__(self, *, secret: str, failures: int = 0, delay: float = 0.0) -> None:
        self.secret = secret
        self.failures = failures
        self.delay = delay
        self.requests: list[dict[str, Any]] = []
        self.applied: list[str] = []
        self.lock = threading.Lock()


def agency_handler(agency: Agency) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with agency.lock:
                agency.requests.append({"headers": dict(self.headers), "body": body})
                status = self.decide(body)
            time.sleep(agency.delay)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def decide(self, body: bytes) -> int:
            if not webhook_signature_valid(body, agency.secret, self.headers["OneGate-Signature"]):
                return 401
            if len(agency.requests) <= agency.failures:
                return 503
            # Accept the key quoted (sf-string) or bare, as a tolerant server should (S7, I10).
            key = self.headers["Idempotency-Key"].strip('"')
            if key not in agency.applied:  # D6: a repeat is answered as before, not re-applied
                agency.applied.append(key)
            return 200

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler


@pytest.fixture
def agency_server() -> Iterator[Any]:
    servers = []

    def start(agency: Agency) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), agency_handler(agency))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/onegate-events"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def webhook_subscription(url: str) -> AgencySubscription:
    return agency_subscription_set(
        agency_slug="land-transport",
        event_type=EventType.ADDRESS_CHANGED,
        receiver="webhook",
        endpoint_url=url,
        actor=None,
        purpose="test",
    )


class TestWebhook:
    def test_delivered_after_two_failures_signed_and_applied_once(self, mover, agency_server):
        # given an agency endpoint that answers 503 twice, then takes events
        agency = Agency(secret="", failures=2)
        agency.secret = webhook_subscription(agency_server(agency)).signing_secret

        # when a move is reported and the worker runs, then runs the same task once more
        event = move(mover)
        run_worker_until_idle()
        enqueue_in_transaction(registry_tasks.event_deliver, delivery_id=str(the_delivery().id))
        run_worker_until_idle()

        # then: three requests (not four), each the same signed body and key, applied once
        delivery = the_delivery()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 3)
        assert len(agency.requests) == 3
        assert {request["body"] for request in agency.requests} == {EventMessage.of(event).body()}
        headers = agency.requests[-1]["headers"]
        assert headers["Idempotency-Key"] == f'"{event.id}"'  # D1: an sf-string
        assert headers["OneGate-Event-Id"] == str(event.id)
        assert headers["Content-Type"] == "application/json"
        assert agency.applied == [str(event.id)]
        sent = json.loads(agency.requests[-1]["body"])
        assert sent["id"] == str(event.id)
        assert sent["type"] == "address.changed"
        assert sent["data"] == event.payload

    def test_a_repeated_delivery_is_answered_as_before_and_not_applied_again(
        self, mover, agency_server
    ):
        agency = Agency(secret="")
        subscription = webhook_subscription(agency_server(agency))
        agency.secret = subscription.signing_secret
        event = move(mover)
        message = EventMessage.of(event)

        Webhook().deliver(message=message, subscription=subscription)
        Webhook().deliver(message=message, subscription=subscription)

        assert len(agency.requests) == 2
        assert agency.applied == [str(event.id)]

    def test_a_body_signed_with_another_secret_is_rejected(self, mover, agency_server):
        agency = Agency(secret="the agency's copy of an old secret")
        subscription = webhook_subscription(agency_server(agency))
        message = EventMessage.of(move(mover))

        with pytest.raises(DeliveryError) as failed:
            Webhook().deliver(message=message, subscription=subscription)

        assert failed.value.reason == "HTTP 401"
        assert agency.applied == []

    def test_an_endpoint_that_is_down_fails_with_the_error_class(self, mover):
        with socket.socket() as closed:  # a port that was free a moment ago: nobody listens
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
        subscription = webhook_subscription(f"http://127.0.0.1:{port}/onegate-events")
        message = EventMessage.of(move(mover))

        with pytest.raises(DeliveryError) as failed:
            Webhook().deliver(message=message, subscription=subscription)

        assert failed.value.reason == "ConnectError"

    def test_a_slow_endpoint_times_out(self, mover, agency_server):
        agency = Agency(secret="", delay=1.0)
        subscription = webhook_subscription(agency_server(agency))
        impatient = Webhook()
        impatient.timeout = httpx.Timeout(0.2)

        with pytest.raises(DeliveryError) as failed:
            impatient.deliver(message=EventMessage.of(move(mover)), subscription=subscription)

        assert failed.value.reason == "ReadTimeout"

    def test_the_signature_is_hmac_sha256_of_the_body(self):
        body = b'{"id":"1"}'
        expected = "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()

        assert webhook_signature(body, "k") == expected
        assert webhook_signature_valid(body, "k", expected)
        assert not webhook_signature_valid(body + b" ", "k", expected)
        assert not webhook_signature_valid(body, "k", None)


class TestSubscriptions:
    def test_subscribing_again_changes_the_receiver_and_keeps_the_secret(self):
        first = agency_subscription_set(
            agency_slug="health",
            event_type=EventType.ADDRESS_CHANGED,
            receiver="local",
            actor=None,
            purpose="test",
        )
        again = agency_subscription_set(
            agency_slug="health",
            event_type=EventType.ADDRESS_CHANGED,
            receiver="webhook",
            endpoint_url="https://health.example/events",
            actor=None,
            purpose="test",
        )

        assert again.id == first.id
        assert (again.receiver, again.signing_secret) == ("webhook", first.signing_secret)
        assert len(first.signing_secret) >= 43  # 256 bits, URL-safe base64
        assert AuditEvent.objects.filter(action=RegistryAction.EVENT_SUBSCRIPTION_SET).count() == 2

    @pytest.mark.parametrize(
        ("receiver", "url", "field"),
        [("carrier-pigeon", "", "receiver"), ("webhook", "", "endpoint_url")],
    )
    def test_a_subscription_that_cannot_be_delivered_is_refused(self, receiver, url, field):
        with pytest.raises(ValidationError) as refused:
            agency_subscription_set(
                agency_slug="health",
                event_type=EventType.ADDRESS_CHANGED,
                receiver=receiver,
                endpoint_url=url,
                actor=None,
                purpose="test",
            )

        assert list(refused.value.error_dict) == [field]
        assert not AgencySubscription.objects.exists()

    def test_built_in_receivers_are_registered(self):
        assert isinstance(receiver_get("local"), LocalInbox)
        assert isinstance(receiver_get("webhook"), Webhook)


def test_a_task_row_is_all_that_the_queue_holds_of_a_delivery(mover):
    """The task carries the delivery id only: no personal data sits in the task table."""
    subscribe("health")
    move(mover)

    [row] = DBTaskResult.objects.all()
    assert row.args_kwargs == {"args": [], "kwargs": {"delivery_id": str(the_delivery().id)}}
