"""Language selection: English at ``/``, Thai under ``/th/``, Accept-Language honoured once.

Django's LocaleMiddleware serves unprefixed URLs in the default language whatever the browser
asks for. On a person's first visit (no language cookie yet) to an unprefixed page, a browser
that prefers Thai is redirected to the Thai page. Every page then records its language in a
cookie, so following the language switch sticks and nobody is redirected twice.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.log import log_response
from django.utils.translation.trans_real import parse_accept_lang_header

from onegate.core.languages import ENGLISH, SUPPORTED, THAI


def preferred_language(accept_language: str) -> str | None:
    """The first supported language in an Accept-Language header, or None (bad or empty header)."""
    for code, _quality in parse_accept_lang_header(accept_language):
        base = code.split("-")[0].lower()
        if base in SUPPORTED:
            return base
        if code == "*":
            return None
    return None


def thai_path(path: str) -> str:
    return f"/{THAI}{path}"


class LanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware plus a first-visit redirect by Accept-Language and a sticky cookie."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        redirect = self._first_visit_redirect(request)
        if redirect is not None:
            return redirect
        return super().__call__(request)  # type: ignore[return-value]

    def _first_visit_redirect(self, request: HttpRequest) -> HttpResponseBase | None:
        if (
            request.method not in ("GET", "HEAD")
            or settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        ):
            return None
        if translation.get_language_from_path(request.path_info) is not None:
            return None
        if not _is_page(request.path_info):
            return None
        if preferred_language(request.headers.get("Accept-Language", "")) != THAI:
            return None
        target = thai_path(request.get_full_path())
        response = HttpResponseRedirect(target)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        language = translation.get_language_from_path(request.path_info)
        if language is None and _is_page(request.path_info):
            language = ENGLISH
        recorded = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language and recorded != language and response.status_code < 400:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response


# The OpenID Connect provider's machine endpoints (onegate.identity.oidc.urls ``endpoints``):
# discovery and JWKS, token, UserInfo, revocation. Clients call them with a bearer token or client
# credentials, never a browser session, and they have no Thai address. So are the credentials'
# published status lists and type metadata, fetched by verifiers (``/.well-known/jwt-vc-issuer``
# is covered by the first prefix), and the verification API, which relying parties call with a
# bearer token thousands of times a minute (its problem details are in English, like the rest).
MACHINE_PREFIXES = (
    "/.well-known/",
    "/credentials/status/",
    "/credentials/types/",
    "/api/v1/verification/",
)
MACHINE_PATHS = frozenset({"/o/token/", "/o/userinfo/", "/o/revoke_token/"})

# Paths outside the translated site: machine endpoints, assets and the admin.
NON_PAGE_PREFIXES = (
    "/api/",
    "/static/",
    "/healthz",
    "/admin/",
    *MACHINE_PREFIXES,
    *MACHINE_PATHS,
)


def is_machine_endpoint(path: str) -> bool:
    return path in MACHINE_PATHS or path.startswith(MACHINE_PREFIXES)


def _is_page(path: str) -> bool:
    return not path.startswith(NON_PAGE_PREFIXES)


class HealthCheckMiddleware:
    """Answers ``/healthz`` before the rest of the stack: monitors call it thousands of times a
    minute, and sessions, CSRF, CSP and languages mean nothing to them. First in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info == HEALTH_PATH:
            from onegate.core.views import healthz

            return healthz(request)
        return self.get_response(request)


HEALTH_PATH = "/healthz"


class MachineEndpointMiddleware:
    """Sends the machine endpoints straight to their views, past the page middleware.

    Sessions, sign-in, CSRF, languages, messages, CSP and the session and staff rules are for
    pages people use in a browser. A token or UserInfo request authenticates with client
    credentials or a bearer token and is never authorised by a cookie, so it has nothing for
    them to do (each of those views is exempt from CSRF for that reason); skipping them saves
    about half a millisecond of CPU a request. It also keeps a browser's cookie out of the
    answer: discovery and JWKS stay cacheable by anyone (no ``Vary: Cookie``, never ``private``)
    and no language cookie is set. The answers are always in English, the site's default, and
    an error is answered in JSON, not with a page. A path under ``/.well-known/`` that is not
    ours goes through the whole stack to the site's own "page not found".

    Placed right after SecurityMiddleware, whose headers every answer still gets.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_machine_endpoint(request.path_info):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        translation.activate(settings.LANGUAGE_CODE)  # a thread's last page may have been Thai
        request.user = AnonymousUser()  # no session: nobody is signed in here
        request.resolver_match = match
        try:
            response: HttpResponseBase = match.func(request, *match.args, **match.kwargs)
        except Exception as error:  # answered as Django would (logged, signalled), in JSON
            return _machine_error(request, error)
        return response


def _machine_error(request: HttpRequest, error: Exception) -> HttpResponseBase:
    if isinstance(error, Http404):
        status, code = 404, "not_found"
    elif isinstance(error, PermissionDenied):
        status, code = 403, "access_denied"
    elif isinstance(error, BadRequest | SuspiciousOperation):
        status, code = 400, "invalid_request"
    else:
        status, code = 500, "server_error"
        signals.got_request_exception.send(sender=None, request=request)
    response = JsonResponse({"error": code}, status=status)
    log_response(
        "%s: %s",
        response.reason_phrase,
        request.path,
        response=response,
        request=request,
        exception=error,
    )
    return response
