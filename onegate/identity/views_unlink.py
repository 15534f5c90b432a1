"""Ending an account's link to its registry person: by the person from their account, or by
identity support staff.

* **The person** (``identity:unlink``) sees what their account is linked to and confirms; ending
  it asks for their password or passkey again first (allauth's re-authentication), as other
  changes to how they are known do.
* **Support** (``identity:support_links``) is staff with ``identity.unlink_account`` in the
  support agency (``IDENTITY_SUPPORT_AGENCY``: agency administrators and registry officers
  there). They find an account by email address, see its link (never the person's registry
  data), and end it with a reason, after confirming who they are again. Staff of another
  agency, or in a role without the permission, get 403.

Both go through ``services.links``, which audits the change and emails the person.
"""

from __future__ import annotations

import uuid

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onegate.identity.forms_organisations import apply_service_errors
from onegate.identity.forms_unlink import PersonUnlinkForm, SupportFindForm, SupportUnlinkForm
from onegate.identity.models.proofing import LinkEndReason
from onegate.identity.permissions import StaffPermission, staff_required
from onegate.identity.proofing import proofing_method
from onegate.identity.selectors import (
    identity_link_for,
    support_account_find,
    support_account_get,
    support_may_unlink,
)
from onegate.identity.services.links import identity_link_end, identity_link_end_by_support

UNLINK = StaffPermission.UNLINK_ACCOUNT


def _evidence(link: object) -> str:
    if link is None:
        return ""
    return proofing_method(link.method).describe(link.evidence)  # type: ignore[attr-defined]


# --- the person ---------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required(allow_get=True)
def unlink(request: HttpRequest) -> HttpResponse:
    """Unlink your own account from your identity (confirm, and prove it's you again)."""
    link = identity_link_for(request.user)
    if link is None:
        return HttpResponseRedirect(reverse("identity:proof"))
    form = PersonUnlinkForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        identity_link_end(account=request.user, reason=LinkEndReason.PERSON, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Your account is no longer linked to your identity."))
        return HttpResponseRedirect(reverse("identity:proof"))
    context = {"link": link, "evidence": _evidence(link), "form": form}
    return render(
        request, "identity/unlink/person.html", context, status=400 if form.errors else 200
    )


# --- support ------------------------------------------------------------------------------------


def _support_only(request: HttpRequest) -> None:
    if not support_may_unlink(request.user):
        raise PermissionDenied(UNLINK)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(UNLINK)
def support_links(request: HttpRequest) -> HttpResponse:
    """Find an account by email address (posted, so the address stays out of URLs and logs)."""
    _support_only(request)
    form = SupportFindForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        found = support_account_find(actor=request.user, email=form.cleaned_data["email"])
        if found is not None:
            return HttpResponseRedirect(
                reverse("identity:support_link", kwargs={"account_id": found})
            )
        form.add_error("email", _("No account has this email address."))
    return render(
        request,
        "identity/unlink/support_find.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(UNLINK)
@reauthentication_required(allow_get=True)
def support_link(request: HttpRequest, account_id: uuid.UUID) -> HttpResponse:
    """One account's link, and ending it with a reason."""
    _support_only(request)
    found = support_account_get(actor=request.user, account_id=account_id)
    if found is None:
        raise Http404
    form = SupportUnlinkForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid() and found.link is not None:
        try:
            identity_link_end_by_support(
                actor=request.user, account=found.account, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(email)s is no longer linked to an identity. We have emailed them.")
                % {"email": found.account.email},
            )
            return HttpResponseRedirect(reverse("identity:support_link", args=[account_id]))
    context = {"found": found, "evidence": _evidence(found.link), "form": form}
    return render(
        request, "identity/unlink/support_account.html", context, status=400 if form.errors else 200
    )
