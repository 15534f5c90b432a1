"""The demo agency system's pages: a start page, the OpenID Connect callback and signing out.

Its own state lives in two signed cookies (the pending request, and the completed sign-in), never
in OneGate's session: it is a separate system that happens to be served by the same process.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from onegate.demo_rp import client
from onegate.demo_rp.client import Pending, SignInError

PENDING_COOKIE = "demo_rp_pending"
SESSION_COOKIE = "demo_rp_session"
PENDING_SECONDS = 10 * 60
SESSION_SECONDS = 60 * 60
SALT = "onegate.demo_rp"
SCOPE = "openid profile email"


def _enabled() -> None:
    if not getattr(settings, "DEMO_RP_ENABLED", False):
        raise Http404


def _issuer(request: HttpRequest) -> str:
    configured: str = settings.OIDC_ISSUER
    return configured or f"{request.scheme}://{request.get_host()}"


def _client_id() -> str:
    return str(settings.DEMO_RP_CLIENT_ID)


def client_secret() -> str:
    """The demo system's client secret: derived from SECRET_KEY, so the registration
    (``demo.demo_rp_register``) and the system agree without a stored secret."""
    return salted_hmac(SALT, "client secret", algorithm="sha256").hexdigest()


def _error_text(code: str) -> str:
    messages = {
        "access_denied": _("You chose not to share your details, so you are not signed in."),
        "level_too_low": _(
            "OneGate did not confirm your identity to the level this service needs. Sign in again."
        ),
        "provider_unreachable": _("OneGate could not be reached. Try again in a few minutes."),
        "expired": _("Signing in took too long. Start again."),
    }
    return messages.get(code, _("Signing in did not work, and nothing was shared. Start again."))


def _read(request: HttpRequest, name: str, max_age: int) -> dict[str, Any] | None:
    value = request.COOKIES.get(name)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=f"{SALT}.{name}", max_age=max_age)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) else None


def _write(response: HttpResponse, name: str, data: dict[str, Any], max_age: int) -> None:
    response.set_cookie(
        name,
        signing.dumps(data, salt=f"{SALT}.{name}", compress=True),
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    _enabled()
    session = _read(request, SESSION_COOKIE, SESSION_SECONDS)
    error = request.GET.get("error", "")
    context = {
        "session": session,
        "error": _error_text(error) if error else "",
        "levels": client.LEVELS,
    }
    return render(request, "demo_rp/home.html", context)


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    _enabled()
    level = request.POST.get("level", "")
    if level not in client.LEVELS:
        return HttpResponseRedirect(reverse("demo_rp:home") + "?error=unknown_level")
    redirect_uri = request.build_absolute_uri(reverse("demo_rp:callback"))
    try:
        address, pending = client.authorization_start(
            issuer=_issuer(request),
            client_id=_client_id(),
            redirect_uri=redirect_uri,
            level=level,
            scope=SCOPE,
        )
    except SignInError as error:
        return HttpResponseRedirect(reverse("demo_rp:home") + f"?error={error.code}")
    response = HttpResponseRedirect(address)
    _write(response, PENDING_COOKIE, pending.as_dict(), PENDING_SECONDS)
    return response


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    _enabled()
    home_address = reverse("demo_rp:home")
    pending_data = _read(request, PENDING_COOKIE, PENDING_SECONDS)
    refused = request.GET.get("error", "")
    try:
        if refused:
            raise SignInError("access_denied" if refused == "access_denied" else "refused")
        if pending_data is None:
            raise SignInError("expired")
        signed_in = client.authorization_finish(
            issuer=_issuer(request),
            client_id=_client_id(),
            client_secret=client_secret(),
            pending=Pending(**pending_data),
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
        )
    except SignInError as error:
        response = HttpResponseRedirect(f"{home_address}?error={error.code}")
        response.delete_cookie(PENDING_COOKIE)
        return response
    response = HttpResponseRedirect(home_address)
    response.delete_cookie(PENDING_COOKIE)
    claims = signed_in.claims
    _write(
        response,
        SESSION_COOKIE,
        {
            "id_token": signed_in.id_token,
            "asked": signed_in.level_asked,
            "acr": claims.get("acr"),
            "amr": claims.get("amr", []),
            "auth_time": claims.get("auth_time"),
            "sub": claims.get("sub"),
            "name": signed_in.userinfo.get("name", ""),
            "email": signed_in.userinfo.get("email", ""),
        },
        SESSION_SECONDS,
    )
    return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    _enabled()
    session = _read(request, SESSION_COOKIE, SESSION_SECONDS)
    home_address = reverse("demo_rp:home")
    target = home_address
    if session is not None:
        try:
            target = client.sign_out_address(
                issuer=_issuer(request),
                client_id=_client_id(),
                id_token=session["id_token"],
                after=request.build_absolute_uri(home_address),
            )
        except SignInError:
            target = home_address
    response = HttpResponseRedirect(target)
    response.delete_cookie(SESSION_COOKIE)
    return response
