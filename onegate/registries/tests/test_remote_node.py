"""The remote adapter against a second, live OneGate node (granian, its own database and key).

This test process is node A; node B runs as a subprocess for the whole session (``node_b``).
A small TCP proxy in front of node B makes it slow, silent or talk garbage when a test needs it.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from onegate.audit.constants import ActorType, RegistryAction
from onegate.audit.models import AuditEvent
from onegate.registries.adapters import signing, wire
from onegate.registries.adapters.base import (
    QUESTIONS,
    AccessContext,
    Answer,
    InvalidQuestion,
    PersonRecord,
    PurposeRequired,
    RegistryBadResponse,
    RegistryUnavailable,
)
from onegate.registries.adapters.breaker import CircuitBreaker
from onegate.registries.adapters.registry import registry
from onegate.registries.adapters.remote import RemoteAdapter
from onegate.registries.constants import AccessorKind
from onegate.registries.models import AccessRecord
from onegate.registries.tests.remote_node import harness
from onegate.registries.tests.remote_node.proxy import FaultyProxy

pytestmark = pytest.mark.django_db

NODE_A, NODE_B = "node-a", "node-b"
READER = AccessContext(
    kind=AccessorKind.STAFF,
    accessor_id="officer-7",
    accessor_label="Officer Somsri",
    organisation="Department of Consular Affairs",
    purpose="Check a visa application",
    channel="admin",
    on_behalf_of="Applicant's representative",
)


@pytest.fixture(scope="session")
def node_a_key() -> dict[str, Any]:
    return harness.new_private_jwk()


@pytest.fixture(scope="session")
def node_b(tmp_path_factory: pytest.TempPathFactory, node_a_key: dict[str, Any]) -> Iterator[Any]:
    node = harness.start_node(
        tmp_path_factory.mktemp("node_b"),
        node_id=NODE_B,
        peers={NODE_A: harness.public_jwk(node_a_key)},
    )
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture
def as_node_a(settings: Any, node_a_key: dict[str, Any], node_b: Any) -> Any:
    """This process is node A, asking node B, with short timeouts and a breaker out of the way."""
    settings.REGISTRY_NODE_ID = NODE_A
    settings.REGISTRY_NODE_PRIVATE_KEY = json.dumps(node_a_key)
    settings.REGISTRY_REMOTE_URL = node_b.url
    settings.REGISTRY_REMOTE_NODE_ID = NODE_B
    settings.REGISTRY_REMOTE_PUBLIC_KEY = json.dumps(harness.public_jwk(node_b.private_jwk))
    settings.REGISTRY_REMOTE_CONNECT_TIMEOUT = 0.5
    settings.REGISTRY_REMOTE_READ_TIMEOUT = 3.0
    settings.REGISTRY_REMOTE_RETRIES = 2
    settings.REGISTRY_REMOTE_BACKOFF_SECONDS = 0.02
    settings.REGISTRY_BREAKER_THRESHOLD = 1000
    settings.REGISTRY_BREAKER_COOLDOWN_SECONDS = 30.0
    cache.clear()
    return settings


@pytest.fixture
def proxy(as_node_a: Any, node_b: Any) -> Iterator[FaultyProxy]:
    faulty = FaultyProxy(target_port=node_b.port).start()
    as_node_a.REGISTRY_REMOTE_URL = faulty.url
    try:
        yield faulty
    finally:
        faulty.stop()


@contextlib.contextmanager
def nothing_written() -> Iterator[None]:
    """Node A's audit log and access log are the same after the block as before it."""
    before = (AuditEvent.objects.count(), AccessRecord.objects.count())
    yield
    assert (AuditEvent.objects.count(), AccessRecord.objects.count()) == before


def reader(**changes: Any) -> AccessContext:
    return AccessContext(**{**READER.__dict__, **changes})


# -- every question, both ways -------------------------------------------------------------

CASES: dict[str, list[Callable[[dict[str, str]], dict[str, Any]]]] = {
    "person_get": [
        lambda s: {"person_id": s["father"]},
        lambda s: {"person_id": "00000000-0000-4000-8000-000000000000"},  # nobody: None
    ],
    "person_find": [
        lambda s: {"scheme": "national_id", "value": s["father_national_id"]},
        lambda s: {
            "scheme": "travel_document",
            "value": s["passport"],
            "issuing_state": s["passport_state"],
        },
        lambda s: {
            "scheme": "foreign_national_id",
            "value": s["visitor_identifier"],
            "issuing_state": s["passport_state"],
        },
    ],
    "people_search": [
        lambda s: {"name": "Jaidee", "limit": 10},
        lambda s: {"name": "ใจดี", "date_of_birth": dt.date(2015, 3, 3)},
    ],
    "children_of": [lambda s: {"person_id": s["father"]}],
    "guardians_of": [lambda s: {"person_id": s["child"]}],
    "travel_documents_of": [lambda s: {"person_id": s["visitor"]}],
    "current_address": [
        lambda s: {"person_id": s["father"]},
        lambda s: {"person_id": s["visitor"]},  # an international address
    ],
    "residence_on": [
        lambda s: {"person_id": s["visitor"], "on": timezone.localdate()},
        lambda s: {"person_id": s["father"], "on": dt.date(1970, 1, 1)},  # not yet born: None
    ],
    "document_belongs_to": [
        lambda s: {
            "person_id": s["visitor"],
            "number": s["passport"],
            "issuing_state": s["passport_state"],
        },
        lambda s: {"person_id": s["father"], "number": s["passport"], "issuing_state": "UTO"},
    ],
    "id_card_matches": [
        lambda s: {"national_id": s["father_national_id"], "laser_code": s["laser_code"]},
        lambda s: {"national_id": s["father_national_id"], "laser_code": "JT9999999999"},
    ],
}


@pytest.fixture(scope="module")
def local_answers(node_b: Any) -> dict[str, list[Any]]:
    """What node B's own local adapter answers to every case, asked on node B's database."""
    asked = [
        [name, wire.arguments_to_wire(name, case(node_b.seeded))]
        for name in QUESTIONS
        for case in CASES[name]
    ]
    results = iter(node_b.probe("answers", asked))
    return {name: [next(results) for _ in CASES[name]] for name in QUESTIONS}


def test_every_question_has_cases() -> None:
    assert set(CASES) == set(QUESTIONS)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_question_gets_the_answer_the_other_nodes_own_registry_gives(
    as_node_a: Any, node_b: Any, local_answers: dict[str, list[Any]], question: str
) -> None:
    adapter = RemoteAdapter()
    for case, expected in zip(CASES[question], local_answers[question], strict=True):
        assert "answer" in expected, expected
        answer = getattr(adapter, question)(**case(node_b.seeded), access=READER)
        assert wire.answer_to_wire(question, answer) == expected["answer"]
        for part in answer if isinstance(answer, list) else [answer]:
            if part is not None:
                assert isinstance(part, Answer)
                assert part.provenance.node == NODE_B


def test_answers_are_typed_records_with_dates(as_node_a: Any, node_b: Any) -> None:
    answer = RemoteAdapter().person_get(person_id=node_b.seeded["father"], access=READER)
    assert answer is not None
    assert isinstance(answer.value, PersonRecord)
    assert answer.value.date_of_birth == dt.date(1980, 5, 1)
    assert answer.value.given_name_th == "สมชาย"
    assert answer.provenance.as_of.tzinfo is not None


def test_the_remote_adapter_is_registered_as_remote(as_node_a: Any) -> None:
    as_node_a.REGISTRY_ADAPTER = "remote"
    assert isinstance(registry(), RemoteAdapter)


# -- audit on both sides ------------------------------------------------------------------


def test_the_answering_node_records_who_read_whose_data_and_why(
    as_node_a: Any, node_b: Any
) -> None:
    purpose = f"Check a visa application {uuid.uuid4()}"
    RemoteAdapter().children_of(person_id=node_b.seeded["father"], access=reader(purpose=purpose))

    seen = node_b.probe("access")
    records = [r for r in seen["records"] if r["purpose"] == purpose]
    assert {r["person"] for r in records} == {node_b.seeded["father"], node_b.seeded["child"]}
    for record in records:
        assert record["accessor_kind"] == AccessorKind.REMOTE_NODE
        assert record["accessor_id"] == NODE_A
        assert record["accessor_label"] == "Officer Somsri (node-a)"
        assert record["organisation"] == READER.organisation
        assert record["on_behalf_of"] == READER.on_behalf_of
    sent = AuditEvent.objects.get(action=RegistryAction.REMOTE_QUERY_SENT, purpose=purpose)
    answered = [e for e in seen["answered"] if e["purpose"] == purpose]
    assert [e["payload"]["request"] for e in answered] == [sent.payload["request"]]
    assert answered[0]["node"] == NODE_A


def test_the_asking_node_audits_the_question_without_personal_data(
    as_node_a: Any, node_b: Any, django_user_model: Any
) -> None:
    officer = django_user_model.objects.create_user(email="somsri@example.test", password="x" * 12)
    RemoteAdapter().person_find(
        scheme="national_id",
        value=node_b.seeded["father_national_id"],
        access=reader(user=officer),
    )
    event = AuditEvent.objects.get(action=RegistryAction.REMOTE_QUERY_SENT)
    assert (event.actor_type, event.actor_id) == (ActorType.USER, str(officer.pk))
    assert (event.subject_type, event.subject_id) == ("registries.node", NODE_B)
    assert event.purpose == READER.purpose
    assert event.payload["question"] == "person_find"
    recorded = json.dumps(event.payload)
    for personal in (node_b.seeded["father_national_id"], node_b.seeded["father"], "Somchai"):
        assert personal not in recorded


def test_the_asking_nodes_record_rolls_back_with_the_callers_transaction(
    as_node_a: Any, node_b: Any
) -> None:
    with nothing_written(), contextlib.suppress(RuntimeError), transaction.atomic():
        RemoteAdapter().person_get(person_id=node_b.seeded["father"], access=READER)
        assert AuditEvent.objects.filter(action=RegistryAction.REMOTE_QUERY_SENT).exists()
        raise RuntimeError("the caller's work failed")


# -- the answering node refuses bad requests -------------------------------------------------


def signed_request(
    node_a_key: dict[str, Any],
    *,
    question: str = "person_get",
    arguments: dict[str, Any] | None = None,
    purpose: str = "Check a visa application",
    audience: str = NODE_B,
    now: float | None = None,
    **changes: Any,
) -> str:
    key = signing.node_key_from_jwk(NODE_A, node_a_key, "test", private=True)
    claims = signing.claims_new(
        issuer=NODE_A,
        audience=audience,
        lifetime=60,
        now=now,
        question=question,
        arguments=arguments if arguments is not None else {"person_id": str(uuid.uuid4())},
        purpose=purpose,
        organisation="Department of Consular Affairs",
        on_behalf_of="",
        accessor="Officer Somsri",
    )
    return signing.sign({**claims, **changes}, key=key, typ=signing.REQUEST_TYPE)


def post(node: Any, body: str | bytes, question: str = "person_get") -> httpx.Response:
    return httpx.post(
        f"{node.url}/api/v1/registry/{question}",
        content=body,
        headers={"Content-Type": "application/jose"},
        timeout=10,
    )


def problem_of(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].endswith(f"/api/v1/problems/{slug}")
    return body


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_signed_request_is_answered_with_a_signed_answer(
    node_b: Any, node_a_key: dict[str, Any]
) -> None:
    response = post(node_b, signed_request(node_a_key))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/jose"
    b_key = signing.node_key_from_jwk(
        NODE_B, harness.public_jwk(node_b.private_jwk), "t", private=False
    )
    _, claims = signing.verify(
        response.content, keys={b_key.kid: b_key}, typ=signing.ANSWER_TYPE, audience=NODE_A
    )
    assert claims["answer"] is None  # nobody has that id


@pytest.mark.parametrize(
    "body",
    [
        b"not a jws at all",
        b'{"question": "person_get"}',
        f"{b64({'alg': 'none', 'typ': signing.REQUEST_TYPE})}.{b64({'iss': NODE_A})}.",
    ],
    ids=["garbage", "plain-json", "alg-none"],
)
def test_an_unsigned_request_is_refused(node_b: Any, body: Any) -> None:
    problem_of(post(node_b, body), 401, "registry-request-refused")


def test_a_request_signed_by_an_unknown_key_is_refused(node_b: Any) -> None:
    stranger = harness.new_private_jwk()
    body = problem_of(post(node_b, signed_request(stranger)), 401, "registry-request-refused")
    assert "does not know" in body["detail"]


def test_a_replayed_request_is_refused(node_b: Any, node_a_key: dict[str, Any]) -> None:
    token = signed_request(node_a_key)
    assert post(node_b, token).status_code == 200
    body = problem_of(post(node_b, token), 401, "registry-request-refused")
    assert "already used" in body["detail"]


def test_an_expired_request_is_refused(node_b: Any, node_a_key: dict[str, Any]) -> None:
    token = signed_request(node_a_key, now=time.time() - 600)
    body = problem_of(post(node_b, token), 401, "registry-request-refused")
    assert "expired" in body["detail"]


def test_a_request_for_another_node_is_refused(node_b: Any, node_a_key: dict[str, Any]) -> None:
    token = signed_request(node_a_key, audience="node-c")
    body = problem_of(post(node_b, token), 401, "registry-request-refused")
    assert "another node" in body["detail"]


def test_a_request_signed_for_another_question_is_refused(
    node_b: Any, node_a_key: dict[str, Any]
) -> None:
    token = signed_request(node_a_key, question="person_get")
    problem_of(post(node_b, token, question="children_of"), 401, "registry-request-refused")


@pytest.mark.parametrize("purpose", ["", "   "])
def test_a_request_without_a_purpose_is_refused_and_reads_nothing(
    node_b: Any, node_a_key: dict[str, Any], purpose: str
) -> None:
    token = signed_request(
        node_a_key, arguments={"person_id": node_b.seeded["mother"]}, purpose=purpose
    )
    before = node_b.probe("access")
    problem_of(post(node_b, token), 400, "registry-purpose-required")
    assert node_b.probe("access") == before


def test_bad_arguments_are_an_invalid_question(node_b: Any, node_a_key: dict[str, Any]) -> None:
    token = signed_request(node_a_key, arguments={"person_id": 7, "shoe_size": 42})
    problem_of(post(node_b, token), 400, "registry-invalid-question")


def test_an_oversized_request_is_refused_unread(node_b: Any) -> None:
    response = post(node_b, b"x" * 100_000)
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_an_unknown_question_is_not_found(node_b: Any, node_a_key: dict[str, Any]) -> None:
    response = post(node_b, signed_request(node_a_key, question="salary_of"), question="salary_of")
    assert response.status_code == 404


# -- the asking node: refusals, failures, retries and the breaker ----------------------------


def test_no_purpose_is_refused_before_anything_leaves_this_node(proxy: FaultyProxy) -> None:
    with nothing_written(), pytest.raises(PurposeRequired) as refused:
        RemoteAdapter().person_get(person_id=str(uuid.uuid4()), access=reader(purpose=" "))
    assert refused.value.node == NODE_B
    assert proxy.connections == 0


def test_a_question_the_node_finds_invalid_is_not_retried(proxy: FaultyProxy, node_b: Any) -> None:
    with nothing_written(), pytest.raises(InvalidQuestion) as refused:
        RemoteAdapter().person_get(person_id="not-a-person-reference", access=READER)
    assert refused.value.node == NODE_B
    assert "node-b" in str(refused.value.message)
    assert proxy.connections == 1


def test_a_node_that_refuses_our_signature_is_not_retried(
    proxy: FaultyProxy, as_node_a: Any
) -> None:
    as_node_a.REGISTRY_NODE_PRIVATE_KEY = json.dumps(harness.new_private_jwk())
    with nothing_written(), pytest.raises(RegistryUnavailable) as refused:
        RemoteAdapter().person_get(person_id=str(uuid.uuid4()), access=READER)
    assert "refused" in str(refused.value.message)
    assert proxy.connections == 1


def test_a_node_that_is_down_is_unavailable_quickly_after_retries(as_node_a: Any) -> None:
    as_node_a.REGISTRY_REMOTE_URL = f"http://127.0.0.1:{harness.free_port()}"
    started = time.monotonic()
    with nothing_written(), pytest.raises(RegistryUnavailable) as failed:
        RemoteAdapter().person_get(person_id=str(uuid.uuid4()), access=READER)
    assert time.monotonic() - started < 2
    assert failed.value.node == NODE_B
    assert str(failed.value.message) == "Registry node node-b could not be reached."


def test_a_node_that_hangs_up_is_tried_once_plus_retries(proxy: FaultyProxy) -> None:
    proxy.mode = "close"
    with nothing_written(), pytest.raises(RegistryUnavailable):
        RemoteAdapter().person_get(person_id=str(uuid.uuid4()), access=READER)
    assert proxy.connections == 3


def test_a_slow_node_times_out_as_unavailable(proxy: FaultyProxy, as_node_a: Any) -> None:
    proxy.mode, proxy.delay = "delay", 2.0
    as_node_a.REGISTRY_REMOTE_READ_TIMEOUT = 0.3
    as_node_a.REGISTRY_REMOTE_RETRIES = 1
    started = time.monotonic()
    with nothing_written(), pytest.raises(RegistryUnavailable) as failed:
        RemoteAdapter().person_get(person_id=str(uuid.uuid4()), access=READER)
    assert 0.6 <= time.monotonic() - started < 2.0  # never waited for the 2-second answer
    assert str(failed.value.message) == "Registry node node-b did not answer in time."
    assert proxy.connections == 2


def test_server_errors_are_retried_then_unavailable(proxy: FaultyProxy) -> None:
    proxy.mode = "respond"
    proxy.response = (
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
        b'Content-Length: 15\r\nConnection: close\r\n\r\n{"status": 503}'
    )
    with nothing_written(), pytest.raises(RegistryUnavailable) as failed:
        RemoteAdapter().person_get(person_id=str(uuid.uuid4()), access=READER)
    assert str(failed.value.message) == "Registry node node-b failed while answering."
    assert proxy.connections == 3


def answer_with(body: bytes, content_type: bytes = b"application/jose") -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type + b"\r\nContent-Length: "
        + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"garbage", b"application/jose"),
        (b'{"answer": null}', b"application/json"),
        (
            f"{b64({'alg': 'none', 'typ': signing.ANSWER_TYPE})}.{b64({'answer': None})}.".encode(),
            b"application/jose",
        ),
    ],
    ids=["garbage", "unsigned-json", "alg-none"],
)
def test_a_garbage_or_unsigned_answer_is_a_bad_response_naming_the_node(
    proxy: FaultyProxy, body: bytes, content_type: bytes
) -> None:
    proxy.mode, proxy.response = "respond", answer_with(body, content_type)
    with nothing_written(), pytest.raises(RegistryBadResponse) as bad:
        RemoteAdapter().person_get(person_id=str(uuid.uuid4()), access=READER)
    assert bad.value.node == NODE_B
    assert str(bad.value.message) == "Registry node node-b answered without a valid signature."
    assert proxy.connections == 1  # a bad answer is not asked again


def test_an_answer_signed_by_another_key_is_a_bad_response(as_node_a: Any) -> None:
    impostor = harness.public_jwk(harness.new_private_jwk())
    as_node_a.REGISTRY_REMOTE_PUBLIC_KEY = json.dumps(impostor)
    with nothing_written(), pytest.raises(RegistryBadResponse) as bad:
        RemoteAdapter().person_get(person_id=str(uuid.uuid4()), access=READER)
    assert str(bad.value.message) == (
        "Registry node node-b answered with a signature that is not its own."
    )


def test_the_breaker_opens_fails_fast_then_half_opens(proxy: FaultyProxy, as_node_a: Any) -> None:
    as_node_a.REGISTRY_REMOTE_RETRIES = 0
    as_node_a.REGISTRY_BREAKER_THRESHOLD = 2
    as_node_a.REGISTRY_BREAKER_COOLDOWN_SECONDS = 0.5
    proxy.mode = "close"
    adapter = RemoteAdapter()

    def ask() -> Any:
        return adapter.person_get(person_id=str(uuid.uuid4()), access=READER)

    # given two failures in a row, the breaker is open
    for _ in range(2):
        with pytest.raises(RegistryUnavailable):
            ask()
    assert proxy.connections == 2
    assert breaker_of_node_b(as_node_a).state() == "open"
    # then questions fail at once, without a connection
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable) as fast:
        ask()
    assert time.monotonic() - started < 0.1
    assert "try again shortly" in str(fast.value.message)
    assert proxy.connections == 2
    # after the cool-down one probe goes through; it fails, so the breaker opens again
    time.sleep(0.6)
    with pytest.raises(RegistryUnavailable):
        ask()
    assert proxy.connections == 3
    with pytest.raises(RegistryUnavailable):
        ask()
    assert proxy.connections == 3
    # the next probe succeeds and closes the breaker
    time.sleep(0.6)
    proxy.mode = "forward"
    assert ask() is None
    assert breaker_of_node_b(as_node_a).state() == "closed"
    assert ask() is None


def breaker_of_node_b(settings: Any) -> CircuitBreaker:
    return CircuitBreaker(
        NODE_B,
        threshold=settings.REGISTRY_BREAKER_THRESHOLD,
        cooldown=settings.REGISTRY_BREAKER_COOLDOWN_SECONDS,
    )
