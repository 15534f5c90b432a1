"""Only when needed: whether a service needs a visit to a service centre, and why.

The catalogue says so per service (an optional ``visit: {reason: {en, th}}`` block in its data
file, e.g. first-time fingerprints and photo for a passport). Every other service is done online,
and nothing here offers a counter for it: slots are made only for services that need a visit,
and booking one for any other service is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import pick


@dataclass(frozen=True)
class VisitRequirement:
    """A service that needs people to come in, with the reason in every language."""

    service_slug: str
    title: Mapping[str, str]
    reason_text: Mapping[str, str]

    @property
    def reason(self) -> str:
        return pick(self.reason_text)

    @property
    def service_title(self) -> str:
        return pick(self.title)


def visit_requirement(service_slug: str) -> VisitRequirement | None:
    """Why ``service_slug`` needs a visit, or None when it does not (or is not a service)."""
    service = catalogue_current().service(service_slug)
    if service is None or not service.visit:
        return None
    return VisitRequirement(
        service_slug=service.slug, title=service.title, reason_text=service.visit["reason"]
    )


def services_needing_visits() -> list[VisitRequirement]:
    """Every listed service that needs a visit, in catalogue order."""
    return [
        VisitRequirement(
            service_slug=service.slug, title=service.title, reason_text=service.visit["reason"]
        )
        for service in catalogue_current().services_a_to_z("en")
        if service.visit and service.is_listed
    ]
