"""The back office's entitlement pages: find one (reference, passport number, national ID), see
it with its history and checks, and suspend, reinstate or revoke it with a reason.

Every page needs ``credentials.manage_entitlement`` somewhere (``staff_required``: signed out to
sign-in, anyone else 403); an entitlement another agency granted is a 404
(``selectors.entitlement_for_staff``). The changes are the services', which check again who may
act, the state and the form's ``lock_version`` under the row lock: a refusal draws the page as it
is now with the reason in the error summary, status 409, and nothing changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from onegate.core.languages import current_language, pick
from onegate.credentials.constants import MAX_REASON_LENGTH, EntitlementStatus
from onegate.credentials.forms_staff import EntitlementActionForm, SearchForm
from onegate.credentials.models import Entitlement
from onegate.credentials.selectors import entitlement_for_staff, entitlements_search_for_staff
from onegate.credentials.services import (
    EntitlementRefused,
    entitlement_reinstate,
    entitlement_revoke,
    entitlement_suspend,
)
from onegate.credentials.views_holder import (
    entitlement_checks,
    entitlement_facts,
    entitlement_history,
    status_colour,
)
from onegate.identity.permissions import StaffPermission, staff_required
from onegate.pages.formerrors import error_list

__all__ = ["entitlement", "reinstate", "revoke", "search", "suspend"]

MANAGE = StaffPermission.MANAGE_ENTITLEMENT

# Each action: the service, which states it applies to, and what the officer is told after.
ACTIONS: dict[str, tuple[Callable[..., Entitlement], frozenset[str]]] = {
    "suspend": (entitlement_suspend, frozenset({EntitlementStatus.ACTIVE})),
    "reinstate": (entitlement_reinstate, frozenset({EntitlementStatus.SUSPENDED})),
    "revoke": (
        entitlement_revoke,
        frozenset({EntitlementStatus.ACTIVE, EntitlementStatus.SUSPENDED}),
    ),
}


def _done_text(action: str, reference: str) -> str:
    texts = {
        "suspend": _("Entitlement %(reference)s is suspended. The holder has been told why."),
        "reinstate": _("Entitlement %(reference)s is active again. The holder has been told."),
        "revoke": _("Entitlement %(reference)s is revoked. The holder has been told why."),
    }
    return texts[action] % {"reference": reference}


@never_cache
@staff_required(MANAGE)
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Find an entitlement your agency granted by its reference or a document it is linked to."""
    form = SearchForm(request.GET if "q" in request.GET else None)
    results: list[dict[str, Any]] | None = None
    if form.is_bound and form.is_valid():
        language = current_language()
        results = [
            {
                "entitlement": found,
                "title": pick(found.title, language),
                "person": pick(found.holder_names, language),
                "status_label": found.get_status_display(),
                "status_colour": status_colour(found.status),
            }
            for found in entitlements_search_for_staff(user=request.user, q=form.cleaned_data["q"])
        ]
    context = {
        "form": form,
        "results": results,
        "errors": error_list(form) if form.is_bound else [],
    }
    return render(request, "credentials/staff/search.html", context)


def _page(
    request: HttpRequest,
    found: Entitlement,
    *,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
    form: EntitlementActionForm | None = None,
) -> HttpResponse:
    language = current_language()
    forms = {
        action: (form if form is not None and form.action == action else None)
        or EntitlementActionForm(action=action, initial={"lock_version": found.lock_version})
        for action, (_service, states) in ACTIONS.items()
        if found.status in states
    }
    context = {
        "entitlement": found,
        "title": pick(found.title, language),
        "person": pick(found.holder_names, language),
        "status_label": found.get_status_display(),
        "status_colour": status_colour(found.status),
        "facts": entitlement_facts(found, language, hide_numbers=False),
        "history": entitlement_history(found, language),
        "checks": entitlement_checks(found),
        "forms": forms,
        "max_length": MAX_REASON_LENGTH,
        "errors": errors or [],
    }
    return render(request, "credentials/staff/entitlement.html", context, status=status)


def _found(request: HttpRequest, entitlement_id: uuid.UUID) -> Entitlement:
    return entitlement_for_staff(
        user=request.user,
        entitlement_id=entitlement_id,
        permission=MANAGE,
        audit=request.method != "POST",
    )


@never_cache
@staff_required(MANAGE)
@require_safe
def entitlement(request: HttpRequest, entitlement_id: uuid.UUID) -> HttpResponse:
    """The entitlement: summary, what it is linked to, history, checks, and what may be done."""
    return _page(request, _found(request, entitlement_id))


def _prefixed(errors: list[dict[str, str]], prefix: str | None) -> list[dict[str, str]]:
    """The error summary's links to the fields of a prefixed form (``#id_<prefix>-reason``)."""
    return [e | {"href": e["href"].replace("#id_", f"#id_{prefix}-", 1)} for e in errors]


def _act(request: HttpRequest, entitlement_id: uuid.UUID, action: str) -> HttpResponse:
    found = _found(request, entitlement_id)
    form = EntitlementActionForm(request.POST, action=action)
    if not form.is_valid():
        return _page(request, found, errors=_prefixed(error_list(form), form.prefix), form=form)
    service, _states = ACTIONS[action]
    try:
        service(
            actor=request.user,
            entitlement_id=found.pk,
            reason=form.cleaned_data["reason"],
            lock_version=form.version(),
        )
    except EntitlementRefused as refused:
        found.refresh_from_db()
        errors = [{"text": str(refused.message), "href": "#status"}]
        return _page(request, found, errors=errors, status=409)
    messages.success(request, _done_text(action, found.reference))
    return HttpResponseRedirect(reverse("entitlements:staff_entitlement", args=[found.pk]))


@staff_required(MANAGE)
@require_POST
def suspend(request: HttpRequest, entitlement_id: uuid.UUID) -> HttpResponse:
    return _act(request, entitlement_id, "suspend")


@staff_required(MANAGE)
@require_POST
def reinstate(request: HttpRequest, entitlement_id: uuid.UUID) -> HttpResponse:
    return _act(request, entitlement_id, "reinstate")


@staff_required(MANAGE)
@require_POST
def revoke(request: HttpRequest, entitlement_id: uuid.UUID) -> HttpResponse:
    return _act(request, entitlement_id, "revoke")
