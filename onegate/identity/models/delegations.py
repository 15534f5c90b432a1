"""Delegations: a person lets someone else act for them, for every service or for named ones.

A delegation is offered by the grantor (a registry person, through their linked account) to a
delegate named by email address: an existing account, or an invitation that whoever signs up
with that address can accept. It is in force only while ``ACTIVE`` and between its dates
(``valid_from`` to ``valid_until``, both inclusive), so it stops at once when its last day has
passed, before the expiry job gets round to marking it ``EXPIRED``.

People are referred to by their registry person id rather than a foreign key: the registry may
be another OneGate node (``REGISTRY_ADAPTER=remote``), whose people are not rows here.

Every change of state appends a ``DelegationStatusChange``; those rows are never changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onegate.core.models import TimestampedModel, UUIDModel
from onegate.identity.constants import DelegationStatus

# States in which a delegation can still change; the others are final.
OPEN_STATES = (DelegationStatus.OFFERED, DelegationStatus.ACTIVE)


class Delegation(TimestampedModel):
    """One person's permission for another to act for them."""

    grantor_person_id = models.UUIDField(_("grantor (registry person)"), db_index=True)
    # The grantor's name as their own registry record gave it when they offered, shown to the
    # delegate (so listing what you may do costs no read of the grantor's record).
    grantor_name_en = models.CharField(_("grantor's name (English)"), max_length=200)
    grantor_name_th = models.CharField(_("grantor's name (Thai)"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_granted",
        verbose_name=_("granted by"),
    )
    # Where the offer was sent. Until it is accepted, ``delegate_user`` is the account with
    # this address if there was one; after, the account that accepted.
    delegate_email = models.EmailField(_("delegate's email address"))
    delegate_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegations_received",
        verbose_name=_("delegate's account"),
    )
    # Set on acceptance: the delegate's own registry person (acceptance needs a proved identity).
    delegate_person_id = models.UUIDField(
        _("delegate (registry person)"), null=True, blank=True, db_index=True
    )
    # The delegate's name from their own registry record, taken when they accept.
    delegate_name_en = models.CharField(_("delegate's name (English)"), max_length=200, blank=True)
    delegate_name_th = models.CharField(_("delegate's name (Thai)"), max_length=200, blank=True)
    all_services = models.BooleanField(_("all services"), default=True)
    # Catalogue service slugs, when not for all services.
    service_slugs = models.JSONField(_("services"), default=list, blank=True)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DelegationStatus.choices,
        default=DelegationStatus.OFFERED,
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        indexes = [
            models.Index(fields=["status", "valid_until"], name="id_delegation_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="id_delegation_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(delegate_person_id=models.F("grantor_person_id")),
                name="id_delegation_not_to_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantor_name_en} → {self.delegate_email} ({self.status})"

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the delegate may act on ``day``: accepted, not ended, within its dates."""
        return self.status == DelegationStatus.ACTIVE and self.valid_from <= day <= self.valid_until

    def covers(self, service_slug: str | None) -> bool:
        """Whether the scope includes ``service_slug`` (``None``: acting at all)."""
        return self.all_services or service_slug is None or service_slug in self.service_slugs


class DelegationStatusChange(UUIDModel):
    """One step in a delegation's life: who moved it to which state, and when (append-only)."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="history")
    previous_status = models.CharField(
        _("previous status"), max_length=10, choices=DelegationStatus.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=DelegationStatus.choices)
    changed_at = models.DateTimeField(_("changed at"))
    # Empty when the system made the change (the expiry job).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("delegation status change")
        verbose_name_plural = _("delegation status changes")
        ordering = ("changed_at",)

    def __str__(self) -> str:
        return f"{self.previous_status or '-'} → {self.status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("delegation history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("delegation history is append-only")
