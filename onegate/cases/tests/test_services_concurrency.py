""" "Take next" under concurrency on PostgreSQL: eight officers asking at once, again and again,
each waiting case handed to exactly one of them and none left behind (``FOR UPDATE SKIP
LOCKED``). SQLite's compare-and-set path is tested in ``test_services_queue``."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pytest
from django.db import connection

from onegate.cases.constants import CaseStatus
from onegate.cases.models import Case
from onegate.cases.services import case_take_next
from onegate.cases.tests.factories import (
    demo_services,  # noqa: F401  (fixture)
    referred_case,
    staff,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_services"),
]

WORKERS = 8
CASES = 60


def waiting_cases(count: int) -> list[str]:
    """One case made through the services, and copies of it waiting in the same queue."""
    model = referred_case()
    copies = []
    for n in range(count - 1):
        copy = Case.objects.get(pk=model.pk)
        copy.id, copy._state.adding = uuid.uuid4(), True
        copy.reference, copy.subject_person_id = f"TEST-{n:04d}", f"copy-{n}"
        copies.append(copy)
    Case.objects.bulk_create(copies)
    return [str(pk) for pk in Case.objects.values_list("pk", flat=True)]


def test_eight_officers_taking_at_once_get_each_case_exactly_once():
    expected = waiting_cases(CASES)
    officers = [staff() for _ in range(WORKERS)]
    start = threading.Barrier(WORKERS)
    taken: dict[str, list[str]] = {str(o.pk): [] for o in officers}
    errors: list[BaseException] = []

    def work(officer):
        try:
            start.wait(timeout=30)
            while (case := case_take_next(actor=officer)) is not None:
                taken[str(officer.pk)].append(str(case.pk))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    handed = Counter(pk for pks in taken.values() for pk in pks)
    assert sorted(handed) == sorted(expected)
    assert set(handed.values()) == {1}  # nobody got a case someone else got
    assert sum(1 for pks in taken.values() if pks) > 1  # they really worked side by side
    rows = Case.objects.all()
    assert {row.status for row in rows} == {CaseStatus.IN_REVIEW}
    assert all(str(row.assigned_to_id) in taken and str(row.pk) in taken[str(row.assigned_to_id)]
               for row in rows)  # fmt: skip
