"""The clinic verifier: anyone pastes a credential's QR text or uploads a photo of its QR code.

The server verifies it as the offline verifier would (``credential_check``: this issuer's
published keys, its status lists) and says valid, not valid, revoked, suspended or expired, with
the claims the holder chose to disclose. Nothing is stored: a presented credential is what its
holder chose to show. Public, so it is rate limited per client address (``ratelimit``); the page
works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onegate.core.languages import format_date, pick
from onegate.credentials.forms_gate import QrForm
from onegate.credentials.ratelimit import RateLimitUnavailable, Window, rate_limit_hit
from onegate.credentials.verification import credential_check
from onegate.pages.formerrors import error_list

# Per address: a clinic checks a patient at a time; a script checking thousands is refused.
VERIFIER_WINDOWS = (Window(1, 5), Window(60, 30))

# The claims shown, in this order, with their labels.
CLAIM_LABELS = {
    "given_name": gettext_lazy("Given names"),
    "family_name": gettext_lazy("Family name"),
    "birthdate": gettext_lazy("Date of birth"),
    "nationality": gettext_lazy("Nationality"),
    "document_number": gettext_lazy("Passport number"),
    "issuing_state": gettext_lazy("Issuing state"),
    "national_id": gettext_lazy("National ID number"),
    "valid_until": gettext_lazy("Valid until"),
    "conditions": gettext_lazy("Conditions"),
    "reference": gettext_lazy("Reference"),
}
DATE_CLAIMS = frozenset({"birthdate", "valid_until"})
# Claims that say whose the credential is; a holder may keep every one of them back.
IDENTIFYING_CLAIMS = ("given_name", "family_name", "birthdate", "document_number", "national_id")


@dataclass(frozen=True)
class VerifierResult:
    status: str  # valid, invalid, revoked, suspended, expired
    heading: str
    explanation: str
    claims: list[dict[str, Any]]
    # What the credential is for, from the issuer-signed type (never the holder's choice).
    checked: list[dict[str, str]] = field(default_factory=list)
    warning: str = ""

    @property
    def valid(self) -> bool:
        return self.status == "valid"


@never_cache
@require_http_methods(["GET", "POST"])
def verifier(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, QrForm(), None)
    refusal = _rate_limited(request)
    if refusal is not None:
        return refusal
    form = QrForm(request.POST, request.FILES)
    result = _result(form.cleaned_data["payload"]) if form.is_valid() else None
    return _page(request, QrForm() if result else form, result)


def _page(
    request: HttpRequest,
    form: QrForm,
    result: VerifierResult | None,
    *,
    status: int = 200,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    context = {"form": form, "result": result, "errors": errors or error_list(form)}
    return render(request, "credentials/verifier.html", context, status=status)


def _rate_limited(request: HttpRequest) -> HttpResponse | None:
    address = _client_address(request)
    try:
        wait = rate_limit_hit(key=f"verifier-ip:{address}", windows=VERIFIER_WINDOWS)
    except RateLimitUnavailable:
        message = _("Credentials cannot be checked at the moment. Try again in a few minutes.")
        return _page(request, QrForm(), None, status=503, errors=[_error(message)])
    if wait is None:
        return None
    message = _("You have checked too many credentials. Try again in %(seconds)s seconds.") % {
        "seconds": wait
    }
    response = _page(request, QrForm(), None, status=429, errors=[_error(message)])
    response["Retry-After"] = str(wait)
    return response


def _client_address(request: HttpRequest) -> str:
    """The client's address as the rest of the site sees it (sign-in limits, sessions): allauth's,
    which behind a proxy reads ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER`` or the ``X-Forwarded-For``
    entry ``ALLAUTH_TRUSTED_PROXY_COUNT`` from the end (docs/configuration.md)."""
    from allauth.account.adapter import get_adapter

    try:
        return str(get_adapter(request).get_client_ip(request))
    except PermissionDenied:  # no address at all: one shared bucket
        return "unknown"


def _error(message: str) -> dict[str, str]:
    return {"text": message, "href": "#id_payload"}


def _result(payload: str) -> VerifierResult:
    verdict = credential_check(payload=payload)
    heading, explanation = _verdict_text(verdict.status, verdict.code)
    # Claims of a credential that failed its checks are not the issuer's: never shown.
    if verdict.status == "invalid":
        return VerifierResult(verdict.status, heading, explanation, [])
    claims = verdict.claims
    warning = ""
    if not any(claims.get(name) not in (None, "", []) for name in IDENTIFYING_CLAIMS):
        warning = _("This QR code does not say whose it is: ask for an identity document.")
    checked = [{"label": _("Entitlement"), "value": _type_title(claims)}]
    return VerifierResult(verdict.status, heading, explanation, _claims(claims), checked, warning)


def _type_title(claims: dict[str, Any]) -> str:
    """The entitlement type's title from the published definitions, named by the issuer-signed
    ``entitlement_type`` (or the end of ``vct``), not by the disclosable ``title``."""
    from onegate.credentials.selectors import entitlement_type_titles

    slug = str(claims.get("entitlement_type") or str(claims.get("vct", "")).rsplit("/", 1)[-1])
    title = entitlement_type_titles().get(slug)
    return pick(title) if title else slug


def _verdict_text(status: str, code: str) -> tuple[str, str]:
    if status == "valid":
        return _("Valid"), _("The credential is genuine, issued by OneGate, and in force.")
    if status == "revoked":
        return _("Revoked"), _("The issuer has cancelled this credential. Do not accept it.")
    if status == "suspended":
        return _("Suspended"), _(
            "The issuer has suspended this credential, for example because it was reported lost."
        )
    if status == "expired":
        return _("Expired"), _("This credential is no longer in force.")
    if code in {"status_unavailable", "status_stale", "status_signature"}:
        return _("Not valid"), _(
            "Whether this credential was cancelled could not be checked. Try again later."
        )
    if code == "not_yet_valid":
        return _("Not valid"), _("This credential is not in force yet.")
    return _("Not valid"), _(
        "This is not a genuine OneGate credential: it was changed, damaged or not issued by "
        "OneGate."
    )


def _claims(claims: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, label in CLAIM_LABELS.items():
        if name in claims and claims[name] not in (None, "", []):
            value = _shown(name, claims[name])
            rows.append({"key": {"text": str(label)}, "value": {"text": value}})
    return rows


def _shown(name: str, value: Any) -> str:
    if name in DATE_CLAIMS and isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return pick({str(k): str(v) for k, v in value.items()})
    if isinstance(value, list):
        return "; ".join(_shown(name, item) for item in value)
    return str(value)
