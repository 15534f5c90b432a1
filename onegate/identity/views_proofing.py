"""The pages of proving who you are, the officer's in-person check, and the step-up.

* ``proof``: your identity: how well it is proved, this session's level, and the ways to prove it;
* ``proof_method``: one online method's form (Thai ID card; passport typed or by its MRZ);
* ``proof_in_person``: the desk code to read out at a service centre;
* ``proof_officer``: the officer's side of the in-person check (staff with the permission);
* ``step_up``: what a service's level needs that this session lacks, and the way to get it;
  once nothing is missing it rotates the session key and returns to ``next``.

Every ``next`` is checked to be a path on this site (``assurance.safe_next``) before any redirect.
"""

from __future__ import annotations

from typing import Any, cast

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from onegate.identity import assurance
from onegate.identity.constants import LevelOfAssurance, ProofingMethod, level_at_least
from onegate.identity.forms_proofing import (
    InPersonForm,
    NationalIdCardForm,
    PassportForm,
    PassportZoneForm,
)
from onegate.identity.models import User
from onegate.identity.permissions import StaffPermission, staff_required
from onegate.identity.proofing import ProofingMethodPlugin, proofing_method, proofing_methods
from onegate.identity.proofing.in_person import DESK_CODE_SECONDS, desk_code
from onegate.identity.selectors import identity_level, identity_link_for
from onegate.identity.services.proofing import ProofingResult, identity_prove, step_up_complete

# The online methods' addresses (``/account/identity/<slug>/``) and their forms.
METHOD_SLUGS = {
    "thai-id-card": ProofingMethod.NATIONAL_ID_CARD,
    "passport": ProofingMethod.PASSPORT,
}
SLUG_OF: dict[str, str] = {str(method): slug for slug, method in METHOD_SLUGS.items()}
# allauth-style burst limit, before the daily limits the service counts (ACCOUNT_RATE_LIMITS).
BURST_ACTION = "identity_proofing"


def _account(request: HttpRequest) -> User:
    """The signed-in account (every view here is behind ``login_required``)."""
    return cast(User, request.user)


def _next(request: HttpRequest) -> str | None:
    return assurance.safe_next(request.POST.get("next") or request.GET.get("next"))


def _with_next(url: str, next_path: str | None) -> str:
    return f"{url}?{urlencode({'next': next_path})}" if next_path else url


def _method_links(next_path: str | None) -> list[dict[str, Any]]:
    links = []
    for method in proofing_methods():
        if method.remote:
            url = reverse("identity:proof_method", kwargs={"slug": SLUG_OF[method.name]})
        else:
            url = reverse("identity:proof_in_person")
        links.append({"method": method, "url": _with_next(url, next_path)})
    return links


@never_cache
@login_required
@require_safe
def proof(request: HttpRequest) -> HttpResponse:
    link = identity_link_for(request.user)
    context = {
        "link": link,
        "evidence": proofing_method(link.method).describe(link.evidence) if link else "",
        "identity_level": identity_level(request.user),
        "sign_in_level": assurance.sign_in_level(request),
        "session_level": assurance.session_level(request),
        "methods": _method_links(_next(request)),
        "next": _next(request),
    }
    return render(request, "identity/proofing/start.html", context)


def _form_for(method: ProofingMethodPlugin, request: HttpRequest) -> Any:
    data = request.POST if request.method == "POST" else None
    if method.name == ProofingMethod.NATIONAL_ID_CARD:
        return NationalIdCardForm(data)
    if (request.POST.get("entry") or request.GET.get("entry")) == "mrz":
        return PassportZoneForm(data)
    return PassportForm(data)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def proof_method(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in METHOD_SLUGS:
        raise Http404("no such proofing method")
    method = proofing_method(METHOD_SLUGS[slug])
    form = _form_for(method, request)
    context = {
        "method": method,
        "slug": slug,
        "form": form,
        "next": _next(request),
        "by_zone": isinstance(form, PassportZoneForm),
    }
    if request.method != "POST":
        return render(request, f"identity/proofing/{method.name}.html", context)
    if not ratelimit.consume(request, action=BURST_ACTION, user=request.user):
        context["problem"] = _("You are trying too quickly. Wait a minute, then try again.")
        return render(request, f"identity/proofing/{method.name}.html", context, status=429)
    if not form.is_valid():
        return render(request, f"identity/proofing/{method.name}.html", context, status=400)
    result = identity_prove(account=_account(request), method=method.name, details=form.details())
    if result.proved:
        # The session is worth more now: a new key, as at sign-in, so an old one is useless.
        request.session.cycle_key()
        messages.success(request, str(result.message))
        return HttpResponseRedirect(_next(request) or reverse("identity:proof"))
    context["problem"] = result.message
    return render(request, f"identity/proofing/{method.name}.html", context)


@never_cache
@login_required
@require_safe
def proof_in_person(request: HttpRequest) -> HttpResponse:
    context = {
        "code": desk_code(request.user),
        "minutes": DESK_CODE_SECONDS // 60,
        "method": proofing_method(ProofingMethod.IN_PERSON),
        "next": _next(request),
    }
    return render(request, "identity/proofing/in_person.html", context)


@never_cache
@staff_required(StaffPermission.PROOF_IN_PERSON)
@require_http_methods(["GET", "POST"])
def proof_officer(request: HttpRequest) -> HttpResponse:
    form = InPersonForm(request.POST or None, officer=request.user)
    if request.method != "POST" or not form.is_valid():
        status = 400 if form.is_bound else 200
        return render(request, "identity/proofing/officer.html", {"form": form}, status=status)
    try:
        result = identity_prove(
            account=form.account,
            method=ProofingMethod.IN_PERSON,
            details=form.details(),
            officer=_account(request),
        )
    except PermissionDenied:
        # The centre chosen is not one this officer may work at (the form offers only those).
        form.add_error("centre", _("You cannot check identities at this service centre"))
        return render(request, "identity/proofing/officer.html", {"form": form}, status=403)
    return _officer_result(request, form, result)


def _officer_result(
    request: HttpRequest, form: InPersonForm, result: ProofingResult
) -> HttpResponse:
    if not result.proved:
        problem = {"form": form, "problem": result.message}
        return render(request, "identity/proofing/officer.html", problem)
    done = {"result": result, "account": form.account, "person": result.person}
    return render(request, "identity/proofing/officer_done.html", done)


# --- step-up ----------------------------------------------------------------------------------


def _needed_level(request: HttpRequest) -> LevelOfAssurance:
    try:
        return LevelOfAssurance(request.GET.get("level", ""))
    except ValueError:
        return LevelOfAssurance.SUBSTANTIAL


def _rotate_once(request: HttpRequest, level: LevelOfAssurance, next_path: str) -> None:
    """Rotate the session key the first time the session reaches ``level`` by a step-up."""
    rotated = request.session.get(assurance.ROTATED_LEVEL_SESSION_KEY, LevelOfAssurance.LOW)
    if level_at_least(rotated, level):
        return
    request.session.cycle_key()
    request.session[assurance.ROTATED_LEVEL_SESSION_KEY] = str(level)
    step_up_complete(account=_account(request), before=rotated, after=level, next_path=next_path)


@never_cache
@login_required
@require_safe
def step_up(request: HttpRequest) -> HttpResponse:
    needed = _needed_level(request)
    next_path = _next(request) or reverse("identity:home")
    plan = assurance.step_up_plan(request, needed)
    if plan.done:
        request.session.pop(assurance.PENDING_STEP_UP_SESSION_KEY, None)
        _rotate_once(request, plan.current, next_path)
        return HttpResponseRedirect(next_path)
    here = assurance.step_up_url(needed, next_path)
    # allauth's "add a second factor" pages do not return to ``next``: they offer this instead.
    request.session[assurance.PENDING_STEP_UP_SESSION_KEY] = here
    context = {
        "plan": plan,
        "next": next_path,
        "methods": [
            entry for entry in _method_links(here) if level_at_least(entry["method"].level, needed)
        ],
        "links": {
            name: _with_next(reverse(name), here)
            for name in (
                "mfa_reauthenticate",
                "mfa_reauthenticate_webauthn",
                "mfa_activate_totp",
                "mfa_add_webauthn",
            )
        },
    }
    return render(request, "identity/step_up/step_up.html", context)
