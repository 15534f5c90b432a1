"""Language selection: English at ``/``, Thai under ``/th/``, Accept-Language honoured once.

Django's LocaleMiddleware serves unprefixed URLs in the default language whatever the browser
asks for. On a person's first visit (no language cookie yet) to an unprefixed page, a browser
that prefers Thai is redirected to the Thai page. Every page then records its language in a
cookie, so following the language switch sticks and nobody is redirected twice.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
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


# Paths outside the translated site: machine endpoints, assets and the admin.
NON_PAGE_PREFIXES = (
    "/api/",
    "/static/",
    "/healthz",
    "/admin/",
    "/.well-known/",
    "/o/token/",
    "/o/userinfo/",
    "/o/revoke_token/",
)


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
