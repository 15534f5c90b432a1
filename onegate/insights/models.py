"""Service performance data: raw events, their hourly and daily aggregates, the service owners'
figures for paper and phone, and the satisfaction survey's answers.

``Event`` rows hold no personal data: a service, the definition version, the channel, what
happened, at which page, how a case was decided and how long something took; never an account,
a person, an application or a case. The one link back, ``dedup``, is a keyed hash that lets an
event told twice by a retried task be recorded once; it cannot be reversed without the key.

Dashboards and the public page read only the aggregates (``MeasureHour``, ``MeasureDay``), which
the periodic aggregation rebuilds from the events (``services.aggregation``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onegate.insights.constants import COUNT_ROW, Channel, EventKind, SlaResult


class Event(models.Model):
    """One thing that happened in a service's journey or to one of its cases."""

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("when"))
    service_slug = models.SlugField(_("service"), max_length=80, db_index=False)
    version = models.PositiveIntegerField(_("definition version"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices)
    page_id = models.CharField(_("page"), max_length=63, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, blank=True)  # approve | refuse
    decided_how = models.CharField(_("decided by"), max_length=10, blank=True)  # cases DecidedBy
    sla = models.CharField(_("service level"), max_length=6, choices=SlaResult.choices, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), default=0)  # 1 to 5 for RATED, else 0
    seconds = models.PositiveBigIntegerField(_("seconds"), null=True, blank=True)
    bucket = models.SmallIntegerField(_("histogram bucket"), null=True, blank=True)
    dedup = models.CharField(_("once-only key"), max_length=40, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("performance event")
        verbose_name_plural = _("performance events")
        indexes = [models.Index(fields=["occurred_at"], name="insights_event_time")]

    def __str__(self) -> str:
        return f"{self.service_slug} v{self.version} {self.kind}"


class _Measure(models.Model):
    """The dimensions and sums shared by the hourly and daily aggregates.

    A row with ``bucket == COUNT_ROW`` counts events with these dimensions (and sums their
    seconds); a row with ``bucket >= 0`` is one bar of a duration histogram (for SUBMITTED and
    DECIDED, by channel and, for DECIDED, by how it was decided) and leaves the other dimensions
    empty.
    """

    service_slug = models.SlugField(_("service"), max_length=80, db_index=False)
    version = models.PositiveIntegerField(_("definition version"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices)
    page_id = models.CharField(_("page"), max_length=63, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, blank=True)
    decided_how = models.CharField(_("decided by"), max_length=10, blank=True)
    sla = models.CharField(_("service level"), max_length=6, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), default=0)
    bucket = models.SmallIntegerField(_("histogram bucket"), default=COUNT_ROW)
    count = models.PositiveBigIntegerField(_("events"))
    seconds_sum = models.PositiveBigIntegerField(_("seconds in all"), default=0)

    class Meta:
        abstract = True


class MeasureHour(_Measure):
    """The events of one hour (UTC), grouped; rebuilt whole for an hour by each aggregation."""

    hour = models.DateTimeField(_("hour"))

    class Meta:
        verbose_name = _("hourly measure")
        verbose_name_plural = _("hourly measures")
        indexes = [
            models.Index(fields=["hour", "service_slug"], name="insights_hour_time"),
            models.Index(fields=["service_slug", "hour"], name="insights_hour_service"),
        ]

    def __str__(self) -> str:
        return f"{self.service_slug} {self.hour:%Y-%m-%d %H}h {self.kind}"


class MeasureDay(_Measure):
    """The hourly rows of one day (Asia/Bangkok), grouped: what dashboards and the public read."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("daily measure")
        verbose_name_plural = _("daily measures")
        indexes = [
            models.Index(fields=["day", "service_slug"], name="insights_day_time"),
            models.Index(fields=["service_slug", "day"], name="insights_day_service"),
            # The versions a service has figures for: one probe per version.
            models.Index(fields=["service_slug", "version", "day"], name="insights_day_version"),
        ]

    def __str__(self) -> str:
        return f"{self.service_slug} {self.day} {self.kind}"


class AggregatedHour(models.Model):
    """An hour the aggregation has rebuilt, and when: the watermark and the operators' record."""

    hour = models.DateTimeField(_("hour"), primary_key=True)
    events = models.PositiveBigIntegerField(_("events"))
    rows = models.PositiveIntegerField(_("aggregate rows"))
    built_at = models.DateTimeField(_("built at"))

    class Meta:
        verbose_name = _("aggregated hour")
        verbose_name_plural = _("aggregated hours")

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}h"


class ServicePeriodInput(models.Model):
    """A service owner's figures for one service and calendar month: applications that came on
    paper or by phone (outside OneGate), and the cost per transaction when it differs from the
    definition's baseline."""

    id = models.BigAutoField(primary_key=True)
    service_slug = models.SlugField(_("service"), max_length=80)
    month = models.DateField(_("month"))  # the first day of the month
    paper_applications = models.PositiveIntegerField(_("paper applications"), default=0)
    phone_applications = models.PositiveIntegerField(_("phone applications"), default=0)
    # Baht per transaction; None: the definition's ``performance`` baseline.
    paper_cost = models.DecimalField(
        _("cost per paper transaction"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    digital_cost = models.DecimalField(
        _("cost per digital transaction"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("where the figures come from"), blank=True)
    lock_version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("service owner's figures")
        verbose_name_plural = _("service owners' figures")
        constraints = [
            models.UniqueConstraint(fields=["service_slug", "month"], name="insights_input_month"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="insights_input_first_of_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_slug} {self.month:%Y-%m}"


class SatisfactionResponse(models.Model):
    """One answer to "Overall, how did you feel about this service?", with an optional comment.

    Not linked to any account or application: ``dedup`` (a keyed hash of the application) only
    stops one application answering twice. The rating also goes into the events as RATED.
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True)
    service_slug = models.SlugField(_("service"), max_length=80)
    version = models.PositiveIntegerField(_("definition version"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    dedup = models.CharField(_("once-only key"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        indexes = [
            models.Index(fields=["service_slug", "created_at"], name="insights_survey_service"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="insights_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_slug} {self.rating}"
