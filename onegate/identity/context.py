"""Template context for every page about the person's account: the header's account links, the
"acting for" line under it, the session-timeout warning (with and without JavaScript) and the
one-off messages (signed in, code sent, signed out for inactivity) that the page frame shows in
a banner.

The "acting for" line costs three queries (the account's link, the cached family, the
delegations) when worked out. A person acting for themselves sees it or not depending only on
whether they may act for anyone else, which the acting rules already let lag (a registry link
takes up to ``FAMILY_CACHE_SECONDS`` to show), so that one fact is kept for the session for
``ACTING_HEADER_SECONDS`` in this process. A person acting for someone else gets it worked out
on every page, so a choice that has ended falls back to themselves, with its message and audit
record, at once; so does a page that has already asked whom they may act for (the runner's
pages for a child do), where the answer costs nothing more. Nothing here decides anything:
views, selectors and services ask ``may_act_for`` themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any

from allauth.account import app_settings as allauth_account_settings
from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from onegate.identity import acting
from onegate.identity.devices import describe_device
from onegate.identity.middleware import seconds_left, session_deadlines
from onegate.pages.jinja import url as page_url

# Pages of the sign-in journey itself: "Sign in" from there returns nowhere in particular.
_ENTRANCE_PREFIXES = ("account_", "mfa_")


def account(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        "account_messages": get_messages(request),
        "account_header": _header(request, signed_in),
        "session_timeout": _session_timeout(request) if signed_in else None,
        "acting_header": SimpleLazyObject(lambda: acting_header(request)) if signed_in else None,
        "code_minutes": SimpleLazyObject(_code_minutes),  # only the code pages look
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
        "account_url": page_url("identity:home"),
        "sign_out_url": page_url("account_logout"),
    }


def _sign_in_url(request: HttpRequest) -> str:
    url = page_url("account_login")
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
        "status_url": page_url("identity:session_status"),
        "extend_url": page_url("identity:session_extend"),
        "session_url": page_url("identity:session"),
    }


def _aware(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=timezone.get_current_timezone())


# --- the "acting for" line -------------------------------------------------------------------

# How long a session acting for itself keeps "may act for someone else" (yes or no) in this
# process: a new child, ward or delegation shows in the header at most this much later.
ACTING_HEADER_SECONDS = 30
# Sessions kept at most (a few hundred bytes each); past it, those that ran out are dropped
# first, then all.
ACTING_HEADER_SESSIONS = 20_000

# Where ``acting._request_options`` (and the runner's selectors) keep this request's answer.
_REQUEST_OPTIONS = "_onegate_acting_options"

_acting_shown: dict[bytes, tuple[float, bool]] = {}  # digest -> (worked out at, show)
_acting_shown_lock = threading.Lock()


@dataclass(frozen=True)
class ActingHeader:
    """What the "acting for" line under the header shows."""

    show: bool  # whether the line is there at all
    subject_is_self: bool = True
    subject_name: str = ""  # the person acted for, when it is not the person themselves


def acting_header(request: HttpRequest) -> ActingHeader:
    """The "acting for" line for this request (see the module's docstring)."""
    if request.session.get(acting.SESSION_KEY) or _asked_already(request):
        return _acting_header_now(request)
    key = _session_digest(request)
    if key is None:
        return _acting_header_now(request)
    now = time.monotonic()
    kept = _acting_shown.get(key)
    if kept is not None and now - kept[0] < ACTING_HEADER_SECONDS:
        return ActingHeader(show=kept[1])
    found = _acting_header_now(request)
    _acting_keep(key, now, found.show)
    return found


def _asked_already(request: HttpRequest) -> bool:
    """Whether the page itself has worked out whom the person may act for (a draft for their
    child does, on every request): the line then costs nothing and is exact."""
    return getattr(request, _REQUEST_OPTIONS, None) is not None


def _acting_header_now(request: HttpRequest) -> ActingHeader:
    state = acting.acting_context(request)["acting"]
    if not state:
        return ActingHeader(show=False)
    subject = state.subject
    return ActingHeader(
        show=state.show,
        subject_is_self=subject.is_self,
        subject_name="" if subject.is_self else subject.name,
    )


def _session_digest(request: HttpRequest) -> bytes | None:
    """The session's key with the account's, hashed: live session keys are not kept."""
    session_key = request.session.session_key
    if not session_key:
        return None
    seen = f"{request.user.pk}:{session_key}".encode()
    return hashlib.blake2b(seen, digest_size=16).digest()


def _acting_keep(key: bytes, now: float, show: bool) -> None:
    with _acting_shown_lock:
        if len(_acting_shown) >= ACTING_HEADER_SESSIONS:
            ended = now - ACTING_HEADER_SECONDS
            for stale in [k for k, (at, _show) in _acting_shown.items() if at <= ended]:
                del _acting_shown[stale]
            if len(_acting_shown) >= ACTING_HEADER_SESSIONS:
                _acting_shown.clear()
        _acting_shown[key] = (now, show)


def acting_header_forget() -> None:
    """Forget every session's kept "acting for" line (tests)."""
    with _acting_shown_lock:
        _acting_shown.clear()
