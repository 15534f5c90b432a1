"""Template context for every page about the person's account: the header's account links, the
session-timeout warning (with and without JavaScript) and the one-off messages (signed in, code
sent, signed out for inactivity) that the page frame shows in a banner."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from allauth.account import app_settings as allauth_account_settings
from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from onegate.identity.devices import describe_device
from onegate.identity.middleware import seconds_left, session_deadlines

# Pages of the sign-in journey itself: "Sign in" from there returns nowhere in particular.
_ENTRANCE_PREFIXES = ("account_", "mfa_")


def account(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        "account_messages": get_messages(request),
        "account_header": _header(request, signed_in),
        "session_timeout": _session_timeout(request) if signed_in else None,
        "code_minutes": _code_minutes(),
        "describe_device": describe_device,
    }


def _code_minutes() -> dict[str, int]:
    """How long each emailed code works, in whole minutes, for the "check your email" pages."""
    lifetimes = {
        "email_verification": allauth_account_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT,
        "login": allauth_account_settings.LOGIN_BY_CODE_TIMEOUT,
        "password_reset": allauth_account_settings.PASSWORD_RESET_BY_CODE_TIMEOUT,
    }
    return {name: max(1, seconds // 60) for name, seconds in lifetimes.items()}


def _header(request: HttpRequest, signed_in: bool) -> dict[str, Any]:
    if not signed_in:
        return {"signed_in": False, "sign_in_url": _sign_in_url(request)}
    user = request.user
    return {
        "signed_in": True,
        "name": getattr(user, "display_name", "") or getattr(user, "email", ""),
        "account_url": reverse("identity:home"),
        "sign_out_url": reverse("account_logout"),
    }


def _sign_in_url(request: HttpRequest) -> str:
    url = reverse("account_login")
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else None
    if request.method != "GET" or not name or name.startswith(_ENTRANCE_PREFIXES):
        return url
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


def _session_timeout(request: HttpRequest) -> dict[str, Any]:
    now = time.time()
    idle_end, absolute_end = session_deadlines(request, now)
    warning = settings.IDENTITY_SESSION_WARNING_SECONDS
    left = seconds_left(request, now)
    return {
        "seconds_left": left,
        "warning_seconds": warning,
        "idle_minutes": settings.IDENTITY_SESSION_IDLE_SECONDS // 60,
        "absolute_hours": settings.IDENTITY_SESSION_ABSOLUTE_SECONDS // 3600,
        "ends_at": _aware(min(idle_end, absolute_end)),
        "absolute_ends_at": _aware(absolute_end),
        # Doing something cannot push the end past this: say so on every page from now on.
        "absolute_soon": absolute_end - now <= settings.IDENTITY_SESSION_IDLE_SECONDS,
        "status_url": reverse("identity:session_status"),
        "extend_url": reverse("identity:session_extend"),
        "session_url": reverse("identity:session"),
    }


def _aware(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=timezone.get_current_timezone())
