"""The remote adapter: registry questions asked of another OneGate node, in the spirit of X-Road.

Each question is one signed HTTP request to the node's registry API (``registries.api``) and one
signed answer back (protocol: docs/registries-remote.md). Around the call: a purpose is required
before anything leaves this node; connection errors, timeouts and 5xx answers are retried with
exponential backoff and jitter (4xx never: the node answered, and asking again changes nothing);
a circuit breaker shared by every process stops asking a node that keeps failing. Every failure is
a typed ``RegistryError`` naming the node. Answers carry the remote node's id in their provenance.

Audit: the answering node writes access records for every person it returns; this node writes
one audit record per answered question in the caller's transaction (``services.remote``). A failed
question writes nothing here, so it cannot leave a partial record; it is logged instead.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from onegate.registries.adapters import signing, wire
from onegate.registries.adapters.base import (
    QUESTIONS,
    AccessContext,
    AddressRecord,
    Answer,
    DocumentOwnership,
    FamilyMember,
    InvalidQuestion,
    PersonRecord,
    PurposeRequired,
    RegistryBadResponse,
    RegistryError,
    RegistryUnavailable,
    ResidenceRecord,
    TravelDocumentRecord,
)
from onegate.registries.adapters.breaker import CircuitBreaker, CircuitOpen
from onegate.registries.adapters.registry import register_adapter
from onegate.registries.services.remote import remote_query_record_sent

if TYPE_CHECKING:
    import datetime as dt

logger = logging.getLogger(__name__)

API_PATH = "api/v1/registry/"
JOSE_CONTENT_TYPE = "application/jose"
MAX_ANSWER_BYTES = 4 * 1024 * 1024
MAX_DETAIL_CHARACTERS = 300

UNAVAILABLE_MESSAGES = {
    "timeout": _("Registry node %(node)s did not answer in time."),
    "connection": _("Registry node %(node)s could not be reached."),
    "server_error": _("Registry node %(node)s failed while answering."),
    "circuit_open": _("Registry node %(node)s is not answering at the moment; try again shortly."),
    "refused": _("Registry node %(node)s refused this node's request: %(detail)s"),
    "not_offered": _("Registry node %(node)s does not answer this question."),
}
BAD_RESPONSE_MESSAGES = {
    "unsigned": _("Registry node %(node)s answered without a valid signature."),
    "wrong_signer": _("Registry node %(node)s answered with a signature that is not its own."),
    "content": _("Registry node %(node)s answered with something that is not a registry answer."),
}
INVALID_QUESTION_MESSAGE = _("Registry node %(node)s says the question is not valid: %(detail)s")
PURPOSE_REQUIRED_MESSAGE = _(
    "Say why you need this data: registry node %(node)s refuses reads without a purpose."
)
# Problem types of the registry API (``registries.api``), by the last segment of their URI.
PURPOSE_PROBLEM = "registry-purpose-required"
INVALID_QUESTION_PROBLEM = "registry-invalid-question"


@dataclass(frozen=True)
class RemoteConfig:
    """Everything the remote adapter needs, read from settings and checked."""

    questions_url: str  # ends with "/"; the question's name is appended
    me: signing.NodeKey
    node: signing.NodeKey
    timeout: httpx.Timeout
    retries: int
    backoff: float
    breaker_threshold: int
    breaker_cooldown: float
    lifetime: int


def remote_config() -> RemoteConfig:
    """The remote adapter's settings, or ImproperlyConfigured naming the bad variable."""
    connect = _setting_at_least("REGISTRY_REMOTE_CONNECT_TIMEOUT", 0.001)
    read = _setting_at_least("REGISTRY_REMOTE_READ_TIMEOUT", 0.001)
    return RemoteConfig(
        questions_url=_questions_url(settings.REGISTRY_REMOTE_URL),
        me=signing.own_key(),
        node=signing.remote_node_key(),
        timeout=httpx.Timeout(connect=connect, read=read, write=read, pool=connect),
        retries=int(_setting_at_least("REGISTRY_REMOTE_RETRIES", 0, at_most=10)),
        backoff=_setting_at_least("REGISTRY_REMOTE_BACKOFF_SECONDS", 0, at_most=60),
        breaker_threshold=int(_setting_at_least("REGISTRY_BREAKER_THRESHOLD", 1)),
        breaker_cooldown=_setting_at_least("REGISTRY_BREAKER_COOLDOWN_SECONDS", 0),
        lifetime=token_lifetime(),
    )


class QuestionNotAllowed(RegistryError):
    """A peer asked a question this node does not let it ask (``REGISTRY_PEER_QUESTIONS``)."""

    default_message = _("This node does not let you ask that question.")


def peer_questions() -> dict[str, frozenset[str]]:
    """What each peer may ask: ``REGISTRY_PEER_QUESTIONS``; a peer not listed may ask nothing."""
    return _parse_peer_questions(settings.REGISTRY_PEER_QUESTIONS)


@functools.lru_cache(maxsize=8)
def _parse_peer_questions(raw: str) -> dict[str, frozenset[str]]:
    variable = "REGISTRY_PEER_QUESTIONS"
    if not raw.strip():
        return {}
    try:
        document = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{variable}: not JSON") from None
    if not isinstance(document, dict):
        raise ImproperlyConfigured(f'{variable}: expected {{"node id": ["question", ...] or "*"}}')
    allowed = {}
    for node, questions in document.items():
        if questions == "*":
            allowed[node] = frozenset(QUESTIONS)
            continue
        unknown = set(questions) - set(QUESTIONS) if isinstance(questions, list) else {questions}
        if unknown:
            raise ImproperlyConfigured(f"{variable} ({node}): unknown questions {sorted(unknown)}")
        allowed[node] = frozenset(questions)
    return allowed


def registry_settings_validate() -> None:
    """Parse every node-to-node setting this node uses, so a bad one stops start-up.

    Keys are otherwise read on first use; ``RegistriesConfig.ready`` calls this so a mistyped key
    is one line at start-up (``config.startup``), not an error on the first remote question.
    """
    if settings.REGISTRY_NODE_PRIVATE_KEY or settings.REGISTRY_PEERS:
        signing.own_key()
        signing.peer_keys()
        peer_questions()
        token_lifetime()
    if settings.REGISTRY_ADAPTER == "remote":
        remote_config()


def token_lifetime() -> int:
    """How long a signed request or answer is valid (``REGISTRY_TOKEN_LIFETIME_SECONDS``)."""
    return int(
        _setting_at_least(
            "REGISTRY_TOKEN_LIFETIME_SECONDS", 1, at_most=signing.MAX_LIFETIME_SECONDS
        )
    )


def _setting_at_least(name: str, low: float, *, at_most: float | None = None) -> float:
    value = getattr(settings, name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ImproperlyConfigured(f"{name}: expected a number")
    if value < low or (at_most is not None and value > at_most):
        bounds = f"at least {low}" + (f" and at most {at_most}" if at_most is not None else "")
        raise ImproperlyConfigured(f"{name}: must be {bounds}, not {value}")
    return float(value)


def _questions_url(base: str) -> str:
    parts = urlsplit(base or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            "REGISTRY_REMOTE_URL: give the other node's address, e.g. https://registry.example.go.th"
        )
    if parts.query or parts.fragment:
        raise ImproperlyConfigured("REGISTRY_REMOTE_URL: no query string or fragment")
    return base.rstrip("/") + "/" + API_PATH


# One HTTP client per process, so connections to the node are kept alive between questions. A
# forked worker makes its own: a connection pool must not be shared across processes.
_clients: dict[int, httpx.Client] = {}
_clients_lock = threading.Lock()


def http_client() -> httpx.Client:
    pid = os.getpid()
    client = _clients.get(pid)
    if client is None:
        with _clients_lock:
            client = _clients.get(pid)
            if client is None:
                _clients.clear()
                # No proxies from the environment: node-to-node traffic goes where it is told.
                client = httpx.Client(follow_redirects=False, trust_env=False)
                _clients[pid] = client
    return client


@register_adapter("remote")
class RemoteAdapter:
    """Asks the node ``REGISTRY_REMOTE_NODE_ID`` at ``REGISTRY_REMOTE_URL``."""

    name = "remote"

    def __init__(self, config: RemoteConfig | None = None) -> None:
        self.config = config or remote_config()

    def person_get(self, *, person_id: str, access: AccessContext) -> Answer[PersonRecord] | None:
        answer: Answer[PersonRecord] | None = self._ask("person_get", access, person_id=person_id)
        return answer

    def person_find(
        self, *, scheme: str, value: str, issuing_state: str = "", access: AccessContext
    ) -> Answer[PersonRecord] | None:
        answer: Answer[PersonRecord] | None = self._ask(
            "person_find", access, scheme=scheme, value=value, issuing_state=issuing_state
        )
        return answer

    def people_search(
        self,
        *,
        name: str,
        date_of_birth: dt.date | None = None,
        limit: int = 20,
        access: AccessContext,
    ) -> list[Answer[PersonRecord]]:
        answers: list[Answer[PersonRecord]] = self._ask(
            "people_search", access, name=name, date_of_birth=date_of_birth, limit=limit
        )
        return answers

    def children_of(self, *, person_id: str, access: AccessContext) -> list[Answer[FamilyMember]]:
        answers: list[Answer[FamilyMember]] = self._ask("children_of", access, person_id=person_id)
        return answers

    def guardians_of(self, *, person_id: str, access: AccessContext) -> list[Answer[FamilyMember]]:
        answers: list[Answer[FamilyMember]] = self._ask("guardians_of", access, person_id=person_id)
        return answers

    def travel_documents_of(
        self, *, person_id: str, access: AccessContext
    ) -> list[Answer[TravelDocumentRecord]]:
        answers: list[Answer[TravelDocumentRecord]] = self._ask(
            "travel_documents_of", access, person_id=person_id
        )
        return answers

    def current_address(
        self, *, person_id: str, access: AccessContext
    ) -> Answer[AddressRecord] | None:
        answer: Answer[AddressRecord] | None = self._ask(
            "current_address", access, person_id=person_id
        )
        return answer

    def residence_on(
        self, *, person_id: str, on: dt.date, access: AccessContext
    ) -> Answer[ResidenceRecord] | None:
        answer: Answer[ResidenceRecord] | None = self._ask(
            "residence_on", access, person_id=person_id, on=on
        )
        return answer

    def document_belongs_to(
        self, *, person_id: str, number: str, issuing_state: str, access: AccessContext
    ) -> Answer[DocumentOwnership]:
        answer: Answer[DocumentOwnership] = self._ask(
            "document_belongs_to",
            access,
            person_id=person_id,
            number=number,
            issuing_state=issuing_state,
        )
        return answer

    def id_card_matches(
        self, *, national_id: str, laser_code: str, access: AccessContext
    ) -> Answer[bool]:
        answer: Answer[bool] = self._ask(
            "id_card_matches", access, national_id=national_id, laser_code=laser_code
        )
        return answer

    # -- one question, end to end ---------------------------------------------------------------

    def _ask(self, question: str, access: AccessContext, **arguments: Any) -> Any:
        node = self.config.node.node
        if not (access.purpose or "").strip():
            raise PurposeRequired(PURPOSE_REQUIRED_MESSAGE % {"node": node}, node=node)
        answer, request_id = self._exchange(question, access, arguments)
        answer = _with_node(answer, node)
        remote_query_record_sent(
            access=access,
            node=node,
            question=question,
            request_id=request_id,
            results=_count(answer),
        )
        return answer

    def _exchange(
        self, question: str, access: AccessContext, arguments: dict[str, Any]
    ) -> tuple[Any, str]:
        """The verified answer and the request's nonce, with the breaker around the call."""
        config = self.config
        breaker = CircuitBreaker(
            config.node.node,
            threshold=config.breaker_threshold,
            cooldown=config.breaker_cooldown,
        )
        try:
            breaker.before_call()
        except CircuitOpen:
            raise _unavailable("circuit_open", config.node.node) from None
        try:
            response, request_id = self._post(question, access, arguments)
            answer = self._read(response, question=question, request_id=request_id)
        except (RegistryUnavailable, RegistryBadResponse) as failure:
            breaker.record_failure()
            logger.warning(
                "registry node %s: %s failed (%s)",
                config.node.node,
                question,
                type(failure).__name__,
            )
            raise
        except RegistryError:
            breaker.record_success()  # the node answered; it refused the question itself
            raise
        breaker.record_success()
        return answer, request_id

    def _post(
        self, question: str, access: AccessContext, arguments: dict[str, Any]
    ) -> tuple[httpx.Response, str]:
        """POST the question, retrying what may pass on a second try; the last response wins."""
        config = self.config
        failure = "connection"
        for attempt in range(config.retries + 1):
            if attempt:
                time.sleep(backoff_seconds(config.backoff, attempt))
            request_id, token = self._signed_request(question, access, arguments)
            try:
                response = http_client().post(
                    config.questions_url + question,
                    content=token,
                    headers=_request_headers(),
                    timeout=config.timeout,
                )
            except httpx.TimeoutException:
                failure = "timeout"
                continue
            except httpx.TransportError:
                failure = "connection"
                continue
            if response.status_code < 500:
                return response, request_id
            failure = "server_error"
        raise _unavailable(failure, config.node.node)

    def _signed_request(
        self, question: str, access: AccessContext, arguments: dict[str, Any]
    ) -> tuple[str, str]:
        config = self.config
        claims = signing.claims_new(
            issuer=config.me.node,
            audience=config.node.node,
            lifetime=config.lifetime,
            question=question,
            arguments=wire.arguments_to_wire(question, arguments),
            purpose=access.purpose,
            organisation=access.organisation,
            on_behalf_of=access.on_behalf_of,
            accessor=access.accessor_label,
        )
        return claims["jti"], signing.sign(claims, key=config.me, typ=signing.REQUEST_TYPE)

    def _read(self, response: httpx.Response, *, question: str, request_id: str) -> Any:
        node = self.config.node.node
        if response.status_code != 200:
            raise _refusal(response, node)
        if len(response.content) > MAX_ANSWER_BYTES:
            raise _bad_response("content", node)
        try:
            _, claims = signing.verify(
                response.content,
                keys={self.config.node.kid: self.config.node},
                typ=signing.ANSWER_TYPE,
                audience=self.config.me.node,
            )
        except signing.SignatureRefused as refusal:
            raise _bad_response(_bad_signature_kind(refusal.reason), node) from None
        if claims.get("req") != request_id or claims.get("question") != question:
            raise _bad_response("content", node)  # an answer to another request, replayed
        try:
            return wire.answer_from_wire(question, claims.get("answer"))
        except wire.WireError:
            raise _bad_response("content", node) from None


def backoff_seconds(base: float, attempt: int) -> float:
    """Exponential backoff with "equal jitter": half the delay fixed, half random."""
    delay = base * 2 ** (attempt - 1)
    return delay / 2 + delay / 2 * secrets.randbelow(1001) / 1000


def _request_headers() -> dict[str, str]:
    return {
        "Content-Type": JOSE_CONTENT_TYPE,
        "Accept": f"{JOSE_CONTENT_TYPE}, application/problem+json",
        # The node words its refusals (problem details) in the reader's language.
        "Accept-Language": translation.get_language() or settings.LANGUAGE_CODE,
    }


def _refusal(response: httpx.Response, node: str) -> RegistryError:
    """The typed error for a 4xx answer, by its problem type where the node gave one."""
    problem = _problem(response)
    kind = str(problem.get("type", "")).rstrip("/").rsplit("/", 1)[-1]
    detail = str(problem.get("detail", ""))[:MAX_DETAIL_CHARACTERS]
    status = response.status_code
    if kind == PURPOSE_PROBLEM:
        return PurposeRequired(PURPOSE_REQUIRED_MESSAGE % {"node": node}, node=node)
    if kind == INVALID_QUESTION_PROBLEM or status in (400, 422):
        return InvalidQuestion(
            INVALID_QUESTION_MESSAGE % {"node": node, "detail": detail}, node=node
        )
    if status in (401, 403):
        return RegistryUnavailable(
            UNAVAILABLE_MESSAGES["refused"] % {"node": node, "detail": detail}, node=node
        )
    if status in (404, 405):
        return _unavailable("not_offered", node)
    return _bad_response("content", node)


def _problem(response: httpx.Response) -> dict[str, Any]:
    if not response.headers.get("Content-Type", "").startswith("application/problem+json"):
        return {}
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _bad_signature_kind(reason: str) -> str:
    if reason in ("unsigned", "bad_signature"):
        return "unsigned"
    if reason in ("unknown_key", "wrong_issuer"):
        return "wrong_signer"
    return "content"


def _unavailable(kind: str, node: str) -> RegistryUnavailable:
    return RegistryUnavailable(UNAVAILABLE_MESSAGES[kind] % {"node": node}, node=node)


def _bad_response(kind: str, node: str) -> RegistryBadResponse:
    return RegistryBadResponse(BAD_RESPONSE_MESSAGES[kind] % {"node": node}, node=node)


def _with_node(answer: Any, node: str) -> Any:
    """The answer with ``node`` as the provenance node of every part: we checked who signed it."""
    if answer is None:
        return None
    if isinstance(answer, list):
        return [_with_node(item, node) for item in answer]
    provenance = dataclasses.replace(answer.provenance, node=node)
    return dataclasses.replace(answer, provenance=provenance)


def _count(answer: Any) -> int:
    if answer is None:
        return 0
    return len(answer) if isinstance(answer, list) else 1
