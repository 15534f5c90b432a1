"""The person's appointment pages: find a centre, choose a time, book, see, change and cancel.

Each page is for whom the signed-in person acts for now (``acting.acting_subject_option``); the
services and selectors check again. A booking that is not theirs to see is a 404 (and audited by
the selector or service). Every step is a plain link or form: no script needed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from onegate.appointments import selectors
from onegate.appointments.calendar_file import booking_calendar
from onegate.appointments.forms import CancelForm, LocatorForm, SlotChoiceForm
from onegate.appointments.models import Booking, Slot
from onegate.appointments.services import (
    BookingRefused,
    booking_cancel,
    booking_create,
    booking_reschedule,
)
from onegate.appointments.visits import (
    VisitRequirement,
    services_needing_visits,
    visit_requirement,
)
from onegate.core.languages import current_language
from onegate.identity import acting
from onegate.identity.acting import ActingOption
from onegate.identity.models.organisations import ServiceCentre

View = Callable[..., HttpResponse]


def person_required(view: View) -> View:
    """Signed in and linked to a registry person: the view gets whom they act for as
    ``subject``; an unlinked account is shown how to prove who they are first."""

    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        subject = acting.acting_subject_option(request)
        if subject is None:
            try:
                proof_url: str | None = reverse("identity:proof")
            except NoReverseMatch:
                proof_url = None
            return render(request, "identity/acting/not_linked.html", {"proof_url": proof_url})
        return view(request, *args, subject=subject, **kwargs)

    return guarded


def _visit_or_404(service_slug: str) -> VisitRequirement:
    requirement = visit_requirement(service_slug)
    if requirement is None:
        raise Http404("this service does not need a visit")
    return requirement


def _booking_or_404(request: HttpRequest, reference: str) -> Booking:
    booking = selectors.booking_get_for(user=request.user, reference=reference)
    if booking is None:
        raise Http404("no such booking for this person")
    return booking


def _changing(request: HttpRequest, service_slug: str) -> Booking | None:
    """The booking being moved to a new time (``?change=<reference>``), if any."""
    reference = request.GET.get("change") or request.POST.get("change")
    if not reference:
        return None
    booking = _booking_or_404(request, reference)
    if booking.service_slug != service_slug or not booking.can_change():
        raise Http404("this booking cannot be changed here")
    return booking


@never_cache
@require_safe
@person_required
def home(request: HttpRequest, *, subject: ActingOption) -> HttpResponse:
    """The subject's appointments, upcoming first, and the services that need a visit."""
    bookings = selectors.bookings_of(user=request.user, person_id=subject.person_id)
    now = timezone.now()
    upcoming = [b for b in bookings if b.can_change() and b.slot.ends_at >= now]
    upcoming.sort(key=lambda b: b.slot.starts_at)
    past = [b for b in bookings if b not in upcoming]
    context = {
        "subject": subject,
        "upcoming": upcoming,
        "past": past,
        "services": services_needing_visits(),
    }
    return render(request, "appointments/home.html", context)


@never_cache
@require_safe
@person_required
def find(request: HttpRequest, service_slug: str, *, subject: ActingOption) -> HttpResponse:
    """Find a centre offering the service: by postcode (nearest first) or by province."""
    requirement = _visit_or_404(service_slug)
    changing = _changing(request, service_slug)
    asked = any(request.GET.get(key) for key in ("postcode", "province", "sub_district"))
    form = LocatorForm(request.GET if asked else None)
    hits: list[selectors.CentreHit] = []
    searched = False
    if form.is_bound and form.is_valid() and not form.areas():
        data = form.cleaned_data
        hits, _origin = selectors.centres_find(
            service_slug=service_slug,
            province_code=data["province"],
            postcode=data["postcode"],
            sub_district_code=data["sub_district"],
        )
        searched = True
    elif not form.is_bound:
        hits, _origin = selectors.centres_find(service_slug=service_slug)
    existing = None
    if changing is None:
        existing = next(
            (
                b
                for b in selectors.bookings_of(user=request.user, person_id=subject.person_id)
                if b.service_slug == service_slug and b.can_change()
            ),
            None,
        )
    context = {
        "subject": subject,
        "requirement": requirement,
        "existing": existing,
        "form": form,
        "areas": form.areas(),
        "hits": hits,
        "searched": searched,
        "changing": changing,
        "language": current_language(),
        "province_name": selectors.province_name,
    }
    return render(request, "appointments/find.html", context, status=400 if form.errors else 200)


def _centre_or_404(centre_slug: str) -> ServiceCentre:
    centre = ServiceCentre.objects.filter(slug=centre_slug).select_related("moved_to").first()
    if centre is None:
        raise Http404("no such centre")
    return centre


def _chosen_day(request: HttpRequest, days: list[dt.date]) -> dt.date | None:
    try:
        wanted = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        wanted = None
    return wanted if wanted in days else (days[0] if days else None)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@person_required
def slots(
    request: HttpRequest, service_slug: str, centre_slug: str, *, subject: ActingOption
) -> HttpResponse:
    """The days with free times at a centre, the times of the chosen day, and booking one."""
    requirement = _visit_or_404(service_slug)
    centre = _centre_or_404(centre_slug)
    changing = _changing(request, service_slug)
    by_day = selectors.free_slots_by_day(centre=centre, service_slug=service_slug)
    day = _chosen_day(request, [d for d, _ in by_day])
    times = dict(by_day).get(day, []) if day else []
    form = SlotChoiceForm(request.POST if request.method == "POST" else None, slots=times)
    if request.method == "POST":
        done = _book(request, subject, form, changing)
        if done is not None:
            return done
    context = {
        "subject": subject,
        "requirement": requirement,
        "centre": centre,
        "by_day": by_day,
        "day": day,
        "times": times,
        "form": form,
        "changing": changing,
        "address": selectors.centre_address_text(centre, current_language()),
    }
    status = 400 if form.errors else 200
    return render(request, "appointments/slots.html", context, status=status)


def _book(
    request: HttpRequest, subject: ActingOption, form: Any, changing: Booking | None
) -> HttpResponse | None:
    """Book (or move ``changing`` to) the chosen time; errors stay on the form."""
    slot_id = _uuid_or_none(request.POST.get("slot", ""))
    if slot_id is None or not Slot.objects.filter(pk=slot_id).exists():
        form.is_valid()
        form.add_error("slot", _("Choose one of the times shown."))
        return None
    try:
        if changing is None:
            booking = booking_create(
                actor=request.user, person_id=subject.person_id, slot_id=slot_id
            )
            messages.success(request, _("Your appointment is booked."))
        else:
            booking = booking_reschedule(actor=request.user, booking=changing, slot_id=slot_id)
            messages.success(request, _("Your appointment has a new time."))
    except BookingRefused as refusal:
        form.is_valid()
        form.add_error("slot", str(refusal.message))
        return None
    except Booking.DoesNotExist as missing:
        raise Http404("no such booking for this person") from missing
    return HttpResponseRedirect(
        reverse("appointments:booking", kwargs={"reference": booking.reference})
    )


def _uuid_or_none(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


@never_cache
@require_safe
@person_required
def booking(request: HttpRequest, reference: str, *, subject: ActingOption) -> HttpResponse:
    """One booking: when and where, its reference, and what can be done with it."""
    found = _booking_or_404(request, reference)
    context = {
        "subject": subject,
        "booking": found,
        "centre": found.slot.centre,
        "address": selectors.centre_address_text(found.slot.centre, current_language()),
        "service_title": selectors.service_title(found.service_slug),
        "facilities": _facilities(found.slot.centre),
        "changeable": found.can_change() and found.slot.starts_at > timezone.now(),
    }
    return render(request, "appointments/booking.html", context)


def _facilities(centre: ServiceCentre) -> list[str]:
    profile = getattr(centre, "appointment_profile", None)
    if profile is None:
        return []
    hit = selectors.CentreHit(centre, profile, None, tuple(profile.facilities or ()))
    return hit.facility_labels()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@person_required
def cancel(request: HttpRequest, reference: str, *, subject: ActingOption) -> HttpResponse:
    """Are you sure? Then cancel, giving the place back."""
    found = _booking_or_404(request, reference)
    form = CancelForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            booking_cancel(actor=request.user, booking=found, reason=form.cleaned_data["reason"])
        except BookingRefused as refusal:
            error = str(refusal.message)
        except Booking.DoesNotExist as missing:
            raise Http404("no such booking for this person") from missing
        else:
            messages.success(request, _("The appointment is cancelled."))
            return HttpResponseRedirect(reverse("appointments:home"))
    context = {
        "subject": subject,
        "booking": found,
        "form": form,
        "error": error,
        "service_title": selectors.service_title(found.service_slug),
    }
    return render(request, "appointments/cancel.html", context, status=400 if error else 200)


@never_cache
@require_safe
@person_required
def calendar(request: HttpRequest, reference: str, *, subject: ActingOption) -> HttpResponse:
    """The booking as an ``.ics`` file to add to a calendar."""
    found = _booking_or_404(request, reference)
    link = request.build_absolute_uri(
        reverse("appointments:booking", kwargs={"reference": found.reference})
    )
    response = HttpResponse(
        booking_calendar(found, link=link), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="appointment-{found.reference}.ics"'
    return response
