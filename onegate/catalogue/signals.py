"""Keeps every process's in-memory catalogue fresh: any change to its records bumps the revision.

Receivers, not calls in each service, because the catalogue is also changed by the admin, the
loader, factories in tests and (later) publishing a service definition, and a missed bump would
leave pages showing stale services until a restart. The receivers hold no business rules; they
only say "the catalogue changed". Bulk ``QuerySet.update()`` sends no signal: a writer using it
calls ``services.catalogue_revision_bump()`` itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from onegate.catalogue.models import Agency, LifeEvent, Service
from onegate.catalogue.selectors import catalogue_forget
from onegate.catalogue.services import catalogue_revision_bump

M2M_CHANGES = {"post_add", "post_remove", "post_clear"}


def _changed(sender: Any, **kwargs: Any) -> None:
    catalogue_revision_bump()
    catalogue_forget()  # this process sees its own change at once, whatever the check interval


def _links_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in M2M_CHANGES:
        _changed(sender)


def connect() -> None:
    for model in (Agency, LifeEvent, Service):
        post_save.connect(_changed, sender=model, dispatch_uid=f"catalogue-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"catalogue-del-{model.__name__}")
    m2m_changed.connect(
        _links_changed, sender=Service.life_events.through, dispatch_uid="catalogue-life-events"
    )
