"""The node-to-node registry API: other OneGate nodes ask this node's registry, X-Road style.

``POST /api/v1/registry/<question>`` with a compact JWS (``application/jose``) signed by the
asking node, one of ``REGISTRY_PEERS``. The request is checked (signature, sender, audience,
time, a nonce not seen before, the question, a purpose), then answered by the local adapter as
the asking node (``AccessorKind.REMOTE_NODE``), which writes an access record for every person
returned; the answer is a compact JWS signed by this node, bound to the request's nonce. Every
refusal is problem details (RFC 9457). Protocol: docs/registries-remote.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Router

from onegate.api.problems import PROBLEM_TYPES, ProblemType, problem_response
from onegate.registries.adapters import signing, wire
from onegate.registries.adapters.base import (
    QUESTIONS,
    AccessContext,
    InvalidQuestion,
    PurposeRequired,
)
from onegate.registries.adapters.local import LocalAdapter
from onegate.registries.adapters.remote import (
    INVALID_QUESTION_PROBLEM,
    JOSE_CONTENT_TYPE,
    PURPOSE_PROBLEM,
    QuestionNotAllowed,
    peer_questions,
    token_lifetime,
)
from onegate.registries.constants import AccessorKind
from onegate.registries.models import RemoteRequestNonce
from onegate.registries.services.remote import remote_query_record_answered

logger = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 64 * 1024
# Lengths of the access log's columns, which the request's context fills.
MAX_CONTEXT = {"purpose": 300, "organisation": 200, "on_behalf_of": 200, "accessor": 200}

REQUEST_REFUSED = ProblemType(
    "registry-request-refused",
    401,
    _("The registry request was refused."),
    _(
        "A registry request must be a compact JWS signed with the key of a node this node lets "
        "ask it, addressed to this node, current (iat and exp), with a nonce (jti) not used "
        "before, for the question in the path. detail says which check failed."
    ),
)
PURPOSE_REQUIRED = ProblemType(
    PURPOSE_PROBLEM,
    400,
    _("A purpose is required."),
    _("Registry reads without a purpose are refused: say why the data is needed (purpose)."),
)
QUESTION_NOT_ALLOWED = ProblemType(
    "registry-question-not-allowed",
    403,
    _("This node may not ask that question."),
    _(
        "Each peer may ask only the questions this node's REGISTRY_PEER_QUESTIONS lists for it; "
        "ask the node's operator to allow the question, with the reason."
    ),
)
INVALID_QUESTION = ProblemType(
    INVALID_QUESTION_PROBLEM,
    400,
    _("The registry question is not valid."),
    _(
        "The question's arguments, or the reader's context (organisation, on whose behalf), are "
        "missing or wrong. detail says what."
    ),
)
# The API's list of problem types is open: each type documents itself at its URI.
PROBLEM_TYPES.update(
    {p.slug: p for p in (REQUEST_REFUSED, QUESTION_NOT_ALLOWED, PURPOSE_REQUIRED, INVALID_QUESTION)}
)

router = Router(tags=["registry"])


@router.post(
    "/{question}",
    auth=None,  # the signed request is the authentication
    url_name="registry-question",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {JOSE_CONTENT_TYPE: {"schema": {"type": "string"}}},
        },
        # An int key, as django-ninja's own: a "200" string would be a second, duplicate key.
        "responses": {
            200: {
                "description": "The answer, a compact JWS signed by this node.",
                "content": {JOSE_CONTENT_TYPE: {"schema": {"type": "string"}}},
            }
        },
    },
)
def answer_question(request: HttpRequest, question: str) -> HttpResponse:
    """Answer one registry question from another OneGate node (signed request, signed answer)."""
    if question not in QUESTIONS:
        return problem_response(
            request, status=404, detail=_("This node does not answer that registry question.")
        )
    if _declared_length(request) > MAX_REQUEST_BYTES:
        # Refused before reading: a request is a few hundred bytes, never this.
        return problem_response(request, status=413, detail=_("The request is too large."))
    try:
        me, peers, lifetime = signing.own_key(), signing.peer_keys(), token_lifetime()
    except ImproperlyConfigured as exc:
        logger.error("registry API: this node is not set up to answer other nodes: %s", exc)
        return problem_response(
            request, status=503, detail=_("This node does not answer other nodes' questions.")
        )
    try:
        return _answer(request, question, me=me, peers=peers, lifetime=lifetime)
    except signing.SignatureRefused as refusal:
        logger.warning("registry API: request refused (%s)", refusal.reason)
        return problem_response(
            request, status=401, problem_type=REQUEST_REFUSED, detail=refusal.message
        )
    except QuestionNotAllowed as refusal:
        logger.warning("registry API: question refused for a peer that may not ask it")
        return problem_response(
            request, status=403, problem_type=QUESTION_NOT_ALLOWED, detail=refusal.message
        )
    except PurposeRequired as refusal:
        return problem_response(
            request, status=400, problem_type=PURPOSE_REQUIRED, detail=refusal.message
        )
    except InvalidQuestion as refusal:
        return problem_response(
            request, status=400, problem_type=INVALID_QUESTION, detail=refusal.message
        )


def _answer(
    request: HttpRequest,
    question: str,
    *,
    me: signing.NodeKey,
    peers: dict[str, signing.NodeKey],
    lifetime: int,
) -> HttpResponse:
    caller, claims = signing.verify(
        request.body, keys=peers, typ=signing.REQUEST_TYPE, audience=me.node
    )
    if claims.get("question") != question:
        raise signing.SignatureRefused(
            _("The signed question is not the one in the address."), reason="wrong_question"
        )
    if question not in peer_questions().get(caller.node, frozenset()):
        raise QuestionNotAllowed(node=caller.node)
    _refuse_replay(caller.node, claims)
    access = _access_context(caller, claims)
    arguments = _arguments(question, claims.get("arguments"))
    with transaction.atomic():
        answer = getattr(LocalAdapter(), question)(**arguments, access=access)
        results = 0 if answer is None else len(answer) if isinstance(answer, list) else 1
        remote_query_record_answered(
            access=access, question=question, request_id=claims["jti"], results=results
        )
        # Signed inside the transaction: an answer that cannot be sent leaves no access record.
        token = signing.sign(
            signing.claims_new(
                issuer=me.node,
                audience=caller.node,
                lifetime=lifetime,
                req=claims["jti"],
                question=question,
                answer=wire.answer_to_wire(question, answer),
            ),
            key=me,
            typ=signing.ANSWER_TYPE,
        )
    response = HttpResponse(token, content_type=JOSE_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _refuse_replay(node: str, claims: dict[str, Any]) -> None:
    """Remember the nonce until the request expires; a second use within that time is refused."""
    expires = float(claims["exp"]) + signing.CLOCK_SKEW_SECONDS
    try:
        with transaction.atomic():
            RemoteRequestNonce.objects.create(
                node=node,
                jti=str(claims["jti"])[:128],
                expires_at=dt.datetime.fromtimestamp(expires, tz=dt.UTC),
            )
    except IntegrityError:
        raise signing.SignatureRefused(
            _("This request was already used; sign a new one."), reason="replayed"
        ) from None


def _access_context(caller: signing.NodeKey, claims: dict[str, Any]) -> AccessContext:
    context = {name: claims.get(name, "") for name in MAX_CONTEXT}
    for name, value in context.items():
        if not isinstance(value, str) or len(value) > MAX_CONTEXT[name]:
            raise InvalidQuestion(
                _("%(field)s must be text of at most %(limit)s characters.")
                % {"field": name, "limit": MAX_CONTEXT[name]}
            )
    if not context["purpose"].strip():
        raise PurposeRequired()
    if not context["organisation"].strip():
        raise InvalidQuestion(_("Name the organisation that asks (organisation)."))
    accessor = context["accessor"].strip()
    return AccessContext(
        kind=AccessorKind.REMOTE_NODE,
        accessor_id=caller.node,
        # Who asked, as the asking node names them, and through which node.
        accessor_label=f"{accessor} ({caller.node})"[:200] if accessor else caller.node,
        organisation=context["organisation"],
        purpose=context["purpose"],
        on_behalf_of=context["on_behalf_of"],
        channel="remote",
    )


def _arguments(question: str, data: Any) -> dict[str, Any]:
    try:
        return wire.arguments_from_wire(question, data)
    except wire.WireError as exc:
        # The wire error names arguments and types only, never their values.
        raise InvalidQuestion(
            _("The question's arguments are not valid: %(problem)s") % {"problem": str(exc)}
        ) from None
