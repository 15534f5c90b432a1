"""Errors as RFC 9457 problem details: the problem types, the responses and the handlers.

Every error response of the API is ``application/problem+json`` with ``type``, ``title``,
``status``, ``detail`` and ``instance``. Errors that are no more than their status code use type
``about:blank`` and the reason phrase as title. OneGate's own problem types are listed in
``PROBLEM_TYPES``; each type URI opens that type's documentation. ``instance`` is a fresh
``urn:uuid:`` for each occurrence; server errors log it, so a client can quote it to support.
Details never carry tracebacks, exception messages of unexpected errors, or request data.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja.errors import HttpError, Throttled, ValidationError

from onegate.api.constants import ABOUT_BLANK, PROBLEM_CONTENT_TYPE, REASON_PHRASES

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

# The URL name, in each API's namespace, of the page documenting a problem type.
PROBLEM_TYPE_URL_NAME = "problem-type"


@dataclass(frozen=True)
class ProblemType:
    """A problem type of OneGate's own (RFC 9457 section 4): URI slug, status, title, meaning."""

    slug: str
    status: int
    title: Promise
    description: Promise


VALIDATION_ERROR = ProblemType(
    "validation-error",
    422,
    _("Your request is not valid."),
    _(
        "Some of the request's values are missing or wrong. Each is listed in errors: a pointer "
        "(RFC 6901, as a URI fragment) into the JSON body, or the name of a query, path, header "
        "or cookie parameter, with a detail saying what is wrong."
    ),
)
MALFORMED_BODY = ProblemType(
    "malformed-body",
    400,
    _("The request body could not be read."),
    _("The request body must be a JSON document encoded as UTF-8."),
)
PROBLEM_TYPES = {problem.slug: problem for problem in (VALIDATION_ERROR, MALFORMED_BODY)}


def reason_phrase(status: int) -> str:
    phrase = REASON_PHRASES.get(status)
    if phrase is not None:
        return str(phrase)
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def new_instance() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    detail: str | Promise,
    problem_type: ProblemType | None = None,
    instance: str = "",
    extensions: dict[str, Any] | None = None,
) -> HttpResponse:
    """A problem details response; ``about:blank`` unless a OneGate problem type is given."""
    body = {
        "type": _type_uri(request, problem_type),
        "title": str(problem_type.title) if problem_type else reason_phrase(status),
        "status": status,
        "detail": str(detail),
        "instance": instance or new_instance(),
        **(extensions or {}),
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def is_problem(response: HttpResponseBase) -> bool:
    return response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)


def _type_uri(request: HttpRequest, problem_type: ProblemType | None) -> str:
    match = request.resolver_match
    if problem_type is None or match is None:
        return ABOUT_BLANK
    path = reverse(f"{match.namespace}:{PROBLEM_TYPE_URL_NAME}", kwargs={"slug": problem_type.slug})
    return request.build_absolute_uri(path)


def field_error(
    *, source: str, loc: Sequence[str | int], body_attr: str | None, message: str
) -> dict[str, str]:
    """One entry of a validation problem's ``errors``: where the bad value is, and what is wrong.

    ``loc`` is pydantic's path within the operation's parameters of one ``source`` (body, query,
    path, header, cookie, form). A body read into a single parameter is that parameter, so its
    name is not part of the pointer into the body.
    """
    if source != "body":
        return {"detail": message, "in": source, "parameter": str(loc[0]) if loc else ""}
    path = list(loc[1:] if body_attr and loc and loc[0] == body_attr else loc)
    pointer = "".join(f"/{_escape_pointer_token(part)}" for part in path)
    return {"detail": message, "in": "body", "pointer": f"#{pointer}"}


def _escape_pointer_token(part: str | int) -> str:
    # RFC 6901 escapes, then percent-encoding for the URI fragment form.
    token = str(part).replace("~", "~0").replace("/", "~1")
    safe = "-._~!$&'()*+,;=:@"
    return "".join(c if (c.isascii() and c.isalnum()) or c in safe else _percent(c) for c in token)


def _percent(character: str) -> str:
    return "".join(f"%{byte:02X}" for byte in character.encode())


def not_found(request: HttpRequest, exc: Exception | None = None) -> HttpResponse:
    # Not the exception's message: it can name the object looked for.
    return problem_response(
        request, status=404, detail=_("There is no API resource at this address.")
    )


def method_not_allowed(request: HttpRequest, *, allowed: str) -> HttpResponse:
    response = problem_response(
        request,
        status=405,
        detail=_("This resource does not accept the %(method)s method.")
        % {"method": request.method},
    )
    response["Allow"] = allowed
    return response


def permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(request, status=403, detail=_("You are not allowed to do this."))


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Errors raised on purpose with a status; a body that is not JSON gets its own type."""
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # ninja wraps the parser's error; JSONDecodeError and UnicodeDecodeError are ValueErrors.
        return problem_response(
            request,
            status=400,
            problem_type=MALFORMED_BODY,
            detail=_("The body is not a JSON document encoded as UTF-8."),
        )
    response = problem_response(request, status=exc.status_code, detail=exc.message)
    # Headers the error names, e.g. WWW-Authenticate on a 401 (RFC 9110 section 11.6.1).
    for name, value in getattr(exc, "headers", {}).items():
        response[name] = value
    if isinstance(exc, Throttled) and exc.wait:
        response["Retry-After"] = str(exc.wait)
    return response


def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem_response(
        request,
        status=VALIDATION_ERROR.status,
        problem_type=VALIDATION_ERROR,
        detail=_("Correct the values listed in errors and send the request again."),
        extensions={"errors": [_as_field_error(error) for error in exc.errors]},
    )


def _as_field_error(error: dict[str, Any]) -> dict[str, Any]:
    if "detail" in error:
        return error
    # ninja's own errors outside parameter validation (e.g. a bad pagination cursor).
    return {"detail": "; ".join(f"{key}: {value}" for key, value in error.items())}


def unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug or an outage: logged with its traceback for us, a plain 500 for the client."""
    instance = new_instance()
    # The path without its query string, which can hold personal data.
    logger.error(
        "Unhandled error in API request %s %s, problem %s",
        request.method,
        request.path,
        instance,
        exc_info=exc,
    )
    # As Django does for unhandled exceptions, so error reporting sees this one too.
    got_request_exception.send(sender=None, request=request)
    return problem_response(
        request,
        status=500,
        instance=instance,
        detail=_("The server could not complete the request. The error has been logged."),
    )


def install_problem_handlers(api: NinjaAPI) -> None:
    """Answer every exception an operation raises with problem details."""
    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (Exception, unexpected_error),
        (Http404, not_found),
        (PermissionDenied, permission_denied),
        (HttpError, http_error),
        (ValidationError, validation_error),
    ]
    for exception_class, handler in handlers:
        api.add_exception_handler(exception_class, handler)
