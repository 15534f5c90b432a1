"""Test support for tell us once: people with addresses, agency stand-ins, and the real worker.

The worker is django-tasks-db's own, run in this process in batch mode; waiting retries are made
due at once instead of sleeping through their backoff.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from onegate.registries.addresses import AddressInput, ValidAddress, address_validate
from onegate.registries.constants import AddressKind, EventType, Sex
from onegate.registries.models import (
    Address,
    AgencySubscription,
    District,
    Person,
    Province,
    SubDistrict,
)
from onegate.registries.receivers import DeliveryError, EventMessage

DELIVER_TASK = "onegate.registries.tasks.event_deliver"


def run_worker() -> None:
    """Run every task due now, as ``manage.py db_worker --batch`` would, then return."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def run_worker_until_idle(*, rounds: int = 20) -> int:
    """Run the worker, making retries due, until no task waits; return how many rounds ran."""
    for done in range(1, rounds + 1):
        run_worker()
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        if not waiting.update(run_after=timezone.now()):
            return done
    raise AssertionError(f"tasks still waiting after {rounds} worker rounds")


def delivery_rows() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=DELIVER_TASK).order_by("enqueued_at"))


def make_divisions() -> None:
    """Two real sub-districts, Bangkok and Chiang Mai, as the divisions migration loads them.

    Created if missing: transactional tests empty the tables the migration filled.
    """
    rows = [
        ("10", "กรุงเทพมหานคร", "Bangkok", "1001", "พระนคร", "Phra Nakhon"),
        ("50", "เชียงใหม่", "Chiang Mai", "5001", "เมืองเชียงใหม่", "Mueang Chiang Mai"),
    ]
    for code, th, en, district_code, district_th, district_en in rows:
        province, _ = Province.objects.get_or_create(
            code=code, defaults={"name_th": th, "name_en": en}
        )
        District.objects.get_or_create(
            code=district_code,
            defaults={"province": province, "name_th": district_th, "name_en": district_en},
        )
    sub_districts = [
        ("100101", "1001", "พระบรมมหาราชวัง", "Phra Borom Maha Ratchawang", "10200"),
        ("500101", "5001", "ศรีภูมิ", "Si Phum", "50200"),
    ]
    for code, district_code, th, en, postcode in sub_districts:
        SubDistrict.objects.get_or_create(
            code=code,
            defaults={
                "district_id": district_code,
                "name_th": th,
                "name_en": en,
                "postcode": postcode,
            },
        )


def make_person(*, national_id: str = "1101700203450") -> Person:
    return Person.objects.create(
        national_id=national_id,
        given_name_th="สมชาย",
        family_name_th="ใจดี",
        given_name_latin="Somchai",
        family_name_latin="Jaidee",
        date_of_birth=dt.date(1985, 3, 14),
        sex=Sex.MALE,
        nationality="THA",
    )


def bangkok_address(person: Person, *, valid_from: dt.date) -> Address:
    return Address.objects.create(
        person=person,
        kind=AddressKind.THAI,
        house_number="12/3",
        road="Na Phra Lan",
        sub_district_id="100101",
        postcode="10200",
        valid_from=valid_from,
    )


def chiang_mai_input(**changes: str) -> ValidAddress:
    """A checked Thai address in Chiang Mai, as the report-a-move form would give it."""
    values = {
        "kind": AddressKind.THAI,
        "house_number": "99",
        "moo": "4",
        "soi": "Ratchadamnoen 5",
        "road": "Ratchadamnoen",
        "sub_district_code": "500101",
        "postcode": "50200",
        **changes,
    }
    return address_validate(address=AddressInput(**values))


def subscribe(agency_slug: str, *, receiver: str = "local", **fields: object) -> AgencySubscription:
    return AgencySubscription.objects.create(
        agency_slug=agency_slug,
        event_type=EventType.ADDRESS_CHANGED,
        receiver=receiver,
        **fields,
    )


class CountingInbox:
    """An agency stand-in that takes every event and counts them by agency."""

    def __init__(self) -> None:
        self.received: Counter[str] = Counter()

    def deliver(self, *, message: EventMessage, subscription: AgencySubscription) -> None:
        self.received[subscription.agency_slug] += 1


class FlakyAgency:
    """An agency whose system answers 503 the first ``failures`` times, then takes events."""

    def __init__(self, *, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.received: list[str] = []

    def deliver(self, *, message: EventMessage, subscription: AgencySubscription) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise DeliveryError("HTTP 503")
        self.received.append(message.id)


class UnreachableAgency:
    """An agency whose system never answers; the error quotes personal data, as real ones may."""

    def __init__(self) -> None:
        self.calls = 0

    def deliver(self, *, message: EventMessage, subscription: AgencySubscription) -> None:
        self.calls += 1
        raise ConnectionRefusedError(f"refused while sending {message.data['national_id']}")
