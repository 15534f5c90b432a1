"""``POST /api/v1/verification/checks``: a relying party asks whether a document carries a valid
entitlement of a type on a date.

The relying party's system authenticates with an OAuth 2.0 access token from ``/o/token/``
(client credentials, scope ``credentials.verify``) and states a purpose. It may ask only about its
registered entitlement types, with one of its registered purposes, and is told only what its
registration allows (by default: valid or not, and until when). Every check is recorded for the
holder (``verification.entitlement_check``); refusals are problem details (RFC 9457).

The token is looked up by its checksum, as django-oauth-toolkit stores it; each process keeps what
it found for ``TOKEN_MEMORY_SECONDS`` so the hot path reads no token from the database. A token
revoked, or a relying party switched off, is refused everywhere within that time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from oauth2_provider.models import get_access_token_model

from onegate.api.problems import (
    PROBLEM_TYPES,
    VALIDATION_ERROR,
    ProblemType,
    field_error,
    problem_response,
)
from onegate.audit.constants import CredentialAction
from onegate.audit.services import audit_record
from onegate.credentials.constants import VERIFY_SCOPE, CheckChannel
from onegate.credentials.models import RelyingParty
from onegate.credentials.ratelimit import RateLimitUnavailable, client_windows, rate_limit_hit
from onegate.credentials.verification import (
    CheckAnswer,
    Checker,
    document_normalise,
    entitlement_check,
)
from onegate.identity.models.oidc import ClientPolicy

TOKEN_MEMORY_SECONDS = 5.0
TOKEN_MEMORY_SIZE = 10_000  # forgotten all at once when full
REALM = "onegate-verification"

NOT_ALLOWED = ProblemType(
    "verification-not-allowed",
    403,
    gettext_lazy("This relying party may not ask this."),
    gettext_lazy(
        "A relying party may ask only about the entitlement types it is registered for, and must "
        "state one of its registered purposes (purpose). detail says which rule was broken; ask "
        "OneGate's operator to change the registration, with the reason."
    ),
)
RATE_LIMITED = ProblemType(
    "verification-rate-limited",
    429,
    gettext_lazy("Too many checks."),
    gettext_lazy(
        "Each relying party may make checks_per_minute checks a minute, and a tenth of that (at "
        "least 10) in any one second. Wait for the number of seconds in Retry-After."
    ),
)
PROBLEM_TYPES.update({problem.slug: problem for problem in (NOT_ALLOWED, RATE_LIMITED)})


# --- authentication: an access token of a registered relying party ----------------------------


class BearerRefused(AuthenticationError):
    """A 401 naming the scheme, and for a bad token why (RFC 6750 section 3)."""

    def __init__(self, message: str, *, error: str = "") -> None:
        super().__init__(401, message)
        challenge = f'Bearer realm="{REALM}"'
        if error:
            challenge += f', error="{error}"'
        self.headers = {"WWW-Authenticate": challenge}


@dataclass(frozen=True)
class ApiClient:
    """The authenticated caller: its relying party (shared: read only) and client id."""

    relying_party: RelyingParty
    client_id: str


_remembered: dict[str, tuple[float, float, ApiClient]] = {}
_remembered_lock = threading.Lock()
_clock = time.monotonic


def tokens_forget(**_kwargs: Any) -> None:
    """Forget every remembered token (a token or a relying party changed in this process)."""
    with _remembered_lock:
        _remembered.clear()


for _model in (get_access_token_model(), RelyingParty, ClientPolicy):
    post_save.connect(tokens_forget, sender=_model, dispatch_uid=f"verify-api-{_model.__name__}")
    post_delete.connect(
        tokens_forget, sender=_model, dispatch_uid=f"verify-api-d-{_model.__name__}"
    )


def _client_for_token(token: str) -> ApiClient | None:
    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    now, wall = _clock(), time.time()
    remembered = _remembered.get(checksum)
    if remembered is not None and now - remembered[0] < TOKEN_MEMORY_SECONDS:
        return remembered[2] if wall < remembered[1] else None
    row = (
        get_access_token_model()
        .objects.select_related("application__relying_party", "application__onegate_policy")
        .filter(token_checksum=checksum)
        .first()
    )
    if row is None or row.expires <= timezone.now() or VERIFY_SCOPE not in row.scope.split():
        return None  # unknown and expired tokens are not remembered
    party: RelyingParty | None = getattr(row.application, "relying_party", None)
    if party is None or not party.is_active:
        return None
    policy = getattr(row.application, "onegate_policy", None)
    if policy is None or not policy.is_active:  # the client switched off: its tokens stop too
        return None
    client = ApiClient(relying_party=party, client_id=row.application.client_id)
    with _remembered_lock:
        if len(_remembered) >= TOKEN_MEMORY_SIZE:
            _remembered.clear()
        _remembered[checksum] = (now, row.expires.timestamp(), client)
    return client


class RelyingPartyBearer(HttpBearer):
    """An access token with scope ``credentials.verify`` of an active relying party."""

    def __call__(self, request: HttpRequest) -> ApiClient:
        scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise BearerRefused(
                _("Send an access token from /o/token/ in the Authorization header (Bearer).")
            )
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient:
        client = _client_for_token(token)
        if client is None:
            raise BearerRefused(
                _(
                    "The access token is not valid: it is unknown, expired, revoked, lacks the "
                    "credentials.verify scope, or belongs to no active relying party."
                ),
                error="invalid_token",
            )
        return client


# --- the operation ------------------------------------------------------------------------------


class DocumentIn(Schema):
    type: Literal["passport", "national_id"] = Field(description="The kind of document.")
    number: str = Field(
        min_length=1,
        max_length=64,
        description="As printed; spaces, dashes and lower case are accepted.",
        examples=["AB1234567"],
    )
    issuing_state: str = Field(
        default="",
        max_length=8,
        description="ICAO code of the issuing state (passports); THA for national IDs.",
        examples=["GBR"],
    )


class CheckIn(Schema):
    document: DocumentIn
    entitlement_type: str = Field(
        min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$", examples=["travel-authority"]
    )
    on: dt.date | None = Field(
        default=None, description="The date asked about; today in Bangkok when left out."
    )
    purpose: str = Field(
        default="",
        max_length=300,
        description="Why you ask: one of the purposes you are registered for.",
        examples=["border_entry"],
    )


class CheckOut(Schema):
    valid: bool = Field(description="Whether a valid entitlement of the type is linked.")
    valid_until: dt.date | None = Field(
        default=None, description="Last day it is valid (if disclosed; left out: open-ended)."
    )
    status: str | None = Field(
        default=None,
        description="active, suspended, revoked, expired, not_yet_valid or not_found "
        "(only if your registration discloses it).",
    )
    conditions: list[dict[str, str]] | None = Field(
        default=None, description="Conditions, each {en, th} (only if disclosed)."
    )
    holder_name: dict[str, str] | None = Field(
        default=None, description="The holder's names {en, th} (only if disclosed)."
    )
    entitlement_type: str
    on: dt.date
    check_id: str = Field(description="This check's id: quote it to the holder or support.")


PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail", "instance"],
}


def _problem_content(example: dict[str, Any]) -> dict[str, Any]:
    return {
        "application/problem+json": {
            "schema": PROBLEM_SCHEMA,
            "example": example,
        }
    }


OPENAPI_EXTRA: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/json": {
                "example": {
                    "document": {"type": "passport", "number": "AB1234567", "issuing_state": "GBR"},
                    "entitlement_type": "travel-authority",
                    "on": "2026-11-26",
                    "purpose": "border_entry",
                }
            }
        }
    },
    "responses": {
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "valid": True,
                        "valid_until": "2028-11-25",
                        "entitlement_type": "travel-authority",
                        "on": "2026-11-26",
                        "check_id": "0b7f8a0e-3d57-4d3c-9f55-2f1f4c6c7e10",
                    }
                }
            }
        },
        401: {
            "description": "No access token, or one that is not valid (WWW-Authenticate says why).",
            "content": _problem_content(
                {"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "…"}
            ),
        },
        403: {
            "description": "Outside the registration: entitlement type or purpose not allowed.",
            "content": _problem_content(
                {"type": ".../problems/verification-not-allowed", "status": 403, "detail": "…"}
            ),
        },
        422: {
            "description": "The body is not valid; errors points at each bad value.",
            "content": _problem_content(
                {"type": ".../problems/validation-error", "status": 422, "errors": []}
            ),
        },
        429: {
            "description": "Rate limited: wait for Retry-After seconds.",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            "content": _problem_content(
                {"type": ".../problems/verification-rate-limited", "status": 429, "detail": "…"}
            ),
        },
        503: {
            "description": "The rate limiter is not available; nothing was checked. Retry later.",
            "content": _problem_content({"type": "about:blank", "status": 503, "detail": "…"}),
        },
    },
}

router = Router(tags=["verification"], auth=RelyingPartyBearer())


@router.post(
    "/checks",
    response={200: CheckOut},
    exclude_none=True,
    url_name="verification-check",
    summary="Check a document for a valid entitlement",
    openapi_extra=OPENAPI_EXTRA,
)
def check(request: HttpRequest, body: CheckIn) -> Any:
    """Does the person holding this document hold a valid entitlement of this type on this date?

    Answers ``valid`` and, by default, ``valid_until``; other fields only if your registration
    discloses them. Every check is shown to the holder, with your organisation and purpose.
    """
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    party = client.relying_party
    refused = _rate_limited(request, party) or _outside_registration(request, party, body)
    if refused is not None:
        return refused
    try:
        document = document_normalise(
            body.document.type, body.document.number, body.document.issuing_state
        )
    except ValidationError as invalid:
        return _invalid_document(request, invalid)
    answer = entitlement_check(
        document=document,
        entitlement_type=body.entitlement_type,
        on=body.on or timezone.localdate(),
        purpose=body.purpose.strip(),
        checker=Checker(
            relying_party=party,
            label=party.name_en,
            organisation=party.organisation,
            channel=CheckChannel.API,
            disclosures=frozenset(party.disclosures),
            accessor_id=client.client_id,
        ),
    )
    return _as_json(answer)


def _as_json(answer: CheckAnswer) -> dict[str, Any]:
    return {
        "valid": answer.valid,
        "valid_until": answer.valid_until,
        "status": answer.status,
        "conditions": answer.conditions,
        "holder_name": answer.holder_name,
        "entitlement_type": answer.entitlement_type,
        "on": answer.on,
        "check_id": answer.check_id,
    }


def _rate_limited(request: HttpRequest, party: RelyingParty) -> HttpResponse | None:
    try:
        wait = rate_limit_hit(
            key=f"verify-rp:{party.pk}", windows=client_windows(party.checks_per_minute)
        )
    except RateLimitUnavailable:
        response = problem_response(
            request, status=503, detail=_("Checks cannot be counted at the moment. Try again.")
        )
        response["Retry-After"] = "1"
        return response
    if wait is None:
        return None
    response = problem_response(
        request,
        status=429,
        problem_type=RATE_LIMITED,
        detail=_("You have made too many checks. Try again in %(seconds)s seconds.")
        % {"seconds": wait},
    )
    response["Retry-After"] = str(wait)
    return response


def _outside_registration(
    request: HttpRequest, party: RelyingParty, body: CheckIn
) -> HttpResponse | None:
    refusal = _refusal(party, body)
    if refusal is None:
        return None
    reason, detail = refusal
    audit_record(
        actor=None,
        action=CredentialAction.CHECK_REFUSED,
        subject_type="credentials.relying_party",
        subject_id=party.pk,
        purpose=body.purpose.strip()[:300] or "verification",
        payload={"reason": reason, "entitlement_type": body.entitlement_type[:80]},
    )
    return problem_response(request, status=403, problem_type=NOT_ALLOWED, detail=detail)


def _refusal(party: RelyingParty, body: CheckIn) -> tuple[str, str] | None:
    """Why the registration does not allow the question (a code, and a sentence), or None."""
    purpose, purposes = body.purpose.strip(), ", ".join(party.purposes)
    if not purpose:
        message = _("State a purpose: say why you ask, with one of your purposes (%(purposes)s).")
        return "no_purpose", message % {"purposes": purposes}
    if purpose not in party.purposes:
        message = _(
            "The purpose “%(purpose)s” is not one you are registered for. Use one of: %(purposes)s."
        )
        return "purpose", message % {"purpose": purpose, "purposes": purposes}
    if body.entitlement_type not in party.entitlement_types:
        message = _(
            "You may not ask about entitlements of type “%(type)s”. You may ask about: %(types)s."
        )
        types = ", ".join(party.entitlement_types)
        return "entitlement_type", message % {"type": body.entitlement_type, "types": types}
    return None


# Which field of the document a normalisation error is about (by its code).
_FIELD_OF_CODE = {
    "issuing_state": "issuing_state",
    "country_code": "issuing_state",
    "specimen_state": "issuing_state",
    "document_type": "type",
}


def _invalid_document(request: HttpRequest, invalid: ValidationError) -> HttpResponse:
    errors = [
        field_error(
            source="body",
            loc=["document", _FIELD_OF_CODE.get(error.code or "", "number")],
            body_attr=None,
            message=" ".join(error.messages),
        )
        for error in invalid.error_list
    ]
    return problem_response(
        request,
        status=VALIDATION_ERROR.status,
        problem_type=VALIDATION_ERROR,
        detail=_("Correct the values listed in errors and send the request again."),
        extensions={"errors": errors},
    )
