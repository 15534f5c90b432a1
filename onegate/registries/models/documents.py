"""The travel-document register: passports and ID cards with their machine-readable zone."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onegate.core.models import TimestampedModel
from onegate.registries.constants import DocumentStatus, DocumentType, Sex


class TravelDocument(TimestampedModel):
    """A passport (TD3) or ID card (TD1) as issued, with its MRZ; numbers unique per issuer."""

    person = models.ForeignKey(
        "registries.Person", on_delete=models.CASCADE, related_name="travel_documents"
    )
    document_type = models.CharField(_("document type"), max_length=1, choices=DocumentType.choices)
    number = models.CharField(_("document number"), max_length=20)
    issuing_state = models.CharField(_("issuing state"), max_length=3)
    nationality = models.CharField(_("nationality"), max_length=3)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    given_names = models.CharField(_("given names"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"))
    mrz = models.TextField(_("machine-readable zone"), help_text=_("The MRZ lines, one per line."))
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.VALID
    )

    class Meta:
        verbose_name = _("travel document")
        verbose_name_plural = _("travel documents")
        constraints = [
            models.UniqueConstraint(
                fields=["number", "issuing_state"], name="reg_document_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuing_state} {self.number}"
