"""Many people asking for the last place at the same moment: exactly one gets it (PostgreSQL).

Each thread has its own database connection, so the requests really overlap; they queue on the
slot's row lock and count the places under it. SQLite serialises writers whole, so there is no
race to lose there: the constraint tests (``test_constraints``) run on both.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from onegate.appointments.constants import BookingStatus
from onegate.appointments.models import Booking
from onegate.appointments.services import BookingRefused, booking_create
from onegate.appointments.tests.support import bangkok_centre, make_slot, someone, visit_services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 20


def _race(calls: list[tuple]) -> Counter[str]:
    """Run ``booking_create`` for each (user, person_id, slot_id) at once; count the outcomes."""
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(calls))

    def book(user, person_id, slot_id):
        try:
            start.wait(timeout=30)
            booking_create(actor=user, person_id=person_id, slot_id=slot_id)
            outcome = "booked"
        except BookingRefused as refused:
            outcome = refused.code
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=book, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_people_race_for_the_last_place_and_one_gets_it():
    visit_services()
    slot = make_slot(bangkok_centre(), capacity=1)
    people = [someone() for _ in range(RACERS)]

    outcomes = _race([(p.user, p.person_id, slot.pk) for p in people])

    assert outcomes == Counter({"booked": 1, "full": RACERS - 1})
    slot.refresh_from_db()
    assert slot.booked == 1
    assert Booking.objects.filter(slot=slot, status=BookingStatus.BOOKED).count() == 1


def test_one_person_booking_two_slots_at_once_keeps_one():
    visit_services()
    centre = bangkok_centre()
    slots = [make_slot(centre, hour=9 + n, capacity=5) for n in range(4)]
    me = someone()

    outcomes = _race([(me.user, me.person_id, slot.pk) for slot in slots])

    assert outcomes == Counter({"booked": 1, "already": 3})
    assert Booking.objects.filter(person_id=me.person_id, status=BookingStatus.BOOKED).count() == 1
