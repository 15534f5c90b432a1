"""Addresses with history, and Thailand's administrative divisions they are built from.

The divisions (77 provinces, their districts and sub-districts with postcodes) are reference data
loaded from a maintained source by ``divisions``; they are not edited by hand.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onegate.core.models import TimestampedModel
from onegate.registries.constants import AddressKind


class Province(models.Model):
    """A province (changwat), keyed by its two-digit DOPA code."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        ordering = ("name_en",)
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name_en


class District(models.Model):
    """A district (amphoe, or khet in Bangkok), keyed by its four-digit code."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        ordering = ("name_en",)
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name_en


class SubDistrict(models.Model):
    """A sub-district (tambon, or khwaeng in Bangkok), keyed by its six-digit code."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="sub_districts")
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=5, db_index=True)

    class Meta:
        ordering = ("name_en",)
        verbose_name = _("sub-district")
        verbose_name_plural = _("sub-districts")

    def __str__(self) -> str:
        return self.name_en


class Address(TimestampedModel):
    """Where a person lives, from ``valid_from`` until ``valid_until`` (empty: the current address).

    A Thai address follows the house-registration structure and names its sub-district (which
    fixes district and province); an international address is free lines plus a country.
    """

    person = models.ForeignKey(
        "registries.Person", on_delete=models.CASCADE, related_name="addresses"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=AddressKind.choices)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    moo = models.CharField(_("village number (moo)"), max_length=4, blank=True)
    building = models.CharField(_("village or building"), max_length=100, blank=True)
    soi = models.CharField(_("lane (soi)"), max_length=100, blank=True)
    road = models.CharField(_("road"), max_length=100, blank=True)
    sub_district = models.ForeignKey(
        SubDistrict, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    lines = models.TextField(
        _("address lines"), blank=True, help_text=_("International addresses only.")
    )
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    region = models.CharField(_("state or region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=3, default="THA")
    valid_from = models.DateField(_("lived here from"))
    valid_until = models.DateField(_("lived here until"), null=True, blank=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(valid_until__isnull=True),
                name="reg_one_current_address",
            ),
            models.CheckConstraint(
                condition=(Q(kind="thai") & Q(sub_district__isnull=False) & Q(country="THA"))
                | (Q(kind="international") & Q(sub_district__isnull=True) & ~Q(country="THA")),
                name="reg_address_kind_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.valid_from})"
