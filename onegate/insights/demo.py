"""The demo's performance history: four months of generated journeys for every live service, and
the service owners' paper and phone figures, so the dashboards and ``/performance`` have
something to show the day the demo starts.

``load_demo_insights()`` (``manage.py load_demo_insights``, run by ``demo_setup``):

1. generates the events of the ``HISTORY_DAYS`` whole local days before today for each live
   service (``generator.events_generate``, seed ``SEED``), on the definition's pages, with its
   first and current released versions (older days on the first, recent ones on the current;
   one version when that is all there is). Today belongs to the demo's real journeys;
2. marks every generated event with a ``dedup`` of ``demo-history:<day loaded>:<n>``: a second
   load on the same day finds its own marks and does nothing; a load on a later day removes the
   earlier history (only the marked rows: real events are never touched) and makes it again up
   to the new yesterday. So loading twice never doubles the figures;
3. rebuilds the aggregates of every hour it changed and of today's hours so far, and of the
   local days they touch (``aggregation.hours_rebuild``);
4. enters, as each agency's service owner, through ``services.inputs.service_inputs_save``
   (audited, as an owner would), the paper and phone applications of the ``INPUT_MONTHS`` whole
   months before this one, when the owner has not entered that month already. A service whose
   agency has no service owner gets no figures (there is nobody who may enter them).

Nothing here is about anyone: the events hold no personal data and the figures are counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from onegate.catalogue.selectors import catalogue_service_agency
from onegate.definitions.constants import RELEASED_STATES
from onegate.definitions.models import DefinitionVersion
from onegate.definitions.selectors import definitions_published
from onegate.identity.models import StaffMembership
from onegate.identity.permissions import StaffPermission, staff_can, staff_roles_with
from onegate.insights.generator import ServiceProfile, events_generate, events_write
from onegate.insights.models import Event, ServicePeriodInput
from onegate.insights.services.aggregation import hours_rebuild
from onegate.insights.services.inputs import service_inputs_save

__all__ = [
    "DEDUP_PREFIX",
    "HISTORY_DAYS",
    "INPUT_MONTHS",
    "SEED",
    "DemoInsights",
    "demo_profiles",
    "load_demo_insights",
]

HISTORY_DAYS = 120
INPUT_MONTHS = 4
SEED = 2026
DEDUP_PREFIX = "demo-history:"
OWNERS_NOTE = "Demo figures: the post room's and the call centre's monthly tallies."


@dataclass(frozen=True)
class _DemoService:
    """How busy a demo service is and how it decides, and its owner's monthly figures."""

    starts_per_day: float
    auto_share: float
    refuse_share: float
    paper_per_month: int  # applications on paper that never reach OneGate
    phone_per_month: int


# The demo's five services: the travel authority is busy and decided by its rules; a change of
# address is often reported late, so registrars decide many; most new ID cards start at a desk.
DEMO_SERVICES = {
    "electronic-travel-authority": _DemoService(24, 0.95, 0.03, 60, 0),
    "renew-driving-licence": _DemoService(12, 0.85, 0.04, 140, 25),
    "national-id-card": _DemoService(10, 0.9, 0.02, 320, 0),
    "tell-us-you-have-moved": _DemoService(9, 0.7, 0.02, 110, 70),
    "child-health-card": _DemoService(6, 0.9, 0.05, 80, 15),
}
OTHER_SERVICE = _DemoService(5, 0.8, 0.05, 0, 0)  # a service published since: no owner's figures


@dataclass(frozen=True)
class DemoInsights:
    """What a load did: the events written (0 when the day's history was there already), the
    window of days generated, the hours aggregated and the owners' months entered."""

    events: int
    first_day: dt.date
    last_day: dt.date
    hours: int
    months_entered: int
    already: bool


def demo_profiles() -> list[ServiceProfile]:
    """A generator profile for each live service: its pages, and its first and current versions."""
    profiles = []
    for published in definitions_published():
        model = published.compiled.model
        shape = DEMO_SERVICES.get(published.slug, OTHER_SERVICE)
        profiles.append(
            ServiceProfile(
                slug=published.slug,
                pages=tuple(page.id for page in model.pages),
                versions=_versions(published.slug),
                starts_per_day=shape.starts_per_day,
                auto_share=shape.auto_share,
                refuse_share=shape.refuse_share,
                sla_working_days=int(model.sla_working_days or 5),
            )
        )
    return profiles


def _versions(slug: str) -> tuple[int, ...]:
    """The first released version and the newest published one (one number when they agree)."""
    released = DefinitionVersion.objects.filter(definition__slug=slug, status__in=RELEASED_STATES)
    numbers = sorted(n for n in released.values_list("number", flat=True) if n is not None)
    return tuple(sorted({numbers[0], numbers[-1]}))


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())


def load_demo_insights(*, today: dt.date | None = None) -> DemoInsights:
    """Generate the history of the days before ``today`` (once a day), aggregate it, and enter
    the owners' figures of the last whole months."""
    today = today or timezone.localdate()
    first_day = today - dt.timedelta(days=HISTORY_DAYS)
    start, end = _midnight(first_day), _midnight(today)
    prefix = f"{DEDUP_PREFIX}{today:%Y%m%d}:"
    already = Event.objects.filter(dedup__startswith=prefix).exists()
    written, hours = 0, 0
    if not already:
        with transaction.atomic():
            earlier = _history_remove()
            rows = events_generate(
                services=demo_profiles(), start=start, end=end, seed=SEED, dedup_prefix=prefix
            )
            written = events_write(rows)
        hours = _aggregate(min(start, earlier or start))
    months = _owners_figures_enter(today)
    last_day = today - dt.timedelta(days=1)
    return DemoInsights(written, first_day, last_day, hours, months, already)


def _history_remove() -> dt.datetime | None:
    """Remove an earlier load's events (only those the loader marked); when its first one was."""
    generated = Event.objects.filter(dedup__startswith=DEDUP_PREFIX)
    first = generated.aggregate(first=Min("occurred_at"))["first"]
    generated.delete()
    return first


def _aggregate(start: dt.datetime) -> int:
    """Rebuild every hour from ``start`` to the end of the current one, and their local days.

    One transaction: the rebuild's per-hour transactions become savepoints, so thousands of
    hours cost one commit and the dashboards never see half a history.
    """
    end = timezone.now() + dt.timedelta(hours=1)
    with transaction.atomic():
        return hours_rebuild(start=start, end=end).hours


# --- the service owners' figures -----------------------------------------------------------


def _months_before(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` whole months before ``today``'s, oldest first."""
    months = []
    month = today.replace(day=1)
    for _ in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


def _owner(agency_slug: str) -> Any:
    """A current service owner of the agency who may enter its figures (first by e-mail)."""
    roles = staff_roles_with(StaffPermission.EDIT_SERVICE)
    memberships = (
        StaffMembership.objects.filter(
            agency_slug=agency_slug, role__in=roles, ended_at__isnull=True, centre__isnull=True
        )
        .select_related("user")
        .order_by("user__email")
    )
    for membership in memberships:
        if staff_can(membership.user, StaffPermission.EDIT_SERVICE, agency_slug=agency_slug):
            return membership.user
    return None


def _owners_figures_enter(today: dt.date) -> int:
    """Each demo service's paper and phone volumes for the last whole months, entered by its
    owner through the same service as the dashboard's form; a month already entered is kept."""
    entered = 0
    months = _months_before(today, INPUT_MONTHS)
    for slug, shape in DEMO_SERVICES.items():
        agency = catalogue_service_agency(slug=slug)
        owner = None if agency is None else _owner(agency)
        if owner is None:
            continue
        known = set(
            ServicePeriodInput.objects.filter(service_slug=slug, month__in=months).values_list(
                "month", flat=True
            )
        )
        for n, month in enumerate(months):
            if month in known:
                continue
            older = Decimal(1) + Decimal("0.04") * (len(months) - 1 - n)  # paper slowly falls
            service_inputs_save(
                actor=owner,
                service_slug=slug,
                month=month,
                paper_applications=int(shape.paper_per_month * older),
                phone_applications=int(shape.phone_per_month * older),
                paper_cost=None,
                digital_cost=None,
                note=OWNERS_NOTE,
                lock_version=None,
            )
            entered += 1
    return entered
