"""The OpenID Connect provider's views: django-oauth-toolkit's, with OneGate's rules around them.

The authorization endpoint (``/o/authorize/``, Thai ``/th/o/authorize/``) is a page people see:

1. the request is checked first (client, redirect URI, response type, scopes, PKCE with S256);
   a request that cannot safely go back to the client shows an error page, any other is
   answered at the client's redirect URI; every refusal is audited;
2. the person signs in (django-oauth-toolkit sends a signed-out person to the sign-in page), and
   signs in again for ``prompt=login`` or an old sign-in under ``max_age``;
3. a session below the level needed (``acr_values``, at least the client's minimum) goes
   through the step-up and comes back to the same request;
4. the consent page, unless the person already agreed to these scopes; the request waits in the
   session while they decide (``oidc.consent``);
5. the code goes to the client with the session's level, methods and sign-in time attached.

``prompt=none`` never shows a page: it answers ``login_required``, ``interaction_required`` or
``consent_required`` instead. The logout page (``/o/logout/``) is django-oauth-toolkit's
RP-initiated logout with OneGate's pages. Discovery and JWKS are served from memory.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import time
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import DisallowedRedirect
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider import views as dot_views
from oauth2_provider.compat import login_not_required
from oauth2_provider.exceptions import InvalidOIDCClientError, LogoutDenied, OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views.base import BaseAuthorizationView
from oauth2_provider.views.mixins import OAuthLibMixin
from oauthlib.oauth2.rfc6749.errors import AccessDeniedError
from oauthlib.openid.connect.core.exceptions import (
    ConsentRequired,
    InteractionRequired,
    LoginRequired,
)

from onegate.core.languages import SUPPORTED
from onegate.identity.assurance import session_amr, session_level, step_up_url
from onegate.identity.constants import level_at_least
from onegate.identity.oidc.claims import shared_items
from onegate.identity.oidc.clients import client_with_policy, names_of, policy_of
from onegate.identity.oidc.consent import consent_covers, pending_store, pending_take
from onegate.identity.oidc.discovery import discovery_json, jwks_json
from onegate.identity.oidc.idtokens import hint_names
from onegate.identity.oidc.levels import level_needed
from onegate.identity.services.oidc import (
    client_code_replay_refuse,
    client_consent_give,
    client_consent_refuse,
    client_sign_out_record,
    oidc_request_refuse,
    oidc_token_refuse,
)

# What the client asked, kept while the person decides (the oauthlib request itself is not).
KEPT = ("client_id", "redirect_uri", "response_type", "state", "nonce")
KEPT_IF_GIVEN = ("code_challenge", "code_challenge_method")
# Parameters dropped from the return address after signing in again, so it does not loop.
REAUTHENTICATION_PARAMETERS = ("prompt", "max_age")
# oauthlib's errors that must not go back to the client all say "invalid_request"; the page
# needs to know which it was.
FATAL_ERRORS = {
    "MissingClientIdError": "invalid_client_id",
    "InvalidClientIdError": "invalid_client_id",
    "MissingRedirectURIError": "invalid_redirect_uri",
    "InvalidRedirectURIError": "invalid_redirect_uri",
    "MismatchingRedirectURIError": "invalid_redirect_uri",
}
LOGOUT_ERRORS = {
    "InvalidOIDCClientError": "invalid_client_id",
    "InvalidOIDCRedirectURIError": "invalid_redirect_uri",
    "InvalidIDTokenError": "invalid_id_token_hint",
    "ClientIdMissmatch": "invalid_id_token_hint",
}
METADATA_MAX_AGE = 3600


# --- discovery and keys ------------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class DiscoveryView(View):
    """``/.well-known/openid-configuration``: the provider's metadata, built once."""

    def get(self, request: HttpRequest) -> HttpResponse:
        issuer = oauth2_settings.oidc_issuer(request)
        body = discovery_json(issuer, bool(oauth2_settings.OIDC_RSA_PRIVATE_KEY))
        return _public_json(body)


@method_decorator(login_not_required, name="dispatch")
class JwksView(View):
    """``/.well-known/jwks.json``: the public signing keys, built once."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return _public_json(jwks_json())


def _public_json(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={METADATA_MAX_AGE}"
    return response


# --- the token endpoint ------------------------------------------------------------------------


class TokenView(dot_views.TokenView):
    """django-oauth-toolkit's token endpoint; each refusal is audited (successes are, with the
    sign-in, by the validator), and a code presented again revokes what it bought."""

    @method_decorator(sensitive_post_parameters("client_secret", "code_verifier", "refresh_token"))
    def authorization_flow_token_response(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        # django-oauth-toolkit reads the new access token back to send ``app_authorized``, which
        # nothing here listens to: one query less per token.
        _url, headers, body, status = self.create_token_response(request)
        response = HttpResponse(content=body, status=status)
        for name, value in headers.items():
            response[name] = value
        return response

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        grant_type = request.POST.get("grant_type", "")
        if grant_type == "authorization_code":
            # One transaction for the whole exchange: the code marked exchanged, the ID, access
            # and refresh tokens, the audit record, the code deleted — one commit, and nothing
            # kept if any check refuses the request. (A refresh is left to django-oauth-toolkit:
            # a reused refresh token revokes its family *and* is refused.)
            with transaction.atomic():
                response: HttpResponse = super().post(request, *args, **kwargs)
                if response.status_code >= 400:
                    transaction.set_rollback(True)
        else:
            response = super().post(request, *args, **kwargs)
        if response.status_code >= 400:
            client_id = _token_client_id(request)
            error = _error_code(response.content)
            if grant_type == "authorization_code" and error == "invalid_grant":
                _revoke_if_replayed(request.POST.get("code", ""), client_id)
            oidc_token_refuse(client_id=client_id, grant_type=grant_type, error=error)
        return response


def _revoke_if_replayed(code: str, client_id: str) -> None:
    """A code exchanged before, presented again by its client: revoke what it bought.

    ``invalid_grant`` comes only after the client was authenticated (or, for a public client,
    identified), so nobody else can make a client lose its tokens this way.
    """
    application = client_with_policy(client_id) if code and client_id else None
    if application is not None:
        client_code_replay_refuse(code=code, application=application)


def _token_client_id(request: HttpRequest) -> str:
    if request.POST.get("client_id"):
        return request.POST["client_id"]
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        decoded = base64.b64decode(value).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ""
    return unquote_plus(decoded.partition(":")[0])


def _error_code(body: bytes) -> str:
    try:
        return str(json.loads(body).get("error", "unknown"))
    except (ValueError, AttributeError):
        return "unknown"


# --- UserInfo ----------------------------------------------------------------------------------


class UserInfoView(dot_views.UserInfoView):
    """django-oauth-toolkit's UserInfo, refusing an access token in the query string.

    RFC 9700 §4.3.2: query strings end up in logs and browser history. django-oauth-toolkit's
    ``COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT`` gate covers protected resources but not
    UserInfo, so the rule is applied here too. The header and a form-encoded body still work.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "access_token" in request.GET:
            response = HttpResponse(status=400)
            response["WWW-Authenticate"] = (
                'Bearer error="invalid_request", '
                'error_description="Send the access token in the Authorization header."'
            )
            return response
        answer: HttpResponse = super().dispatch(request, *args, **kwargs)
        return answer


# --- the authorization endpoint ------------------------------------------------------------------


# CSRF is checked for the consent answer only (``post``): an authorization request may itself
# arrive as a cross-site form POST (OpenID Connect Core §3.1.2.1), and is then answered as a GET.
@method_decorator(csrf_exempt, name="dispatch")
class AuthorizationView(BaseAuthorizationView):
    """Sign-in, step-up and consent for an agency system's authorization request."""

    template_name = "oauth2_provider/authorize.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and "authorization" not in request.POST:
            # The same request by GET: nothing is decided by the POST, so nothing is lost.
            as_get = HttpResponseRedirect(f"{request.path}?{request.POST.urlencode()}")
            as_get.status_code = 303
            return as_get
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        return response

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        switched = _ui_locales_redirect(request)
        if switched is not None:
            return switched
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        oauth_request = credentials.pop("request")
        application = oauth_request.client
        policy = policy_of(application)
        if policy is None:  # validation refuses clients without one; never reached
            return self._refused_page(request, "invalid_client", client_id=application.client_id)
        prompt: set[str] = set(credentials.get("prompt") or ())
        needed = level_needed(
            acr_values=request.GET.get("acr_values", ""), minimum=policy.minimum_level
        )
        level = session_level(request)
        refusal = self._refuse_or_redirect(request, oauth_request, prompt, needed, level)
        if refusal is not None:
            return refusal
        kept = _kept(scopes, credentials, needed, request.get_full_path())
        if "consent" not in prompt and consent_covers(
            user=request.user, application=application, scopes=scopes
        ):
            return self._authorize(request, kept, application, level)
        if "none" in prompt:
            return self._oauth_error(ConsentRequired(request=oauth_request), application)
        return self._consent_page(request, kept, policy, level)

    def handle_no_permission(self) -> HttpResponse:
        """A signed-out person: to the sign-in page, or ``login_required`` for ``prompt=none``.

        The request is checked first, so an unregistered redirect URI is never redirected to.
        """
        prompt = set(self.request.GET.get("prompt", "").split())
        if "none" not in prompt:
            if "login" in prompt:  # signing in now satisfies it; do not ask twice
                return redirect_to_login(_without(self.request.get_full_path(), ("prompt",)))
            return super().handle_no_permission()
        try:
            _scopes, credentials = self.validate_authorization_request(self.request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        oauth_request = credentials["request"]
        return self._oauth_error(LoginRequired(request=oauth_request), oauth_request.client)

    def _refuse_or_redirect(
        self, request: HttpRequest, oauth_request: Any, prompt: set[str], needed: str, level: str
    ) -> HttpResponse | None:
        """Sign in again, step up, or (for ``prompt=none``) say why not; None to carry on."""
        application = oauth_request.client
        hint = request.GET.get("id_token_hint")
        if "none" in prompt and hint and not hint_names(hint, request.user):
            return self._oauth_error(LoginRequired(request=oauth_request), application)
        if "login" in prompt or _sign_in_older_than(request, request.GET.get("max_age")):
            if "none" in prompt:
                return self._oauth_error(LoginRequired(request=oauth_request), application)
            return HttpResponseRedirect(_reauthentication_url(request))
        if not level_at_least(level, needed):
            if "none" in prompt:
                return self._oauth_error(InteractionRequired(request=oauth_request), application)
            return HttpResponseRedirect(step_up_url(needed, request.get_full_path()))
        return None

    def _consent_page(
        self, request: HttpRequest, kept: dict[str, Any], policy: Any, level: str
    ) -> HttpResponse:
        names = names_of(policy)
        context = {
            "key": pending_store(request.session, kept),
            "names": names,
            "items": shared_items(
                user=request.user, agency_name=names.agency, scopes=kept["scopes"]
            ),
            "return_host": urlsplit(kept["credentials"]["redirect_uri"]).netloc,
            "level": level,
        }
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        answer: HttpResponse = csrf_protect(self._answer)(request)
        return answer

    def _answer(self, request: HttpRequest) -> HttpResponse:
        """The person's answer on the consent page."""
        kept = pending_take(request.session, request.POST.get("authorization", ""))
        if kept is None:
            return self._refused_page(request, "expired_or_changed", client_id="")
        application = client_with_policy(kept["credentials"]["client_id"])
        policy = policy_of(application)
        if policy is None or not policy.is_active:  # switched off while the person decided
            return self._refused_page(request, "invalid_client", client_id="")
        level = session_level(request)
        if not level_at_least(level, kept["needed"]):
            return HttpResponseRedirect(step_up_url(kept["needed"], kept["path"]))
        if request.POST.get("decision") != "allow":
            client_consent_refuse(user=request.user, application=application, scopes=kept["scopes"])
            denied = AccessDeniedError(state=kept["credentials"].get("state"))
            denied.redirect_uri = kept["credentials"]["redirect_uri"]
            return self._oauth_error(denied, application)
        client_consent_give(user=request.user, application=application, scopes=kept["scopes"])
        return self._authorize(request, kept, application, level)

    def _authorize(
        self, request: HttpRequest, kept: dict[str, Any], application: Any, level: str
    ) -> HttpResponse:
        credentials = {
            **kept["credentials"],
            "client": application,  # checked already; django-oauth-toolkit reuses it
            "onegate_sign_in": {
                "level": str(level),
                "methods": session_amr(request),
                "auth_time": _auth_time(request),
            },
        }
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request=request,
                scopes=" ".join(kept["scopes"]),
                credentials=credentials,
                allow=True,
            )
        except OAuthToolkitError as error:
            return self.error_response(error, application)
        return self.redirect(uri, application)

    # --- refusals ---

    def _oauth_error(self, oauthlib_error: Any, application: Any) -> HttpResponse:
        return self.error_response(
            OAuthToolkitError(error=oauthlib_error, redirect_uri=oauthlib_error.redirect_uri),
            application,
        )

    def error_response(self, error: Any, application: Any, **kwargs: Any) -> HttpResponse:
        """Back to the client when that is safe (with ``iss``), else an error page; audited."""
        oauthlib_error = error.oauthlib_error
        code = FATAL_ERRORS.get(type(oauthlib_error).__name__, oauthlib_error.error)
        if code != "access_denied":  # the person's own answer, audited as consent refused
            oidc_request_refuse(
                user=request_user(self.request),
                client_id=self.request.GET.get("client_id", "")
                or getattr(application, "client_id", ""),
                error=code,
                description=oauthlib_error.description or "",
            )
        redirect, response = OAuthLibMixin.error_response(self, error, **kwargs)
        if redirect and oauthlib_error.redirect_uri:
            issuer = oauth2_settings.oauth2_authorization_server_issuer(self.request)
            return self.redirect(_with_parameter(response["url"], "iss", issuer), application)
        return self._refused_page(self.request, code, client_id="", audited=True)

    def _refused_page(
        self, request: HttpRequest, error: str, *, client_id: str, audited: bool = False
    ) -> HttpResponse:
        if not audited:
            oidc_request_refuse(user=request_user(request), client_id=client_id, error=error)
        return refused_page(request, error)


def request_user(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def refused_page(request: HttpRequest, error: str, *, status: int = 400) -> HttpResponse:
    """The page a person sees when a service's sign-in or sign-out request is refused."""
    return render(
        request,
        "oauth2_provider/error.html",
        {"message": refusal_message(error), "error_code": error},
        status=status,
    )


def refusal_message(error: str) -> str:
    """What went wrong, in words a person can act on (never which detail a client got wrong)."""
    messages = {
        "invalid_client_id": _(
            "The service that sent you here is not registered with OneGate, so we cannot sign "
            "you in to it. Go back to the service and try again, or contact the agency that "
            "runs it."
        ),
        "invalid_redirect_uri": _(
            "We stopped this sign-in because the service asked us to send you on to an address "
            "it has not registered with OneGate. Someone may be trying to trick you. Close this "
            "page and go to the service directly, not through a link."
        ),
        "expired_or_changed": _(
            "This sign-in request has expired or was changed, so we stopped it. Go back to the "
            "service and start signing in again."
        ),
        "logout_denied": _("You are still signed in to OneGate."),
    }
    return messages.get(
        "invalid_client_id" if error == "invalid_client" else error,
        _(
            "We could not sign you in to this service because its request was not valid. Go back "
            "to the service and try again. If it happens again, contact the agency that runs it."
        ),
    )


# --- small helpers -----------------------------------------------------------------------------


def _kept(scopes: list[str], credentials: dict[str, Any], needed: str, path: str) -> dict[str, Any]:
    kept = {name: credentials.get(name) for name in KEPT}
    kept.update({name: credentials[name] for name in KEPT_IF_GIVEN if credentials.get(name)})
    return {"scopes": list(scopes), "credentials": kept, "needed": str(needed), "path": path}


def _auth_time(request: HttpRequest) -> float:
    """When the person last authenticated in this session (allauth's records), as a timestamp."""
    times = [r["at"] for r in get_authentication_records(request, request.user) if "at" in r]
    if times:
        return float(max(times))
    last_login = getattr(request.user, "last_login", None)
    return last_login.timestamp() if last_login else time.time()


def _sign_in_older_than(request: HttpRequest, max_age: str | None) -> bool:
    if max_age is None or not max_age.strip().isdigit():
        return False
    return time.time() - _auth_time(request) > int(max_age)


def _reauthentication_url(request: HttpRequest) -> str:
    back = _without(request.get_full_path(), REAUTHENTICATION_PARAMETERS)
    return f"{reverse('account_reauthenticate')}?{urlencode({'next': back})}"


def _without(path: str, names: tuple[str, ...]) -> str:
    """``path`` with the query parameters ``names`` removed."""
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in names]
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


def _with_parameter(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    return urlunsplit(parts._replace(query=urlencode([*query, (name, value)])))


def _ui_locales_redirect(request: HttpRequest) -> HttpResponse | None:
    """Honour ``ui_locales`` on a first visit (a language the person chose always wins)."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return None
    wanted = next(
        (
            tag.split("-")[0].lower()
            for tag in request.GET.get("ui_locales", "").split()
            if tag.split("-")[0].lower() in SUPPORTED
        ),
        None,
    )
    if wanted is None or wanted == translation.get_language():
        return None
    return HttpResponseRedirect(translate_url(request.get_full_path(), wanted))


# --- RP-initiated logout -----------------------------------------------------------------------


class LogoutView(dot_views.RPInitiatedLogoutView):
    """django-oauth-toolkit's RP-initiated logout with OneGate's confirmation and error pages."""

    template_name = "oauth2_provider/logout_confirm.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        policy = policy_of(kwargs.get("application"))
        context["names"] = names_of(policy) if policy is not None else None
        return context

    def do_logout(
        self,
        application: Any = None,
        post_logout_redirect_uri: str | None = None,
        state: str | None = None,
        token_user: Any = None,
    ) -> HttpResponse:
        user = request_user(self.request)
        if user is not None:
            client_sign_out_record(user=user, application=application)
        if post_logout_redirect_uri:
            return super().do_logout(application, post_logout_redirect_uri, state, token_user)
        # Without a return address django-oauth-toolkit sends people to "/" as an absolute URL
        # that only its redirect schemes (https) may use; it has signed them out by then.
        with contextlib.suppress(DisallowedRedirect):
            super().do_logout(application, None, state, token_user)
        return HttpResponseRedirect(reverse("catalogue:home"))

    def get_request_application(self, id_token: Any, client_id: str | None) -> Any:
        """The client named by ``client_id`` or the hint; an unknown one is refused, not a 500."""
        if client_id:
            application = get_application_model().objects.filter(client_id=client_id).first()
            if application is None:
                raise InvalidOIDCClientError()
            return application
        return id_token.application if id_token else None

    def error_response(self, error: Any) -> HttpResponse:
        if isinstance(error, LogoutDenied):  # the person's own answer: nothing was refused
            return refused_page(self.request, "logout_denied", status=200)
        code = LOGOUT_ERRORS.get(type(error).__name__, getattr(error, "error", "invalid_request"))
        oidc_request_refuse(
            user=request_user(self.request),
            client_id=QueryDict(self.request.META.get("QUERY_STRING", "")).get("client_id", ""),
            error=code,
            description=getattr(error, "description", "") or "",
        )
        return refused_page(self.request, code, status=getattr(error, "status_code", 400))
