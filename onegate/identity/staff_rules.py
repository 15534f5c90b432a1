"""Checks shared by the staff and service-centre services: a known agency, an entitled actor.

Kept out of ``services/`` because they change nothing: the services that call them write the
audit records.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from onegate.catalogue.selectors import catalogue_current
from onegate.identity.models.accounts import User
from onegate.identity.permissions import StaffPermission, staff_can

Actor = User | None  # None: the platform itself


class StaffChangeRefused(PermissionDenied):
    """The actor may not make this change; ``message`` says why, in the reader's language."""

    def __init__(self, message: Any, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def agency_check(slug: str, *, field: str = "agency_slug") -> None:
    """Refuse an agency slug the catalogue does not know."""
    if catalogue_current().agency(slug) is None:
        message = _("Choose an agency from the catalogue.")
        raise ValidationError({field: ValidationError(message, code="unknown_agency")})


def actor_require(actor: Actor, permission: StaffPermission, agency_slug: str) -> None:
    """Refuse an actor without ``permission`` across ``agency_slug`` (the platform may)."""
    if actor is not None and not staff_can(actor, permission, agency_slug=agency_slug):
        raise StaffChangeRefused(
            _("Only an administrator of this agency can make this change."), code="not_admin"
        )
