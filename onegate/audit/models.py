"""The audit log's tables: append-only events and the head of their hash chain.

Events are written by ``services.audit_record`` and never change afterwards, except that the
sequencer fills the chain fields once; database triggers (migration 0002) refuse everything else.
Actors are stored as plain references rather than foreign keys, so deleting an account can neither
be blocked by its audit trail nor erase it.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import GENESIS_HASH, ActorType

# The fields a row's hash covers, in the order they appear in the canonical form.
CONTENT_FIELDS = (
    "id",
    "created_at",
    "actor_type",
    "actor_id",
    "on_behalf_of_id",
    "action",
    "subject_type",
    "subject_id",
    "purpose",
    "payload",
)
# The fields the sequencer sets, once.
CHAIN_FIELDS = ("sequence", "previous_hash", "row_hash", "chained_at")


class AuditEvent(models.Model):
    """One audited action: who did what to which subject, why, and when; a link in the chain."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    actor_type = models.CharField(_("actor type"), max_length=16, choices=ActorType.choices)
    actor_id = models.CharField(_("actor"), max_length=64, blank=True)
    on_behalf_of_id = models.CharField(_("on behalf of"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=100)
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.CharField(_("subject"), max_length=100)
    purpose = models.TextField(_("purpose"))
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    sequence = models.BigIntegerField(_("sequence"), null=True, blank=True, unique=True)
    # NULL, not "", marks a row the sequencer has not reached: the triggers and the check
    # constraint below test for it.
    previous_hash = models.CharField(  # noqa: DJ001
        _("previous hash"), max_length=64, null=True, blank=True
    )
    row_hash = models.CharField(_("row hash"), max_length=64, null=True, blank=True)  # noqa: DJ001
    chained_at = models.DateTimeField(_("chained at"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["created_at", "id"]
        indexes = [
            # The sequencer's queue: only rows still waiting for a place in the chain.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(sequence__isnull=True),
                name="audit_event_unchained",
            ),
            models.Index(fields=["subject_type", "subject_id"], name="audit_event_subject"),
            models.Index(fields=["actor_id"], name="audit_event_actor"),
            models.Index(fields=["on_behalf_of_id"], name="audit_event_on_behalf_of"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        sequence__isnull=True,
                        previous_hash__isnull=True,
                        row_hash__isnull=True,
                        chained_at__isnull=True,
                    )
                    | Q(
                        sequence__isnull=False,
                        previous_hash__isnull=False,
                        row_hash__isnull=False,
                        chained_at__isnull=False,
                    )
                ),
                name="audit_event_chained_all_or_nothing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_type}:{self.subject_id}"


class AuditChainHead(models.Model):
    """The chain's last link; its one row is also the lock that lets one sequencer run at a time."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    sequence = models.BigIntegerField(_("sequence"), default=0)
    row_hash = models.CharField(_("row hash"), max_length=64, default=GENESIS_HASH)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="audit_chain_head_singleton"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence}"
