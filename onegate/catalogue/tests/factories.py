"""Factories for catalogue records. ``ServiceFactory(coming_soon=True)``, ``(retired=True)``."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from onegate.catalogue.constants import LevelOfAssurance, ServiceStatus
from onegate.catalogue.models import Agency, LifeEvent, Service


class AgencyFactory(DjangoModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: {"en": f"Agency number {n}", "th": f"หน่วยงานที่ {n}"})
    description = factory.LazyFunction(
        lambda: {"en": "Runs services for the demo.", "th": "ให้บริการสำหรับการสาธิต"}
    )
    website = ""


class LifeEventFactory(DjangoModelFactory[LifeEvent]):
    class Meta:
        model = LifeEvent
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"life-event-{n}")
    title = factory.Sequence(lambda n: {"en": f"Life event {n}", "th": f"เหตุการณ์ที่ {n}"})
    summary = factory.LazyFunction(
        lambda: {"en": "Services for this moment.", "th": "บริการสำหรับช่วงเวลานี้"}
    )
    order = factory.Sequence(lambda n: n)


class ServiceFactory(DjangoModelFactory[Service]):
    class Meta:
        model = Service
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"service-{n}")
    title = factory.Sequence(lambda n: {"en": f"Service number {n}", "th": f"บริการที่ {n}"})
    summary = factory.LazyFunction(lambda: {"en": "What this service does.", "th": "บริการนี้ทำอะไร"})
    keywords = factory.LazyFunction(lambda: {"en": [], "th": []})
    agency = factory.SubFactory(AgencyFactory)
    level_of_assurance = LevelOfAssurance.SUBSTANTIAL
    status = ServiceStatus.LIVE
    popular_rank = None

    class Params:
        coming_soon = factory.Trait(status=ServiceStatus.COMING_SOON)
        retired = factory.Trait(status=ServiceStatus.RETIRED)
        popular = factory.Trait(popular_rank=1)

    @factory.post_generation
    def life_events(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.life_events.set(extracted)
