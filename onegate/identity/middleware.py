"""The rules every signed-in request passes through: how long a session may live, when its key is
renewed, and what staff must have set up before they may do anything else.

Sessions (issue 5 §5): a session ends 15 minutes after its last request (idle) and 12 hours after
sign-in (absolute), whatever the person does; the next request is then served signed out, with a
message saying why. The session key is renewed whenever the person proves who they are again
(a new authentication record: re-authentication, a second factor, a step-up), as Django already
does at sign-in, so a key seen before the step-up is worth nothing after it. "Your devices and
sessions" (allauth's user sessions) learns when each session was last active at most once a
minute, not on every request.

Staff (issue 5 §1): an account with ``is_staff`` must have a second factor (an authenticator app
or a passkey) and a superuser must have a passkey. Until then every page but the ones needed to
set one up (and to sign out) leads to the page that explains what to do. Django admin's own
password-only sign-in page is replaced by ours, which asks for the second factor.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.usersessions import app_settings as usersessions_settings
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from onegate.identity import account_events

# Session keys (prefixed so they never clash with Django's or allauth's).
LAST_SEEN_KEY = "onegate_last_seen"
SIGNED_IN_AT_KEY = "onegate_signed_in_at"
# Writing the session on every request would be a database write per page; a few seconds of
# imprecision in "last seen" costs nothing (the warning is shown two minutes early anyway).
LAST_SEEN_RESOLUTION_SECONDS = 10

# Requests that ask about the session without counting as activity (the timeout script asks
# how long is left; asking must not extend it).
PASSIVE_URL_NAMES = {"identity:session_status"}
# Set on the request these rules have just signed out (a session limit passed): the account's
# pk, so the page may keep what that person sent for their return (runner.signed_out_answers).
SIGNED_OUT_USER_ATTRIBUTE = "onegate_signed_out_user_id"


def session_deadlines(request: HttpRequest, now: float | None = None) -> tuple[float, float]:
    """When this signed-in session ends if nothing happens (idle), and at the latest (absolute)."""
    now = time.time() if now is None else now
    session = request.session
    last_seen = float(session.get(LAST_SEEN_KEY, now))
    signed_in_at = float(session.get(SIGNED_IN_AT_KEY, now))
    idle_end = last_seen + settings.IDENTITY_SESSION_IDLE_SECONDS
    absolute_end = signed_in_at + settings.IDENTITY_SESSION_ABSOLUTE_SECONDS
    return idle_end, absolute_end


def seconds_left(request: HttpRequest, now: float | None = None) -> int:
    """Seconds until this session ends if the person does nothing more."""
    now = time.time() if now is None else now
    return max(0, int(min(session_deadlines(request, now)) - now))


def signed_out_by_this_request(request: HttpRequest) -> object | None:
    """The pk of the account this very request was signed out of by a session limit, else None
    (never signed in, signed in still, or signed out earlier)."""
    return getattr(request, SIGNED_OUT_USER_ATTRIBUTE, None)


def session_touch(request: HttpRequest) -> None:
    """Count this moment as activity, however recently the last one was recorded."""
    request.session[LAST_SEEN_KEY] = time.time()


def _authentication_count(request: HttpRequest) -> int:
    return len(request.session.get(AUTHENTICATION_METHODS_SESSION_KEY) or [])


class SessionRulesMiddleware:
    """Idle and absolute session limits, and a new session key after every step-up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user_before = request.user if request.user.is_authenticated else None
        if user_before is not None:
            self._enforce_limits(request)
        key_before = request.session.session_key
        authentications_before = _authentication_count(request)
        response = self.get_response(request)
        self._renew_key_after_step_up(request, key_before, authentications_before)
        _record_sign_in_or_out(request, user_before)
        if request.user.is_authenticated:
            # A page naming the person (the header does) must never be kept by a shared cache.
            patch_cache_control(response, private=True)
        return response

    def _enforce_limits(self, request: HttpRequest) -> None:
        now = time.time()
        session = request.session
        session.setdefault(SIGNED_IN_AT_KEY, now)
        idle_end, absolute_end = session_deadlines(request, now)
        if now >= absolute_end:
            self._sign_out(request, "12 hours", _signed_out_absolute_message())
        elif now >= idle_end:
            self._sign_out(request, "inactivity", _signed_out_idle_message())
        else:
            last_seen = float(session.get(LAST_SEEN_KEY, 0))
            # Only when it would be written is the path resolved to see whether it counts.
            if now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS and not _is_passive(request):
                session[LAST_SEEN_KEY] = now

    @staticmethod
    def _sign_out(request: HttpRequest, reason: str, message: str) -> None:
        account_events.sign_out_reason_set(request, reason)
        setattr(request, SIGNED_OUT_USER_ATTRIBUTE, request.user.pk)
        logout(request)
        messages.info(request, message)

    @staticmethod
    def _renew_key_after_step_up(
        request: HttpRequest, key_before: str | None, authentications_before: int
    ) -> None:
        if not request.user.is_authenticated or not key_before:
            return
        stepped_up = _authentication_count(request) > authentications_before
        # Django's login() renews the key itself; renewing twice would only cost a write.
        if stepped_up and request.session.session_key == key_before:
            request.session.cycle_key()


# --- "your devices and sessions": when each session was last active, to the minute ---------------

# Where the session keeps what was last written to its allauth user-session row:
# [session key, when (seconds since the epoch), network address, checksum of the browser name].
ACTIVITY_KEY = "onegate_session_activity"
# allauth's own UserSessionsMiddleware (USERSESSIONS_TRACK_ACTIVITY) writes the row on every
# signed-in request: a transaction and three statements, about a tenth of an OpenID Connect
# sign-in's CPU. The page shows "last active" to the minute, so once a minute is enough.
ACTIVITY_RESOLUTION_SECONDS = 60
# The page itself is always exact about the device it is open on.
ACTIVITY_EXACT_URL_NAMES = {"usersessions_list"}


def _activity_seen(request: HttpRequest, now: float) -> list[object]:
    agent = request.META.get("HTTP_USER_AGENT", "")
    return [
        request.session.session_key,
        now,
        get_account_adapter().get_client_ip(request),
        zlib.crc32(agent.encode("utf-8", "replace")),
    ]


def activity_is_stale(recorded: object, seen: list[object], now: float) -> bool:
    """Whether the user-session row must be written: another session key, address or browser
    (allauth then sends ``session_client_changed``), or a minute since the last write."""
    if not isinstance(recorded, list) or len(recorded) != len(seen):
        return True
    key, at, ip, agent = recorded
    if (key, ip, agent) != (seen[0], seen[2], seen[3]) or not isinstance(at, int | float):
        return True
    return now - float(at) >= ACTIVITY_RESOLUTION_SECONDS


class UserSessionActivityMiddleware:
    """allauth's user-session activity tracking, written at most once a minute per session.

    Takes the place of ``allauth.usersessions.middleware.UserSessionsMiddleware``; keeps
    ``USERSESSIONS_TRACK_ACTIVITY`` on, so the page shows "last active". The row is written
    through allauth (``create_from_request``) as before — at once for a new session key, address
    or browser, otherwise when the last write is a minute old — and on the page itself. Runs as a
    view hook, after the session rules, so a session that has just ended is not counted as active
    and machine endpoints (no session) cost nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, view_args: object, view_kwargs: object
    ) -> None:
        if not usersessions_settings.TRACK_ACTIVITY or not request.user.is_authenticated:
            return
        session = request.session
        if not session.session_key:
            return
        now = time.time()
        seen = _activity_seen(request, now)
        match = request.resolver_match
        exact = match is not None and match.view_name in ACTIVITY_EXACT_URL_NAMES
        if exact or activity_is_stale(session.get(ACTIVITY_KEY), seen, now):
            UserSession.objects.create_from_request(request)
            session[ACTIVITY_KEY] = seen


def _record_sign_in_or_out(request: HttpRequest, user_before: object) -> None:
    user_after = request.user if request.user.is_authenticated else None
    before_pk = getattr(user_before, "pk", None)
    after_pk = getattr(user_after, "pk", None)
    if before_pk == after_pk:
        return
    if user_before is not None:
        account_events.sign_out_record(request, user_before)
    if user_after is not None:
        account_events.sign_in_record(request, user_after)


def _is_passive(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in PASSIVE_URL_NAMES


def _signed_out_idle_message() -> str:
    return _(
        "You were signed out because you did nothing for %(minutes)s minutes. "
        "Anything you had already saved has been kept. Sign in again to carry on."
    ) % {"minutes": settings.IDENTITY_SESSION_IDLE_SECONDS // 60}


def _signed_out_absolute_message() -> str:
    return _(
        "You were signed out because you had been signed in for %(hours)s hours. "
        "Anything you had already saved has been kept. Sign in again to carry on."
    ) % {"hours": settings.IDENTITY_SESSION_ABSOLUTE_SECONDS // 3600}


# URL names a staff member without the required sign-in method may still open: setting one up
# (allauth's MFA pages, which first ask for the password again), the explanation, signing out.
SETUP_URL_NAMES = {
    "account_logout",
    "account_reauthenticate",
    "identity:sign_in_method_required",
    "identity:session",
    "identity:session_extend",
    "identity:session_status",
}


def needs_second_factor(user: object) -> bool:
    """Whether this account must have a second factor (every staff account must)."""
    return bool(getattr(user, "is_staff", False))


def needs_passkey(user: object) -> bool:
    """Whether this account must have a passkey (administrators: superusers)."""
    return bool(getattr(user, "is_superuser", False))


def missing_sign_in_method(user: object) -> str | None:
    """``"passkey"`` or ``"second_factor"`` if the account lacks what its role needs."""
    if not needs_second_factor(user) and not needs_passkey(user):
        return None
    types = set(
        Authenticator.objects.filter(user_id=getattr(user, "pk", None)).values_list(
            "type", flat=True
        )
    )
    if needs_passkey(user) and Authenticator.Type.WEBAUTHN not in types:
        return "passkey"
    if not types & {Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN}:
        return "second_factor"
    return None


class StaffSignInRulesMiddleware:
    """Staff without a second factor, and superusers without a passkey, set one up first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, view_args: object, view_kwargs: object
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        name = match.view_name if match else ""
        if name == "admin:login":
            return _our_sign_in_instead(request)
        if not settings.IDENTITY_STAFF_MFA_REQUIRED or not request.user.is_authenticated:
            return None
        if name in SETUP_URL_NAMES or name.startswith("mfa_"):
            return None
        if missing_sign_in_method(request.user) is None:
            return None
        target = reverse("identity:sign_in_method_required")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def _our_sign_in_instead(request: HttpRequest) -> HttpResponseBase | None:
    """Django admin's sign-in asks for a password only; ours asks for the second factor too.

    Staff already signed in pass (the admin sends them on); anyone else signed in is refused
    rather than offered the admin's password-only form for another account.
    """
    if request.user.is_authenticated:
        if request.user.is_staff:
            return None
        raise PermissionDenied
    next_url = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
