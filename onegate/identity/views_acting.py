"""The acting pages: choosing whom to act for, delegations, "who looked at my data" and
"report a change of address", each for the person or for someone they act for.

Views only turn requests into calls: whom the page is about comes from ``acting_subject``, and
the selectors and services check again that the signed-in person may act for them. A person
whose account is not linked to a registry person is shown how to prove their identity first.
Pages about someone's data need the session at ``substantial`` (the change of address: the
level its catalogue entry declares), and take the person through the step-up otherwise.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import current_language, pick
from onegate.identity import acting
from onegate.identity.acting import ACCESS_LOG_SCOPE, ADDRESS_CHANGE_SERVICE, ActingOption
from onegate.identity.assurance import safe_next, session_level, step_up_url
from onegate.identity.constants import LevelOfAssurance, level_at_least
from onegate.identity.forms_acting import (
    FACT_LABELS,
    KIND_LABELS,
    AbroadAddressForm,
    AccessLogFilterForm,
    ActingChooseForm,
    AddressKindForm,
    BrowseForm,
    DelegationOfferForm,
    PostcodeForm,
    SubDistrictForm,
    ThaiAddressForm,
    division_label,
    stored_text_in_words,
)
from onegate.identity.selectors import person_id_for
from onegate.identity.selectors_acting import (
    access_log_of,
    access_log_organisations,
    address_change_of,
    address_changes_of,
    current_address_of,
    delegation_of,
    delegations_of,
    organisation_name,
)
from onegate.identity.services.acting import (
    ActingRefused,
    acting_for_choose,
    address_change_report_for,
)
from onegate.identity.services.delegations import (
    DelegationRefused,
    delegation_accept,
    delegation_decline,
    delegation_offer,
    delegation_revoke,
)
from onegate.registries import divisions
from onegate.registries.addresses import address_lines
from onegate.registries.selectors import access_log_csv, access_log_json

ACCESS_LOG_LEVEL = LevelOfAssurance.SUBSTANTIAL
LOG_PAGE_SIZE = 20
View = Callable[..., HttpResponse]


# --- shared steps -----------------------------------------------------------------------------


def _proof_url() -> str | None:
    try:
        return reverse("identity:proof")
    except NoReverseMatch:
        return None


def _not_linked(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/acting/not_linked.html", {"proof_url": _proof_url()})


def subject_required(
    level: str | Callable[[], str] | None = None, *, scope: str | None = None
) -> Callable[[View], View]:
    """Signed in, linked to a registry person, at ``level`` (else the step-up), and allowed
    ``scope`` for whom they act for: the view gets that person's ``ActingOption`` as
    ``subject``."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            subject = acting.acting_subject_option(request)
            if subject is None:
                return _not_linked(request)
            needed = level() if callable(level) else level
            if needed and not level_at_least(session_level(request), needed):
                return HttpResponseRedirect(step_up_url(needed, request.get_full_path()))
            if not subject.covers(scope):
                context = {"subject": subject}
                return render(request, "identity/acting/out_of_scope.html", context, status=403)
            return view(request, *args, subject=subject, **kwargs)

        return guarded

    return decorate


def _address_level() -> str:
    service = catalogue_current().service(ADDRESS_CHANGE_SERVICE)
    return service.level_of_assurance if service else LevelOfAssurance.SUBSTANTIAL


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


# --- acting for -------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def acting_for(request: HttpRequest) -> HttpResponse:
    """The people the signed-in person may act for; choosing one is a POST kept in the session."""
    subject = acting.acting_subject_option(request)
    if subject is None:
        return _not_linked(request)
    form = ActingChooseForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            option = acting_for_choose(
                user=request.user, person_id=str(form.cleaned_data["person"])
            )
        except ActingRefused as refusal:
            form.add_error("person", refusal.message)
        else:
            acting.acting_choose(request, option)
            messages.success(request, _acting_message(option))
            return HttpResponseRedirect(
                safe_next(request.POST.get("next")) or reverse("identity:acting")
            )
    options = acting.people_i_act_for(request.user)
    context = {
        "form": form,
        "options": options,
        "current": subject,
        "family_unknown": acting.family_unknown(request.user),
        "next": safe_next(request.GET.get("next") or request.POST.get("next")) or "",
    }
    return render(
        request, "identity/acting/choose.html", context, status=400 if form.errors else 200
    )


def _acting_message(option: ActingOption) -> str:
    if option.is_self:
        return _("You are now acting for yourself.")
    return _("You are now acting for %(name)s.") % {"name": option.name}


# --- who looked at my data --------------------------------------------------------------------


def _log_form(request: HttpRequest, subject: ActingOption) -> AccessLogFilterForm:
    organisations = access_log_organisations(user=request.user, person_id=subject.person_id)
    return AccessLogFilterForm(request.GET or None, organisations=organisations)


@never_cache
@require_safe
@subject_required(ACCESS_LOG_LEVEL, scope=ACCESS_LOG_SCOPE)
def access_log(request: HttpRequest, *, subject: ActingOption) -> HttpResponse:
    """Who looked at the subject's data: filters, a page of records, and the downloads."""
    form = _log_form(request, subject)
    records = access_log_of(user=request.user, person_id=subject.person_id, filters=form.filters())
    page = Paginator(records, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "subject": subject,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "kind_labels": KIND_LABELS,
        "fact_labels": FACT_LABELS,
        "organisation_name": organisation_name,
        "in_words": stored_text_in_words,
    }
    return render(request, "identity/data_access/log.html", context)


@never_cache
@require_safe
@subject_required(ACCESS_LOG_LEVEL, scope=ACCESS_LOG_SCOPE)
def access_log_download(request: HttpRequest, *, subject: ActingOption, fmt: str) -> HttpResponse:
    """The log as the page shows it (filters kept), as a CSV or JSON file to keep."""
    form = _log_form(request, subject)
    records = access_log_of(
        user=request.user, person_id=subject.person_id, filters=form.filters(), export=fmt
    )
    if fmt == "csv":
        response = HttpResponse(access_log_csv(records), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(access_log_json(records), content_type="application/json")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="who-looked-at-my-data-{day}.{fmt}"'
    return response


# --- report a change of address ---------------------------------------------------------------


@never_cache
@require_safe
@subject_required(_address_level, scope=ADDRESS_CHANGE_SERVICE)
def address_start(request: HttpRequest, *, subject: ActingOption) -> HttpResponse:
    """The current address, and where the new one is: Thailand or abroad."""
    form = AddressKindForm(request.GET or None)
    if form.is_bound and form.is_valid():
        name = (
            "identity:address_thai"
            if form.cleaned_data["kind"] == "thai"
            else "identity:address_abroad"
        )
        return HttpResponseRedirect(reverse(name))
    current = current_address_of(user=request.user, person_id=subject.person_id)
    context = {
        "subject": subject,
        "form": form,
        "current_lines": address_lines(current.value, current_language()) if current else [],
        "changes": address_changes_of(user=request.user, person_id=subject.person_id, limit=1),
    }
    return render(
        request, "identity/address/start.html", context, status=400 if form.errors else 200
    )


def _place(code: str) -> divisions.Division | None:
    return divisions.sub_district(code) if code else None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@subject_required(_address_level, scope=ADDRESS_CHANGE_SERVICE)
def address_thai(request: HttpRequest, *, subject: ActingOption) -> HttpResponse:
    """A Thai address: find the sub-district (by postcode, or province then district), then the
    rest of the address and the moving date. Every step is a plain form: no script needed."""
    place = _place(request.POST.get("sub_district") or request.GET.get("sub_district", ""))
    if place is not None:
        return _thai_address(request, subject, place)
    if "province" in request.GET or "browse" in request.GET:
        return _thai_browse(request, subject)
    form = PostcodeForm(request.GET or None)
    places = form.sub_districts() if form.is_bound and form.is_valid() else []
    if len(places) == 1:
        return HttpResponseRedirect(
            f"{reverse('identity:address_thai')}?sub_district={places[0].code}"
        )
    context = {
        "subject": subject,
        "form": form,
        "choice": SubDistrictForm(places=places) if places else None,
    }
    return render(
        request, "identity/address/thai_find.html", context, status=400 if form.errors else 200
    )


def _thai_browse(request: HttpRequest, subject: ActingOption) -> HttpResponse:
    form = BrowseForm(request.GET if "province" in request.GET else None)
    places = form.sub_districts()
    context = {
        "subject": subject,
        "form": form,
        "district": form.cleaned_data.get("district", "") if form.is_valid() else "",
        "choice": SubDistrictForm(places=places) if places else None,
    }
    status = 400 if form.errors else 200
    return render(request, "identity/address/thai_browse.html", context, status=status)


def _thai_address(
    request: HttpRequest, subject: ActingOption, place: divisions.Division
) -> HttpResponse:
    form = ThaiAddressForm(request.POST or None, place=place)
    if request.method == "POST":
        done = _report(request, subject, form)
        if done is not None:
            return done
    context = {
        "subject": subject,
        "form": form,
        "place": place,
        "place_label": division_label(place, current_language()),
    }
    return render(
        request, "identity/address/thai_address.html", context, status=400 if form.errors else 200
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@subject_required(_address_level, scope=ADDRESS_CHANGE_SERVICE)
def address_abroad(request: HttpRequest, *, subject: ActingOption) -> HttpResponse:
    """An address outside Thailand, and the moving date."""
    form = AbroadAddressForm(request.POST or None)
    if request.method == "POST":
        done = _report(request, subject, form)
        if done is not None:
            return done
    context = {"subject": subject, "form": form}
    return render(
        request, "identity/address/abroad.html", context, status=400 if form.errors else 200
    )


def _report(request: HttpRequest, subject: ActingOption, form: Any) -> HttpResponse | None:
    """Report the move when the form is good; else leave the errors on the form."""
    if not form.is_valid() or form.valid_address is None or form.moved_on is None:
        return None
    try:
        event = address_change_report_for(
            user=request.user,
            person_id=subject.person_id,
            address=form.valid_address,
            moved_on=form.moved_on,
        )
    except ActingRefused as refusal:
        form.add_error(None, refusal.message)
        return None
    except ValidationError as error:
        form.add_validation_error(error)
        return None
    request.session["identity.address_reported"] = str(event.pk)
    return HttpResponseRedirect(reverse("identity:address_change", kwargs={"event_id": event.pk}))


@never_cache
@require_safe
@subject_required(_address_level, scope=ADDRESS_CHANGE_SERVICE)
def address_changes(request: HttpRequest, *, subject: ActingOption) -> HttpResponse:
    """The latest moves reported, and which agencies have been told of each."""
    changes = address_changes_of(user=request.user, person_id=subject.person_id)
    return render(
        request, "identity/address/changes.html", {"subject": subject, "changes": changes}
    )


@never_cache
@require_safe
@subject_required(_address_level, scope=ADDRESS_CHANGE_SERVICE)
def address_change(
    request: HttpRequest, *, subject: ActingOption, event_id: uuid.UUID
) -> HttpResponse:
    """One move: just reported (the confirmation) or looked at later (its status)."""
    change = address_change_of(user=request.user, person_id=subject.person_id, event_id=event_id)
    just_reported = request.session.pop("identity.address_reported", None) == str(event_id)
    context = {"subject": subject, "change": change, "just_reported": just_reported}
    return render(request, "identity/address/change.html", context)


# --- delegations ------------------------------------------------------------------------------


def _service_choices() -> list[tuple[str, str]]:
    catalogue = catalogue_current()
    language = current_language()
    return [(s.slug, pick(s.title)) for s in catalogue.services_a_to_z(language) if s.is_listed]


@never_cache
@login_required
@require_safe
def delegations(request: HttpRequest) -> HttpResponse:
    """Who can act for the signed-in person, and whom they can act for (or are asked to)."""
    lists = delegations_of(user=request.user)
    context = {
        "lists": lists,
        "today": timezone.localdate(),
        "linked": acting.acting_subject(request) is not None,
    }
    return render(request, "identity/acting/delegations.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required(allow_get=True)
def delegation_new(request: HttpRequest) -> HttpResponse:
    """Let someone act for you. Sending it asks for your password (or passkey) again first."""
    if acting.acting_subject(request) is None:
        return _not_linked(request)
    form = DelegationOfferForm(request.POST or None, services=_service_choices())
    if form.is_bound and form.is_valid() and form.cleaned_data["valid_until"]:
        data = form.cleaned_data
        try:
            delegation = delegation_offer(
                grantor=request.user,
                delegate_email=data["email"],
                all_services=data["all_services"],
                service_slugs=data["service_slugs"],
                valid_until=data["valid_until"],
                site_url=_site_url(request),
            )
        except DelegationRefused as refusal:
            field = refusal.field if refusal.field in form.fields else None
            if refusal.field == "valid_until":
                field = "valid_until_day"
            form.add_error(field, refusal.message)
        else:
            messages.success(
                request,
                _("We have sent your request to %(email)s.") % {"email": delegation.delegate_email},
            )
            return HttpResponseRedirect(
                reverse("identity:delegation", kwargs={"delegation_id": delegation.pk})
            )
    return render(
        request,
        "identity/acting/delegation_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_safe
def delegation(request: HttpRequest, delegation_id: uuid.UUID) -> HttpResponse:
    """One delegation, its history, and what the signed-in person can do with it."""
    found = delegation_of(user=request.user, delegation_id=delegation_id)
    me = person_id_for(request.user)
    context = {
        "delegation": found,
        "is_grantor": found.granted_by_id == request.user.pk or str(found.grantor_person_id) == me,
        "linked": me is not None,
        "proof_url": _proof_url(),
        "service_titles": dict(_service_choices()),
        "today": timezone.localdate(),
    }
    return render(request, "identity/acting/delegation.html", context)


def _delegation_action(service: Callable[..., Any], done: Callable[[Any], str]) -> View:
    @never_cache
    @login_required
    @require_POST
    def view(request: HttpRequest, delegation_id: uuid.UUID) -> HttpResponse:
        # Refuse another citizen's delegation as if it did not exist.
        found = delegation_of(user=request.user, delegation_id=delegation_id)
        try:
            changed = service(
                delegation_id=found.pk, user=request.user, site_url=_site_url(request)
            )
        except DelegationRefused as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, done(changed))
        return HttpResponseRedirect(
            reverse("identity:delegation", kwargs={"delegation_id": found.pk})
        )

    return view


def _grantor(delegation: Any) -> str:
    return pick({"en": delegation.grantor_name_en, "th": delegation.grantor_name_th})


delegation_accept_view = _delegation_action(
    delegation_accept,
    lambda d: _("You can now act for %(name)s.") % {"name": _grantor(d)},
)
delegation_decline_view = _delegation_action(
    delegation_decline,
    lambda d: _("You declined to act for %(name)s.") % {"name": _grantor(d)},
)
delegation_revoke_view = _delegation_action(
    delegation_revoke,
    lambda d: _("The delegation has ended. We have told both of you by email."),
)
