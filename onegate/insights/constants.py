"""The insights module's choices: what an event says happened, through which channel, and the
limits that keep the published figures private and the dashboards fast."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """What happened in a journey or to a case. Events carry no personal data."""

    STARTED = "started", _("Application started")  # a draft begun
    PAGE_VIEWED = "page_viewed", _("Page viewed")  # a page of questions shown (GET)
    PAGE_COMPLETED = "page_completed", _("Page completed")  # answered in full, first time
    PAGE_INVALID = "page_invalid", _("Page sent with an error")  # an answer refused
    INELIGIBLE = "ineligible", _("Told they cannot apply")  # eligibility failed, at a page
    ABANDONED = "abandoned", _("Application abandoned")  # a draft deleted or expired
    SUBMITTED = "submitted", _("Application sent")  # seconds: from start to sending
    DECIDED = "decided", _("Decision made")  # seconds: from sending to the decision
    RATED = "rated", _("Satisfaction rated")  # the confirmation page's one question


class Channel(models.TextChoices):
    """How an application reached the service."""

    ONLINE = "online", _("Online")  # the person, or someone acting for them, on their own
    ASSISTED = "assisted", _("Assisted digital")  # a service-centre officer with the person
    PAPER = "paper", _("Paper, keyed in by staff")  # a paper form an officer entered


class SlaResult(models.TextChoices):
    NONE = "", _("Not decided")
    MET = "met", _("Decided within the service level")
    MISSED = "missed", _("Decided after the service level")


class Rating(models.IntegerChoices):
    """The satisfaction survey's answers (GOV.UK's five-point scale)."""

    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEITHER = 3, _("Neither satisfied nor dissatisfied")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


# An aggregate row with this bucket is a count row; one with a bucket of 0 or more is a row of a
# duration histogram (``histogram.py``).
COUNT_ROW = -1

# Public figures: a count below this is published as "fewer than 10", and a rate, percentile or
# cost drawn from fewer than this many is not published at all.
SMALL_COUNT = 10

# The longest range a dashboard or the open data covers, in days.
MAX_RANGE_DAYS = 366

# A survey comment's greatest length, in characters.
COMMENT_MAX_CHARS = 1200
