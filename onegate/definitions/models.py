"""Service definitions and their versions, as stored: one ``Definition`` per catalogue service,
and its ``DefinitionVersion`` rows, each holding the whole definition file as text.

The text is what people write, review, diff and export, so it is stored as given, with a SHA-256
checksum; the typed model is made from it by ``language.definition_compile`` when needed and
cached per version (``selectors``). A version is numbered when it is published (1, 2, …, in
publishing order); the one draft a definition may have has no number yet. Published versions are
immutable: ``services`` refuses to change them, and a database trigger (migrations 0002 and 0003)
refuses, whoever writes, any change to their text, note or publisher, any status change but
published → retired, and deleting them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onegate.core.models import TimestampedModel, UUIDModel
from onegate.definitions.constants import VersionStatus


class Definition(TimestampedModel):
    """The service definition of one catalogue service (same slug), owned by one agency."""

    slug = models.SlugField(_("service"), max_length=80, unique=True)
    agency_slug = models.SlugField(_("agency"), max_length=80, db_index=True)

    class Meta:
        ordering = ("slug",)
        verbose_name = _("service definition")
        verbose_name_plural = _("service definitions")

    def __str__(self) -> str:
        return self.slug


class DefinitionVersion(UUIDModel):
    """One version of a definition: the draft being edited, or a published (immutable) one."""

    definition = models.ForeignKey(
        Definition, on_delete=models.PROTECT, related_name="versions", verbose_name=_("service")
    )
    # Given on publishing, under a lock on the definition: 1, 2, … in the order published.
    number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    source = models.TextField(_("definition file"))
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64)
    change_note = models.TextField(_("change note"), blank=True)
    # The version this one started from: the published one a draft was made from, or the earlier
    # version a rollback published again.
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Part of the version's record, which the database keeps frozen: the account cannot go.
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    retire_note = models.TextField(_("why it was retired"), blank=True)

    class Meta:
        ordering = ("definition", "-number")
        verbose_name = _("definition version")
        verbose_name_plural = _("definition versions")
        constraints = [
            models.UniqueConstraint(
                fields=("definition", "number"), name="definitions_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=("definition",),
                condition=Q(status=VersionStatus.DRAFT),
                name="definitions_one_draft_per_definition",
            ),
            # A draft has no number and no publishing date; a released version has both.
            models.CheckConstraint(
                condition=(
                    Q(status=VersionStatus.DRAFT, number__isnull=True, published_at__isnull=True)
                    | (
                        Q(status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED])
                        & Q(number__isnull=False, published_at__isnull=False)
                    )
                ),
                name="definitions_version_numbered_when_released",
            ),
        ]
        indexes = [
            # The current version of a service: newest published, one index range per request.
            models.Index(
                fields=("definition", "status", "-number"), name="definitions_current_idx"
            ),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return f"{self.definition_id} draft"
        return f"{self.definition_id} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def export_name(self) -> str:
        """The file name of this version when downloaded: ``<slug>-v<N>.yaml``."""
        suffix = "draft" if self.number is None else f"v{self.number}"
        return f"{self.definition.slug}-{suffix}.yaml"
