"""``python bench/appointments.py``: 100 people ask for the last free place at the same moment.

What it shows (docs/benchmarks.md records the results, docs/appointments.md the design): a slot
with one place left, and 100 signed-in people whose browsers each send the booking form for it
at once, as real HTTP requests to the Procfile's granian (2 workers) on PostgreSQL. Exactly one
must get the place; the other 99 must see "Someone else has just booked the last place" (400),
and the database must hold one booking and a place count of 1.

How: the database named by ``DATABASE_URL`` (default ``appointments_dev`` on 127.0.0.1, created
and migrated if missing) gets the demo catalogue, a centre, 100 people with linked accounts and
signed-in sessions (made once, kept between runs), and a fresh slot with capacity 1 each run.
Each client first opens the slot's page (its CSRF cookie and token, like a browser), then all
wait at a barrier and send the form together. ``--rounds`` repeats the race with a new slot.
Traffic goes to 127.0.0.1 only; the server is stopped whatever happens.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from harness import database_create, environment, free_port, granian_command, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/appointments_dev"
PEOPLE_EMAIL = "appointments-bench-{n}@example.test"
CENTRE = "bench-centre"
SERVICE = "apply-for-a-passport"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def say(message: str) -> None:
    print(f"bench/appointments: {message}", file=sys.stderr, flush=True)


def prepare(people: int) -> list[str]:
    """Migrate, load the catalogue, and make the centre and the people; returns session keys."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages link the manifest
    call_command("load_catalogue", verbosity=0)
    _centre()
    return [_signed_in(n) for n in range(people)]


def _centre() -> None:
    from onegate.appointments.models import CentreProfile
    from onegate.catalogue.models import Agency
    from onegate.identity.models import ServiceCentre
    from onegate.identity.services.service_centres import (
        HoursPeriod,
        service_centre_hours_set,
        service_centre_save,
    )
    from onegate.registries.addresses import AddressInput

    Agency.objects.get(slug="service-centres")
    centre = ServiceCentre.objects.filter(slug=CENTRE).first()
    if centre is None:
        centre = service_centre_save(
            actor=None, slug=CENTRE, agency_slug="service-centres", name_en="Bench centre",
            name_th="ศูนย์ทดสอบ", service_slugs=[SERVICE],
            address=AddressInput(house_number="1", road="Bench", sub_district_code="104101"),
        )  # fmt: skip
        week = [HoursPeriod(day, dt.time(0), dt.time(23, 59)) for day in range(7)]
        service_centre_hours_set(actor=None, centre=centre, weekly=week, exceptions=[])
    CentreProfile.objects.get_or_create(
        centre=centre, defaults={"latitude": 13.88, "longitude": 100.57, "capacity": 1}
    )


def _signed_in(n: int) -> str:
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from stdnum.th import pin

    from onegate.identity.middleware import LAST_SEEN_KEY, SIGNED_IN_AT_KEY
    from onegate.identity.models import IdentityLink, User
    from onegate.registries.models import Person
    from onegate.registries.search import name_key

    first_twelve = f"1998{n:08d}"
    person, _ = Person.objects.get_or_create(
        national_id=first_twelve + pin.calc_check_digit(first_twelve),
        defaults={
            "given_name_latin": f"Bench{n}", "family_name_latin": "Person",
            "given_key": name_key(f"Bench{n}"), "family_key": name_key("Person"),
            "date_of_birth": dt.date(1990, 1, 1), "sex": "F", "nationality": "THA",
        },
    )  # fmt: skip
    user = User.objects.filter(email=PEOPLE_EMAIL.format(n=n)).first()
    if user is None:
        user = User.objects.create_user(PEOPLE_EMAIL.format(n=n), secrets.token_urlsafe(24))
    IdentityLink.objects.get_or_create(
        person_id=person.pk,
        defaults={"user": user, "level": "substantial", "method": "national_id_card",
                  "proved_at": timezone.now()},
    )  # fmt: skip
    now = time.time()
    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            AUTHENTICATION_METHODS_SESSION_KEY: [{"method": "password", "at": now}],
            "account_authentication_methods_user": str(user.pk),
            SIGNED_IN_AT_KEY: now,
            LAST_SEEN_KEY: now,
        }
    )
    session.create()
    return str(session.session_key)


def last_place(round_number: int) -> tuple[str, str]:
    """A new slot with one place, its people's earlier bench bookings cancelled; (id, day)."""
    from django.utils import timezone

    from onegate.appointments.models import Booking, Slot
    from onegate.identity.models import ServiceCentre

    Booking.objects.filter(booked_by__email__startswith="appointments-bench-").update(
        status="cancelled"
    )
    centre = ServiceCentre.objects.get(slug=CENTRE)
    day = timezone.localdate() + dt.timedelta(days=7)
    taken = Slot.objects.filter(centre=centre).count()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(0))) + dt.timedelta(
        minutes=taken + round_number
    )
    slot = Slot.objects.create(
        centre=centre,
        service_slug=SERVICE,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=1),
        capacity=1,
    )
    return str(slot.pk), day.isoformat()


def race(
    port: int, sessions: list[str], slot_id: str, day: str
) -> tuple[Counter[str], list[float]]:
    """Every session opens the page, then all send the booking form at once."""
    import httpx

    path = f"/appointments/book/{SERVICE}/{CENTRE}/?day={day}"
    barrier = threading.Barrier(len(sessions))
    outcomes: Counter[str] = Counter()
    seconds: list[float] = []
    lock = threading.Lock()

    def one(session_key: str) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            client.cookies.set("sessionid", session_key)
            page = client.get(path)
            found = TOKEN.search(page.text)
            token = found.group(1) if found else ""
            barrier.wait(timeout=120)
            started = time.perf_counter()
            answer = client.post(
                path,
                data={"csrfmiddlewaretoken": token, "slot": slot_id},
                headers={"Referer": f"http://127.0.0.1:{port}{path}"},
            )
            took = time.perf_counter() - started
        if answer.status_code == 302 and "/appointments/AP-" in answer.headers["location"]:
            outcome = "booked"
        elif answer.status_code == 400 and "last place" in answer.text:
            outcome = "full"
        else:
            outcome = f"other {answer.status_code}"
        with lock:
            outcomes[outcome] += 1
            seconds.append(took)

    threads = [threading.Thread(target=one, args=(key,)) for key in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return outcomes, seconds


def in_database(slot_id: str) -> tuple[int, int]:
    from onegate.appointments.models import Booking, Slot

    booked = Booking.objects.filter(slot_id=slot_id, status="booked").count()
    return booked, Slot.objects.get(pk=slot_id).booked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="appointments-bench-"))
    env = environment(options.database_url, workdir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    database_create(options.database_url, say)
    sessions = prepare(options.people)
    port = free_port()
    server = subprocess.Popen(granian_command(port), cwd=ROOT, env=env, start_new_session=True)
    failed = False
    try:
        wait_until_up(port, name="appointments")
        for number in range(options.rounds):
            slot_id, day = last_place(number)
            outcomes, seconds = race(port, sessions, slot_id, day)
            booked, count = in_database(slot_id)
            ok = outcomes == Counter({"booked": 1, "full": options.people - 1}) and (
                booked,
                count,
            ) == (1, 1)
            failed |= not ok
            ordered = sorted(seconds)
            print(
                f"round {number + 1}: {dict(outcomes)}; in the database: {booked} booking, "
                f"places taken {count}; answer time p50 {statistics.median(ordered):.2f} s, "
                f"max {ordered[-1]:.2f} s — {'OK' if ok else 'FAILED'}",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
