"""Choices and fixed values of the service catalogue: levels of assurance, statuses, limits."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onegate.identity.constants import LevelOfAssurance

# What each level means for the person, in plain words, shown on the service page.
LEVEL_EXPLANATIONS = {
    LevelOfAssurance.LOW: _(
        "You need a OneGate account. You do not have to prove your identity first."
    ),
    LevelOfAssurance.SUBSTANTIAL: _(
        "You need to prove your identity online first, for example with your national "
        "ID card or passport. It takes about 5 minutes and you only do it once."
    ),
    LevelOfAssurance.HIGH: _(
        "You need to prove your identity to the highest level first: online with the chip "
        "in your ID card or passport and a photo of your face, or in person at a service centre."
    ),
}


class ServiceStatus(models.TextChoices):
    """Whether people can use a service through OneGate."""

    # People can start the service online now.
    LIVE = "live", _("Live")
    # Listed so people can find it, but it cannot be started online yet.
    COMING_SOON = "coming_soon", _("Coming soon")
    # No longer offered; kept so old links explain what happened instead of breaking.
    RETIRED = "retired", _("Retired")


# Services people can find in search, lists and life events.
LISTED_STATUSES = frozenset({ServiceStatus.LIVE, ServiceStatus.COMING_SOON})

# Search: longer queries are refused with a message rather than searched.
SEARCH_QUERY_MAX_LENGTH = 200
