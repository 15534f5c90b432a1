"""Model bases (unguessable UUID keys, timezone-aware timestamps) and the scheduler's job leases."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class UUIDModel(models.Model):
    """A model keyed by a random UUID, so identifiers shown to people cannot be guessed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class TimestampedModel(UUIDModel):
    """A UUID model that records when it was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ScheduledJobLease(models.Model):
    """One periodic job's schedule: when it is next due, and which scheduler holds it right now.

    Schedulers claim a due row before running its job, so each due run happens once however many
    schedulers are running; ``onegate.core.scheduling`` does the claiming.
    """

    name = models.CharField(_("job"), max_length=200, primary_key=True)
    next_run_at = models.DateTimeField(_("next run at"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    locked_by = models.CharField(_("locked by"), max_length=64, blank=True)
    last_started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    # The exception class name of the last run, or empty if it succeeded: never its message.
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("scheduled job lease")
        verbose_name_plural = _("scheduled job leases")

    def __str__(self) -> str:
        return self.name
