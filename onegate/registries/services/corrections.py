"""Correction requests: a person says a registry fact about them is wrong; its owner answers.

Opened from the "This is wrong?" link beside a prefilled fact, so the fact's name decides which
agency receives it (``prefill.REGISTER_OWNERS``). The person's form data is never edited instead.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import RegistryAction
from onegate.audit.services import audit_record
from onegate.registries.constants import CorrectionStatus
from onegate.registries.models import CorrectionRequest, Person
from onegate.registries.prefill import REGISTER_OWNERS, prefill_fact_names

MAX_DESCRIPTION = 2000

# The register behind each fact, hence its owner (unlisted facts: the population register).
FACT_REGISTERS = {
    "person.address": "addresses",
    "person.residence": "residence",
    "person.passport": "travel_documents",
    "person.travel_documents": "travel_documents",
}


def _correction_owner(fact: str) -> str:
    return REGISTER_OWNERS[FACT_REGISTERS.get(fact, "population")]


def correction_request_open(
    *,
    person: Person,
    fact: str,
    description: str,
    reported_by: str,
    actor: AbstractBaseUser | AnonymousUser | None,
) -> CorrectionRequest:
    """Open a request to correct ``fact`` about ``person``, routed to the agency that keeps it."""
    errors: dict[str, Any] = {}
    if fact not in prefill_fact_names():
        errors["fact"] = _("Choose which fact is wrong.")
    text = (description or "").strip()
    if not text:
        errors["description"] = _("Tell us what is wrong and what it should say.")
    elif len(text) > MAX_DESCRIPTION:
        errors["description"] = _("Use %(limit)s characters or fewer.") % {"limit": MAX_DESCRIPTION}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = CorrectionRequest.objects.create(
            person=person,
            fact=fact,
            owning_agency=_correction_owner(fact),
            description=text,
            reported_by=reported_by,
        )
        audit_record(
            actor=actor,
            action=RegistryAction.CORRECTION_REQUESTED,
            subject_type="registries.correction_request",
            subject_id=request.pk,
            purpose="correct a registry record",
            payload={"fact": fact, "person": str(person.pk), "agency": request.owning_agency},
        )
    return request


def correction_request_resolve(
    *,
    request_id: str | uuid.UUID,
    corrected: bool,
    resolution: str,
    actor: AbstractBaseUser | AnonymousUser | None,
) -> CorrectionRequest:
    """Close an open request: the record was corrected, or it was right (with the reason why)."""
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Say what you did, or why the record is right.")})
    with transaction.atomic():
        request = CorrectionRequest.objects.select_for_update().get(pk=request_id)
        if request.status != CorrectionStatus.OPEN:
            raise ValidationError(_("This request has already been answered."))
        request.status = CorrectionStatus.ACCEPTED if corrected else CorrectionStatus.REJECTED
        request.resolution = resolution.strip()
        request.save(update_fields=["status", "resolution", "updated_at"])
        audit_record(
            actor=actor,
            action=RegistryAction.CORRECTION_RESOLVED,
            subject_type="registries.correction_request",
            subject_id=request.pk,
            purpose="answer a correction request",
            payload={"status": request.status},
        )
    return request
