"""Where a centre is and what it offers, public holidays, slots with a capacity, and bookings.

Identity owns ``ServiceCentre`` with its opening hours and closures; ``CentreProfile`` adds what
only appointments needs (coordinates, accessibility facilities, slot length and counters), one
row per centre, so identity's tables stay as they are.

Double booking is kept out by the database, not only by the code that checks first:

* ``Slot.booked`` counts the bookings holding a place, and a check constraint keeps it at or
  under ``capacity`` whoever writes; the booking service also locks the slot row
  (``select_for_update``) and counts the bookings against the capacity before adding one, so
  concurrent requests queue on the row instead of failing on the constraint;
* a partial unique constraint lets a person hold only one booked appointment per service.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onegate.appointments.constants import (
    DEFAULT_CAPACITY,
    DEFAULT_SLOT_MINUTES,
    BookingStatus,
)
from onegate.core.languages import pick
from onegate.core.models import TimestampedModel, UUIDModel
from onegate.identity.models.organisations import ServiceCentre


class CentreProfile(TimestampedModel):
    """Where a centre is, what it offers for accessibility, and how its bookings are cut."""

    centre = models.OneToOneField(
        ServiceCentre,
        on_delete=models.CASCADE,
        related_name="appointment_profile",
        verbose_name=_("service centre"),
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    facilities = models.JSONField(_("accessibility facilities"), default=list, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per appointment"), default=DEFAULT_SLOT_MINUTES
    )
    capacity = models.PositiveSmallIntegerField(
        _("people per service in each slot"), default=DEFAULT_CAPACITY
    )

    class Meta:
        verbose_name = _("centre location and facilities")
        verbose_name_plural = _("centre locations and facilities")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="appointments_profile_coordinates_on_earth",
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5) & Q(slot_minutes__lte=240),
                name="appointments_profile_slot_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre_id} ({self.latitude:.4f}, {self.longitude:.4f})"


class PublicHoliday(UUIDModel):
    """A day Thailand's government offices close; no slots are made on it at any centre."""

    date = models.DateField(_("date"), unique=True)
    name_en = models.CharField(_("name in English"), max_length=300)
    name_th = models.CharField(_("name in Thai"), max_length=300)

    class Meta:
        ordering = ("date",)
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name_en}"

    @property
    def name(self) -> str:
        return pick({"en": self.name_en, "th": self.name_th})


class Slot(UUIDModel):
    """A period at a centre in which ``capacity`` people can be seen for one service."""

    centre = models.ForeignKey(
        ServiceCentre, on_delete=models.PROTECT, related_name="slots", verbose_name=_("centre")
    )
    service_slug = models.SlugField(_("service"), max_length=80)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    # Bookings holding a place (status booked); kept by the booking services under a row lock.
    booked = models.PositiveSmallIntegerField(_("places taken"), default=0)
    # False once the centre closed that day or moved: nobody can book it any more.
    is_open = models.BooleanField(_("open for booking"), default=True)

    class Meta:
        ordering = ("starts_at", "service_slug")
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        indexes = [
            models.Index(
                fields=["centre", "service_slug", "starts_at"], name="appointments_slot_find"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "service_slug", "starts_at"], name="appointments_slot_once"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="appointments_slot_starts_first"
            ),
            # The last line against double booking: never more places taken than there are.
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="appointments_slot_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_slug} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class Booking(TimestampedModel):
    """A person's appointment in a slot: made by them or by someone acting for them."""

    reference = models.CharField(_("reference"), max_length=16, unique=True)
    person_id = models.UUIDField(_("registry person"), db_index=True)
    # The person's name as the acting switch gave it, for the staff day view and messages.
    person_name_en = models.CharField(_("name (Latin script)"), max_length=200)
    person_name_th = models.CharField(_("name (Thai script)"), max_length=200, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointment_bookings",
        verbose_name=_("booked by"),
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("slot")
    )
    # The slot's service, copied so the database can keep one booking per person and service.
    service_slug = models.SlugField(_("service"), max_length=80)
    status = models.CharField(
        _("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["slot", "status"], name="appointments_booking_slot"),
        ]
        constraints = [
            # One booked appointment per person and service: rescheduling moves it, and two
            # tabs (or two relatives) booking at once cannot give the person two places.
            models.UniqueConstraint(
                fields=["person_id", "service_slug"],
                condition=Q(status=BookingStatus.BOOKED),
                name="appointments_one_booking_per_person_and_service",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def person_name(self) -> str:
        return pick({"en": self.person_name_en, "th": self.person_name_th})

    def can_change(self) -> bool:
        """For the pages: the services check again under a lock."""
        return self.status in (BookingStatus.BOOKED, BookingStatus.MOVED)


class BookingChange(UUIDModel):
    """One step in a booking's life (append-only): booked, moved to another slot, cancelled…"""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    from_slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="+")
    # Who acted: empty for the platform (a job, the centre's closure by an operator script).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ("at",)
        verbose_name = _("booking change")
        verbose_name_plural = _("booking changes")

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.from_status or '-'} → {self.to_status}"
