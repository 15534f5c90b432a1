"""Organisations and staff: agencies' teams, service centres, and who works where in which role.

The agency itself is the catalogue's ``Agency`` record. Identity keeps its **slug**, not a foreign
key, because data flows identity → catalogue (CONVENTIONS): a foreign key would make identity's
tables and migrations depend on the catalogue's, while a slug is already what permission checks
and audit payloads speak in. Services check that the slug names a catalogue agency when they
write (``services.organisations``).

Names are ``name_en`` / ``name_th`` columns rather than the catalogue's JSON text maps: these
records are edited by agency administrators in short forms and listed sorted by name in SQL, and
two required columns give both for free.

A membership is never deleted or edited once ended: ending it sets ``ended_at`` and ``ended_by``,
so the rows are the history of joiners and leavers. Only memberships with no ``ended_at``
count (``permissions.staff_can``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onegate.core.languages import pick
from onegate.core.models import TimestampedModel, UUIDModel
from onegate.identity.constants import StaffRole


class Team(TimestampedModel):
    """A group of staff inside one agency who share a work queue, e.g. "Visa extensions"."""

    agency_slug = models.SlugField(_("agency"), max_length=80, db_index=True)
    name_en = models.CharField(_("name in English"), max_length=120)
    name_th = models.CharField(_("name in Thai"), max_length=120)

    class Meta:
        ordering = ("agency_slug", "name_en")
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(
                fields=["agency_slug", "name_en"], name="identity_team_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_en} ({self.agency_slug})"

    @property
    def name(self) -> str:
        """The name in the current language."""
        return pick({"en": self.name_en, "th": self.name_th})


class ServiceCentre(TimestampedModel):
    """A place people visit for help in person: identity checks, applications, appointments.

    A centre that moves is not edited in place: the old centre is made inactive and points at
    the new one (``moved_to``), so a bookmark, an old letter or an appointment made before the
    move can tell the person where to go now.
    """

    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, help_text=_("Used in web addresses.")
    )
    agency_slug = models.SlugField(_("agency that runs it"), max_length=80, db_index=True)
    name_en = models.CharField(_("name in English"), max_length=160)
    name_th = models.CharField(_("name in Thai"), max_length=160)
    # The checked address as ``registries.addresses.ValidAddress`` gives it (its fields, as JSON).
    address = models.JSONField(_("address"))
    service_slugs = models.JSONField(
        _("services offered"), default=list, help_text=_("Catalogue service slugs.")
    )
    is_active = models.BooleanField(_("open"), default=True)
    moved_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moved_from",
        verbose_name=_("moved to"),
    )

    class Meta:
        ordering = ("slug",)
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        constraints = [
            # A centre that moved is closed here; an open centre has not moved anywhere.
            models.CheckConstraint(
                condition=Q(moved_to__isnull=True) | Q(is_active=False),
                name="identity_centre_moved_is_closed",
            ),
            models.CheckConstraint(
                condition=~Q(moved_to=models.F("id")), name="identity_centre_not_moved_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        """The name in the current language."""
        return pick({"en": self.name_en, "th": self.name_th})


class Weekday(models.IntegerChoices):
    """Days as ``datetime.date.weekday()`` numbers them."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(UUIDModel):
    """One opening period of a centre on a weekday; a day may have two (closed for lunch)."""

    centre = models.ForeignKey(ServiceCentre, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ("weekday", "opens")
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens__lt=models.F("closes")), name="identity_hours_open_before_close"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class OpeningException(UUIDModel):
    """A date on which a centre keeps other hours than its week says: a public holiday, say.

    Closed all day when ``opens`` and ``closes`` are empty; otherwise open only then.
    """

    centre = models.ForeignKey(ServiceCentre, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    reason_en = models.CharField(_("reason in English"), max_length=120)
    reason_th = models.CharField(_("reason in Thai"), max_length=120)

    class Meta:
        ordering = ("date",)
        verbose_name = _("opening exception")
        verbose_name_plural = _("opening exceptions")
        constraints = [
            models.UniqueConstraint(fields=["centre", "date"], name="identity_one_exception_a_day"),
            models.CheckConstraint(
                condition=Q(opens__isnull=True, closes__isnull=True)
                | Q(opens__lt=models.F("closes")),
                name="identity_exception_closed_or_open_before_close",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason_en}"

    @property
    def closed_all_day(self) -> bool:
        return self.opens is None

    @property
    def reason(self) -> str:
        return pick({"en": self.reason_en, "th": self.reason_th})

    def periods(self) -> list[tuple[dt.time, dt.time]]:
        if self.opens is None or self.closes is None:
            return []
        return [(self.opens, self.closes)]


class StaffMembership(UUIDModel):
    """That a person works in an agency (or one of its centres) in a role, from when to when.

    ``centre`` narrows the membership to one service centre of the agency; without it the
    membership covers the whole agency. ``granted_by`` and ``ended_by`` are empty when the
    platform itself acted (the demo loader).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="staff_memberships",
        verbose_name=_("account"),
    )
    role = models.CharField(_("role"), max_length=32, choices=StaffRole.choices)
    agency_slug = models.SlugField(_("agency"), max_length=80, db_index=True)
    centre = models.ForeignKey(
        ServiceCentre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("service centre"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("team"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )

    class Meta:
        ordering = ("-granted_at",)
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        indexes = [
            models.Index(
                fields=["user"], condition=Q(ended_at__isnull=True), name="identity_staff_current"
            ),
        ]
        constraints = [
            # The same role twice at once in the same place would make ending it ambiguous.
            models.UniqueConstraint(
                fields=["user", "role", "agency_slug"],
                condition=Q(ended_at__isnull=True, centre__isnull=True),
                name="identity_staff_one_agency_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "centre"],
                condition=Q(ended_at__isnull=True, centre__isnull=False),
                name="identity_staff_one_centre_role",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, ended_by__isnull=True)
                | Q(ended_at__isnull=False, ended_at__gte=models.F("granted_at")),
                name="identity_staff_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} ({self.agency_slug})"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None
