"""Information pages (accessibility, privacy, cookies) and the designed error pages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

INFORMATION_PAGES = {"accessibility", "privacy", "cookies"}

# The date the accessibility statement was last prepared (WCAG statements must say when).
STATEMENT_PREPARED = dt.date(2026, 11, 25)


@require_safe
@cache_control(max_age=300, public=True)
def information(request: HttpRequest, *, page: str) -> HttpResponse:
    return render(request, f"pages/{page}.html", {"statement_prepared": STATEMENT_PREPARED})


ERRORS = {
    400: (
        _("Sorry, there is a problem with your request"),
        _("Check the web address or the search words you typed and try again."),
    ),
    403: (
        _("You cannot see this page"),
        _(
            "You do not have permission to see this page. If you think this is wrong, "
            "sign in with the account that should have access."
        ),
    ),
    404: (
        _("Page not found"),
        _(
            "If you typed the web address, check it is correct. "
            "If you pasted the web address, check you copied the entire address."
        ),
    ),
    500: (
        _("Sorry, there is a problem with the service"),
        _("Try again later. Anything you had already saved has been kept."),
    ),
}


def _error(request: HttpRequest, status: int) -> HttpResponse:
    title, body = ERRORS[status]
    return render(
        request, "pages/error.html", {"title": title, "body": body, "status": status}, status=status
    )


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form was sent without a valid security token, usually because it sat open too long."""
    return render(request, "pages/csrf_failure.html", status=403)
