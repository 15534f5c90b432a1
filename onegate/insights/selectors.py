"""Reads for the service owners' performance pages that need the acting officer: which
services they may see, a month's figures to edit, and the survey's comments.

Each read checks ``VIEW_PERFORMANCE`` in the service's agency itself; a service the officer may
not see is a ``Http404``, as everywhere in the back office. Comments are free text people typed,
so reading them is audited (``COMMENTS_VIEWED``); the figures themselves hold no personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from onegate.audit.constants import InsightsAction
from onegate.audit.services import audit_record
from onegate.catalogue.selectors import ServiceEntry, catalogue_current, catalogue_service_agency
from onegate.identity.permissions import StaffPermission, staff_can, staff_scope
from onegate.insights.models import SatisfactionResponse, ServicePeriodInput
from onegate.insights.periods import Period

__all__ = [
    "SurveyComment",
    "performance_services",
    "service_agency_for",
    "service_inputs_get",
    "survey_comments",
]

VIEW = StaffPermission.VIEW_PERFORMANCE


@dataclass(frozen=True)
class SurveyComment:
    """One answer with a comment, as the dashboard lists it (nothing links it to anyone)."""

    answered_at: dt.datetime
    version: int
    channel: str
    rating: int
    comment: str
    language: str


def performance_services(*, actor: Any) -> list[ServiceEntry]:
    """The services with a definition in the agencies where ``actor`` may see performance, by
    agency then slug (from the catalogue snapshot)."""
    agencies = staff_scope(actor, VIEW)
    if not agencies:
        return []
    services = [
        service
        for service in catalogue_current().listed_services
        if service.agency.slug in agencies and service.has_definition
    ]
    return sorted(services, key=lambda service: (service.agency.slug, service.slug))


def service_agency_for(*, actor: Any, service_slug: str) -> str:
    """The service's agency when ``actor`` may see its performance; else ``Http404``."""
    agency = catalogue_service_agency(slug=service_slug)
    if agency is None or not staff_can(actor, VIEW, agency_slug=agency):
        raise Http404("no such service")
    return agency


def service_inputs_get(
    *, actor: Any, service_slug: str, month: dt.date
) -> ServicePeriodInput | None:
    """The owners' figures for the service's month (any day of it), if any were entered."""
    service_agency_for(actor=actor, service_slug=service_slug)
    return ServicePeriodInput.objects.filter(
        service_slug=service_slug, month=month.replace(day=1)
    ).first()


def survey_comments(
    *, actor: Any, service_slug: str, period: Period, limit: int = 50
) -> list[SurveyComment]:
    """The newest answers with a comment in the period (local days), at most ``limit``; the read
    is audited."""
    service_agency_for(actor=actor, service_slug=service_slug)
    zone = timezone.get_default_timezone()  # local days are Bangkok's
    since = dt.datetime.combine(period.start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    rows = (
        SatisfactionResponse.objects.filter(
            service_slug=service_slug, created_at__gte=since, created_at__lt=until
        )
        .exclude(comment="")
        .order_by("-created_at", "-id")[: max(0, limit)]
    )
    comments = [
        SurveyComment(
            row.created_at, row.version, row.channel, row.rating, row.comment, row.language
        )
        for row in rows
    ]
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=InsightsAction.COMMENTS_VIEWED,
            subject_type="insights.service",
            subject_id=service_slug,
            purpose="Read what people wrote in the satisfaction survey about a service",
            payload={
                "from": period.start.isoformat(),
                "to": period.end.isoformat(),
                "shown": len(comments),
            },
        )
    return comments
