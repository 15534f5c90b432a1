"""Who looked at a person's data, and the person's requests to correct what a registry holds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onegate.core.models import TimestampedModel, UUIDModel
from onegate.registries.constants import AccessorKind, CorrectionStatus


class AccessRecord(UUIDModel):
    """One read of a person's registry data by someone other than the person (append-only).

    Written in the same transaction as the read (``access.access_record_write``), so a read that
    happened is always on record. ``facts`` names what was read (``person.name``,
    ``person.travel_documents``, …), not the values.
    """

    person = models.ForeignKey(
        "registries.Person", on_delete=models.CASCADE, related_name="access_records"
    )
    created_at = models.DateTimeField(_("when"))
    accessor_kind = models.CharField(_("who"), max_length=16, choices=AccessorKind.choices)
    accessor_id = models.CharField(_("accessor id"), max_length=100)
    accessor_label = models.CharField(_("accessor"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    on_behalf_of = models.CharField(_("on behalf of"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    facts = models.JSONField(_("facts read"), default=list)
    channel = models.CharField(
        _("channel"), max_length=40, help_text=_("e.g. admin, api, prefill, remote")
    )

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        indexes = [models.Index(fields=["person", "-created_at"], name="reg_access_newest")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.organisation}"


class CorrectionRequest(TimestampedModel):
    """A person's report that a registry fact about them is wrong, for its owning agency."""

    person = models.ForeignKey(
        "registries.Person", on_delete=models.CASCADE, related_name="correction_requests"
    )
    fact = models.CharField(_("fact"), max_length=60)
    owning_agency = models.CharField(_("owning agency"), max_length=80)
    description = models.TextField(_("what is wrong"), max_length=2000)
    reported_by = models.CharField(_("reported by"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        indexes = [models.Index(fields=["owning_agency", "status"], name="reg_correction_queue")]

    def __str__(self) -> str:
        return f"{self.fact} ({self.get_status_display()})"
