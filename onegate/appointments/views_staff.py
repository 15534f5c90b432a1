"""Service-centre officers' pages: the centres they work at, a centre's day, check-in and
"did not come". Open to staff with ``appointments.view_day`` (``staff_required``); the list and
every change are narrowed to the officer's centres by the selectors and services."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onegate.appointments import selectors
from onegate.appointments.constants import BookingStatus
from onegate.appointments.forms import CloseDayForm, DayForm
from onegate.appointments.models import Booking
from onegate.appointments.references import reference_normalise
from onegate.appointments.services import (
    BookingRefused,
    booking_check_in,
    booking_mark_no_show,
    centre_day_close,
)
from onegate.core.languages import format_date
from onegate.identity.models import User
from onegate.identity.models.organisations import ServiceCentre
from onegate.identity.permissions import StaffPermission, staff_required, staff_scope

VIEW_DAY = StaffPermission.VIEW_APPOINTMENT_DAY


@never_cache
@require_safe
@staff_required(VIEW_DAY)
def centres(request: HttpRequest) -> HttpResponse:
    """The centres whose day the officer may see; one centre goes straight to its day."""
    found = selectors.staff_centres(request.user)
    if len(found) == 1:
        return HttpResponseRedirect(
            reverse("appointments:staff_day", kwargs={"centre_id": found[0].pk})
        )
    return render(request, "appointments/staff/centres.html", {"centres": found})


@never_cache
@require_safe
@staff_required(VIEW_DAY)
def day(request: HttpRequest, centre_id: uuid.UUID) -> HttpResponse:
    """Who is booked when at the centre on a day, with check-in and "did not come"."""
    centre = ServiceCentre.objects.filter(pk=centre_id).first()
    today = timezone.localdate()
    shown = DayForm(request.GET or None).day(today)
    bookings = selectors.day_bookings(user=request.user, centre_id=centre_id, day=shown)
    if centre is None or bookings is None:
        raise Http404("no such centre for this officer")
    now = timezone.now()
    context = {
        "centre": centre,
        "day": shown,
        "today": today,
        "previous": shown - dt.timedelta(days=1),
        "next": shown + dt.timedelta(days=1),
        "bookings": bookings,
        "can_check_in": [
            b.pk for b in bookings if b.status == BookingStatus.BOOKED and shown == today
        ],
        "can_no_show": [
            b.pk for b in bookings if b.status == BookingStatus.BOOKED and b.slot.starts_at <= now
        ],
        "titles": selectors.service_titles([b.service_slug for b in bookings]),
    }
    return render(request, "appointments/staff/day.html", context)


def _staff_booking(reference: str) -> Booking:
    normalised = reference_normalise(reference)
    booking = (
        Booking.objects.filter(reference=normalised).select_related("slot").first()
        if normalised
        else None
    )
    if booking is None:
        raise Http404("no such booking")
    return booking


def _back_to_day(booking: Booking) -> HttpResponseRedirect:
    day = timezone.localtime(booking.slot.starts_at).date()
    url = reverse("appointments:staff_day", kwargs={"centre_id": booking.slot.centre_id})
    return HttpResponseRedirect(f"{url}?date={day.isoformat()}")


@staff_required(StaffPermission.CHECK_IN)
@require_POST
def check_in(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _staff_booking(reference)
    try:
        booking_check_in(actor=request.user, booking=booking)
    except BookingRefused as refusal:
        messages.error(request, str(refusal.message))
    except Booking.DoesNotExist as missing:
        raise Http404("not at this officer's centre") from missing
    else:
        messages.success(request, _("%(name)s is checked in.") % {"name": booking.person_name})
    return _back_to_day(booking)


@staff_required(StaffPermission.CHECK_IN)
@require_POST
def no_show(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _staff_booking(reference)
    try:
        booking_mark_no_show(actor=request.user, booking=booking)
    except BookingRefused as refusal:
        messages.error(request, str(refusal.message))
    except Booking.DoesNotExist as missing:
        raise Http404("not at this officer's centre") from missing
    else:
        messages.success(
            request, _("%(name)s is marked as not come.") % {"name": booking.person_name}
        )
    return _back_to_day(booking)


@never_cache
@staff_required(StaffPermission.MANAGE_SERVICE_CENTRES)
@require_http_methods(["GET", "HEAD", "POST"])
def close_day(request: HttpRequest) -> HttpResponse:
    """An agency administrator closes a centre for a day: booked people are told and offered
    a new time (``centre_day_close``)."""
    mine = staff_scope(request.user, StaffPermission.MANAGE_SERVICE_CENTRES)
    open_centres = list(
        ServiceCentre.objects.filter(agency_slug__in=mine, is_active=True).order_by("name_en")
    )
    today = timezone.localdate()
    form = CloseDayForm(
        request.POST if request.method == "POST" else None, centres=open_centres, today=today
    )
    if request.method == "POST" and form.is_valid():
        centre = next(c for c in open_centres if str(c.pk) == form.cleaned_data["centre"])
        data = form.cleaned_data
        moved = centre_day_close(
            actor=cast(User, request.user),  # staff_required: signed in
            centre=centre,
            date=data["date"],
            reason_en=data["reason_en"],
            reason_th=data["reason_th"],
        )
        messages.success(
            request,
            ngettext(
                "%(centre)s is closed on %(day)s. %(num)s booked person was told.",
                "%(centre)s is closed on %(day)s. %(num)s booked people were told.",
                len(moved),
            )
            % {"centre": centre.name, "day": format_date(data["date"]), "num": len(moved)},
        )
        return HttpResponseRedirect(reverse("appointments:close_day"))
    context = {"form": form, "centres": open_centres}
    status = 400 if form.errors else 200
    return render(request, "appointments/staff/close_day.html", context, status=status)
