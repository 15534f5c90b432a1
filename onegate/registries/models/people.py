"""The population register: people, their identifiers and ID cards, family links, residence."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onegate.core.models import TimestampedModel
from onegate.registries.constants import CardStatus, LinkKind, LinkSource, ResidenceKind, Sex


class Person(TimestampedModel):
    """One person known to government: a citizen, a resident or a visitor.

    Citizens and long-term residents carry a Thai 13-digit national ID; visitors are known by their
    travel documents and, optionally, their own country's identifiers (``PersonIdentifier``).
    Names are kept in Thai script where the person has one, and always in Latin script (a standard
    romanisation for Thai names, as printed in the passport for foreigners). The ``*_key`` columns
    are upper-cased, accent-free copies used for prefix search; ``search.name_key`` makes them.
    """

    national_id = models.CharField(
        _("national ID number"), max_length=13, null=True, blank=True, unique=True
    )
    given_name_th = models.CharField(_("given name (Thai)"), max_length=100, blank=True)
    family_name_th = models.CharField(_("family name (Thai)"), max_length=100, blank=True)
    given_name_latin = models.CharField(_("given names (Latin script)"), max_length=100)
    family_name_latin = models.CharField(
        _("family name (Latin script)"), max_length=100, blank=True
    )
    given_key = models.CharField(max_length=100, editable=False)
    family_key = models.CharField(max_length=100, editable=False)
    date_of_birth = models.DateField(_("date of birth"), db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    nationality = models.CharField(
        _("nationality"), max_length=3, help_text=_("ISO 3166-1 alpha-3 code.")
    )
    date_of_death = models.DateField(_("date of death"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # Name search is by prefix (LIKE 'X%'); on PostgreSQL only a pattern-ops index serves that
        # whatever the database's collation. Other databases ignore the operator class.
        indexes = [
            models.Index(
                fields=["family_key"],
                name="reg_person_family_key",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["given_key"], name="reg_person_given_key", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["family_name_th"],
                name="reg_person_family_th",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["given_name_th"],
                name="reg_person_given_th",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_name_latin} {self.family_name_latin}".strip()


class PersonIdentifier(TimestampedModel):
    """An identifier another state gave a person (a foreign national ID, a residence number)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(_("scheme"), max_length=40, help_text=_("e.g. national_id"))
    issuing_state = models.CharField(_("issuing state"), max_length=3)
    value = models.CharField(_("value"), max_length=40)

    class Meta:
        verbose_name = _("foreign identifier")
        verbose_name_plural = _("foreign identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "issuing_state", "value"], name="reg_identifier_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuing_state} {self.scheme}"


class NationalIdCard(TimestampedModel):
    """A Thai ID card. The laser code on its back is what online identity checks ask for."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="id_cards")
    laser_code = models.CharField(
        _("laser code"), max_length=12, unique=True, help_text=_("e.g. JT0123456789")
    )
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, help_text=_("Empty for lifelong cards.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CardStatus.choices, default=CardStatus.VALID
    )

    class Meta:
        verbose_name = _("national ID card")
        verbose_name_plural = _("national ID cards")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="valid"), name="reg_one_valid_card_per_person"
            ),
        ]

    def __str__(self) -> str:
        return self.laser_code


class FamilyLink(TimestampedModel):
    """An adult's legal link to a child (parent or guardian), and the evidence it rests on."""

    adult = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links_to_children")
    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links_to_adults")
    kind = models.CharField(_("kind"), max_length=12, choices=LinkKind.choices)
    source = models.CharField(_("source"), max_length=32, choices=LinkSource.choices)
    source_reference = models.CharField(_("source reference"), max_length=60, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("family link")
        verbose_name_plural = _("family links")
        constraints = [
            models.UniqueConstraint(
                fields=["adult", "child", "kind"], name="reg_family_link_unique"
            ),
            models.CheckConstraint(
                condition=~Q(adult=models.F("child")), name="reg_family_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.adult_id} → {self.child_id}"


class ResidenceStatus(TimestampedModel):
    """A period of a person's right to be in the country; history is kept, never overwritten."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="residence_statuses")
    kind = models.CharField(_("status"), max_length=20, choices=ResidenceKind.choices)
    visa_type = models.CharField(_("visa type"), max_length=40, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source_reference = models.CharField(_("source reference"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("residence status")
        verbose_name_plural = _("residence statuses")
        indexes = [models.Index(fields=["person", "-valid_from"], name="reg_residence_current")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="visa_holder") | Q(visa_type=""),
                name="reg_visa_type_only_for_visas",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ArrivalRecord(TimestampedModel):
    """An entry into the country on a travel document (and the departure, once recorded)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="arrivals")
    travel_document = models.ForeignKey(
        "registries.TravelDocument", on_delete=models.PROTECT, related_name="arrivals"
    )
    arrived_on = models.DateField(_("arrived on"))
    port_of_entry = models.CharField(_("port of entry"), max_length=60)
    permitted_until = models.DateField(_("permitted to stay until"), null=True, blank=True)
    departed_on = models.DateField(_("departed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("arrival record")
        verbose_name_plural = _("arrival records")
        indexes = [models.Index(fields=["person", "-arrived_on"], name="reg_arrival_latest")]

    def __str__(self) -> str:
        return f"{self.arrived_on} {self.port_of_entry}"
