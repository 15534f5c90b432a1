"""Test data for appointments: services that need a visit, centres with a place, slots, people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from onegate.appointments.models import CentreProfile, Slot
from onegate.appointments.services import centre_profile_set
from onegate.catalogue.tests.factories import AgencyFactory, ServiceFactory
from onegate.identity.models import ServiceCentre, User
from onegate.identity.services.service_centres import (
    HoursPeriod,
    service_centre_hours_set,
    service_centre_save,
)
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import citizen, link_account, years_ago
from onegate.identity.tests.organisation_fixtures import service_centre
from onegate.registries.addresses import AddressInput
from onegate.registries.models import Person

PASSPORT = "apply-for-a-passport"
ONLINE_ONLY = "tell-us-you-have-moved"
VISIT = {"reason": {"en": "Fingerprints are taken in person.", "th": "ต้องไปเก็บลายนิ้วมือ"}}


def visit_services() -> tuple[Any, Any]:
    """A service that needs a visit (passport) and one done online only."""
    agency = AgencyFactory(slug="consular-affairs")
    passport = ServiceFactory(
        slug=PASSPORT,
        agency=agency,
        title={"en": "Apply for a passport", "th": "ขอหนังสือเดินทาง"},
        visit=VISIT,
    )
    online = ServiceFactory(
        slug=ONLINE_ONLY, agency=agency, title={"en": "Tell us you moved", "th": "แจ้งย้าย"}
    )
    return passport, online


def bangkok_centre(
    slug: str = "lak-si", *, capacity: int = 2, services: tuple[str, ...] = (PASSPORT, ONLINE_ONLY)
) -> ServiceCentre:
    """An open Lak Si centre (weekdays 08:30-16:30) with coordinates and the services."""
    centre = service_centre(slug)
    centre.service_slugs = list(services)
    centre.save(update_fields=["service_slugs"])
    centre_profile_set(
        actor=None,
        centre=centre,
        latitude=13.8843,
        longitude=100.5656,
        facilities=["step_free", "hearing_loop"],
        slot_minutes=30,
        capacity=capacity,
    )
    return centre


def chiang_mai_centre(slug: str = "chotana") -> ServiceCentre:
    """An open centre in Chiang Mai offering passports, located there, weekdays 08:30-16:30."""
    centre = service_centre_save(
        actor=None,
        slug=slug,
        agency_slug="service-centres",
        name_en="Chiang Mai centre",
        name_th="ศูนย์เชียงใหม่",
        address=AddressInput(house_number="1", road="Chotana", sub_district_code="500107"),
        service_slugs=[PASSPORT],
    )
    week = [HoursPeriod(day, dt.time(8, 30), dt.time(16, 30)) for day in range(5)]
    service_centre_hours_set(actor=None, centre=centre, weekly=week, exceptions=[])
    CentreProfile.objects.create(centre=centre, latitude=18.8150, longitude=98.9848, capacity=2)
    return centre


def make_slot(
    centre: ServiceCentre,
    *,
    service: str = PASSPORT,
    in_days: int = 2,
    hour: int = 10,
    capacity: int = 1,
    minutes: int = 30,
) -> Slot:
    day = timezone.localdate() + dt.timedelta(days=in_days)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return Slot.objects.create(
        centre=centre,
        service_slug=service,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        capacity=capacity,
    )


@dataclass
class Someone:
    person: Person
    user: User

    @property
    def person_id(self) -> str:
        return str(self.person.pk)


_count = iter(range(1, 100000))


def someone(given: str = "Somsri", family: str = "Dee", *, email: str = "") -> Someone:
    """A citizen with an account linked to them."""
    number = next(_count)
    person = citizen(given, family, years_ago(30), given_th="สมศรี", family_th="ดี")
    user = link_account(make_account(email or f"person{number}@example.test"), person)
    return Someone(person=person, user=user)
