"""The service catalogue's records: agencies, life events, services, and the catalogue revision.

Translatable text is stored as JSON maps, ``{"en": "...", "th": "..."}``, not as paired
``title_en``/``title_th`` columns, because:

* it is the shape service definitions use (CONVENTIONS: translated content stored as data is a
  language map), so publishing a definition copies its title and summary across unchanged;
* one validator (``validators.validate_text_map``) guarantees no language is missing, in the
  admin, the loader and any future writer alike;
* templates and code read it through one helper, ``languages.pick``, whatever the language;
* a third language later is a data change, not a migration of every table.

What we give up is ordering and filtering by title in SQL. The catalogue is small and is read
from an in-memory snapshot (``snapshot.py``) that sorts per language in Python, so nothing
queries by title.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onegate.catalogue.constants import LevelOfAssurance, ServiceStatus
from onegate.catalogue.validators import validate_keyword_map, validate_text_map
from onegate.core.languages import pick
from onegate.core.models import TimestampedModel


def empty_keywords() -> dict[str, list[str]]:
    return {"en": [], "th": []}


class Agency(TimestampedModel):
    """A part of government that runs services, e.g. the immigration bureau."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.JSONField(_("name"), validators=[validate_text_map])
    description = models.JSONField(_("short description"), validators=[validate_text_map])
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ("slug",)
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return pick(self.name, "en") if isinstance(self.name, dict) else self.slug


class LifeEvent(TimestampedModel):
    """A moment in life that needs several services, e.g. having a baby or moving house."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.JSONField(_("title"), validators=[validate_text_map])
    summary = models.JSONField(_("summary"), validators=[validate_text_map])
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Position on the home page; lower comes first.")
    )

    class Meta:
        ordering = ("order", "slug")
        verbose_name = _("life event")
        verbose_name_plural = _("life events")

    def __str__(self) -> str:
        return pick(self.title, "en") if isinstance(self.title, dict) else self.slug


LIVE_NEEDS_DEFINITION = _(
    "A service goes live when its service definition is published. Until then, choose Coming soon."
)


class Service(TimestampedModel):
    """A government service people can find, read about and (when live) start online.

    Until a service definition is published for it (``has_definition``), the catalogue entry is
    all there is and the service cannot be live: people could press "Start now" and find nothing
    to fill in. Publishing the definition (``services.catalogue_service_publish``) makes it live;
    from then on the definition owns the title, summary, agency and level of assurance, and the
    catalogue keeps keywords, life events and the popular-services position.
    """

    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Used in web addresses; never translated."),
    )
    title = models.JSONField(_("title"), validators=[validate_text_map])
    summary = models.JSONField(_("summary"), validators=[validate_text_map])
    keywords = models.JSONField(
        _("search keywords"),
        default=empty_keywords,
        validators=[validate_keyword_map],
        help_text=_("Other words people use for this service, per language."),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="services", verbose_name=_("agency")
    )
    life_events = models.ManyToManyField(
        LifeEvent, blank=True, related_name="services", verbose_name=_("life events")
    )
    level_of_assurance = models.CharField(
        _("level of assurance needed"),
        max_length=20,
        choices=LevelOfAssurance.choices,
        default=LevelOfAssurance.SUBSTANTIAL,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.COMING_SOON
    )
    popular_rank = models.PositiveSmallIntegerField(
        _("popular services position"),
        null=True,
        blank=True,
        help_text=_(
            "Shown among popular services on the home page in this order; empty: not shown."
        ),
    )
    # appointments (issue 6): {"reason": {"en": …, "th": …}} when the service needs a visit to a
    # service centre (first-time biometrics, say); empty for services done entirely online.
    visit = models.JSONField(_("visit needed"), default=dict, blank=True)
    has_definition = models.BooleanField(
        _("has a published service definition"),
        default=False,
        help_text=_(
            "Set by publishing a service definition; it then owns title, summary, agency and level."
        ),
    )

    class Meta:
        ordering = ("slug",)
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            # The database keeps the rule whoever writes; ``clean`` explains it to staff.
            models.CheckConstraint(
                condition=~Q(status=ServiceStatus.LIVE) | Q(has_definition=True),
                name="catalogue_service_live_needs_definition",
                violation_error_code="live_without_definition",
                violation_error_message=LIVE_NEEDS_DEFINITION,
            ),
        ]

    def __str__(self) -> str:
        return pick(self.title, "en") if isinstance(self.title, dict) else self.slug

    def clean(self) -> None:
        # The check constraint alone would not reach the admin form: ``has_definition`` is
        # read-only there, and Django skips a constraint whose fields a form leaves out.
        if self.status == ServiceStatus.LIVE and not self.has_definition:
            raise ValidationError(
                {"status": ValidationError(LIVE_NEEDS_DEFINITION, code="live_without_definition")}
            )


class CatalogueRevision(models.Model):
    """One row whose token changes whenever anything in the catalogue changes.

    Each process keeps the catalogue in memory and compares this token, one primary-key read,
    before using it. A random token rather than a counter: when a transaction that bumped the
    revision rolls back, a counter would return to a value another process may already have
    paired with data that never committed. This row is never shown to anyone, so its fixed small
    key does not break the rule that identifiers people see are unguessable.
    """

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    token = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("catalogue revision")

    def __str__(self) -> str:
        return str(self.token)
