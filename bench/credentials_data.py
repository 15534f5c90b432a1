"""The data of ``make bench-credentials``: entitlements linked to passports, kept between runs.

``credentials_data(entitlements=100_000, seed=1)`` makes, in the bench database, one registry
``Person`` per entitlement (the holder: the access record of a check points at them), one
``Entitlement`` of type ``travel-authority`` each and its ``EntitlementLink`` to a passport
(number ``B`` + 8 digits, issuing state drawn from a few ICAO codes). Statuses: 96 % active and
valid today, 2 % revoked, 1 % suspended, 1 % expired last year. Rows are made with
``bulk_create`` from a seeded ``random.Random``, so the same seed gives the same passports.

The entitlements point at cases that do not exist: a ``Case`` needs a sent application and a
published definition version, and the check never reads the case, so the rows are inserted with
PostgreSQL's foreign-key triggers off (``session_replication_role = replica``) for that one
table. That is why the bench uses a database of its own (``credentials_bench``) and never
``onegate_bench``, whose case tables other benches empty and refill.

A marker table ``bench_credentials_data`` (generator version, seed, size) lets the next run reuse
the rows: the check is one row count.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
import uuid
from dataclasses import dataclass

VERSION = 1
MARKER = "bench_credentials_data"
ENTITLEMENT_TYPE = "travel-authority"
STATES = ("GBR", "USA", "DEU", "FRA", "JPN", "AUS", "CHN", "IND")
BATCH = 5_000


def say(message: str) -> None:
    print(f"bench/credentials: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class CredentialsData:
    entitlements: int
    seed: int
    reused: bool
    seconds: float
    passports: list[tuple[str, str]]  # (number, issuing state), in the order made


def passports(entitlements: int, seed: int) -> list[tuple[str, str]]:
    """The passports of the data set, as the generator makes them (distinct numbers)."""
    rng = random.Random(seed)
    numbers = rng.sample(range(10_000_000, 100_000_000), entitlements)
    return [(f"B{number}", STATES[number % len(STATES)]) for number in numbers]


def _marker() -> tuple[int, int, int] | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER} "
            "(version int NOT NULL, seed int NOT NULL, entitlements int NOT NULL)"
        )
        cursor.execute(f"SELECT version, seed, entitlements FROM {MARKER}")
        row = cursor.fetchone()
    return (int(row[0]), int(row[1]), int(row[2])) if row else None


def credentials_data(*, entitlements: int, seed: int) -> CredentialsData:
    """The data set, made now when missing or different (everything of an old one deleted)."""
    from django.db import connection, transaction

    from onegate.credentials.models import Entitlement, EntitlementLink

    wanted = (VERSION, seed, entitlements)
    made = passports(entitlements, seed)
    if _marker() == wanted and EntitlementLink.objects.count() == entitlements:
        return CredentialsData(entitlements, seed, True, 0.0, made)
    started = time.monotonic()
    say(f"making {entitlements:,} entitlements (seed {seed})")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER}")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "TRUNCATE credentials_entitlementlink, credentials_entitlement, "
            "credentials_verificationcheck, registries_accessrecord CASCADE"
        )
        cursor.execute("DELETE FROM registries_person WHERE given_key = 'BENCH'")
        for start in range(0, entitlements, BATCH):
            _batch(made[start : start + BATCH], start, seed)
        cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, %s, %s)", list(wanted))
    with connection.cursor() as cursor:
        for table in (
            "registries_person",
            "credentials_entitlement",
            "credentials_entitlementlink",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    seconds = time.monotonic() - started
    say(f"made in {seconds:,.0f} s; {Entitlement.objects.count():,} entitlements")
    return CredentialsData(entitlements, seed, False, seconds, made)


def _batch(documents: list[tuple[str, str]], start: int, seed: int) -> None:
    from onegate.credentials.models import Entitlement, EntitlementLink
    from onegate.registries.models import Person

    rng = random.Random(seed * 1_000_003 + start)
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    people, entitlements, links = [], [], []
    for offset, (number, state) in enumerate(documents):
        n = start + offset
        person = Person(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            given_name_latin=f"Bench{n}",
            family_name_latin="Traveller",
            given_key="BENCH",
            family_key="TRAVELLER",
            date_of_birth=dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(20_000)),
            sex="F" if n % 2 else "M",
            nationality=state,
        )
        draw = rng.random()
        status, valid_until = "active", today + dt.timedelta(days=rng.randrange(30, 700))
        if draw < 0.02:
            status = "revoked"
        elif draw < 0.03:
            status = "suspended"
        elif draw < 0.04:
            valid_until = today - dt.timedelta(days=rng.randrange(1, 365))
        entitlement = Entitlement(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            reference=f"BENCH-{n:08d}",
            entitlement_type=ENTITLEMENT_TYPE,
            title={"en": "Electronic travel authority", "th": "การอนุญาตเดินทางอิเล็กทรอนิกส์"},
            holder_id=person.id,
            holder_names={"en": f"Bench{n} Traveller"},
            case_id=uuid.UUID(int=rng.getrandbits(128), version=4),  # no such case: see above
            service_slug="electronic-travel-authority",
            agency_slug="immigration",
            definition_version=1,
            valid_from=valid_until - dt.timedelta(days=730),
            valid_until=valid_until,
            conditions=[],
            status=status,
            status_changed_at=now,
            issued_at=now,
        )
        people.append(person)
        entitlements.append(entitlement)
        links.append(
            EntitlementLink(
                entitlement_id=entitlement.id,
                scheme="passport",
                issuing_state=state,
                value=number,
                entitlement_type=ENTITLEMENT_TYPE,
            )
        )
    Person.objects.bulk_create(people)
    Entitlement.objects.bulk_create(entitlements)
    EntitlementLink.objects.bulk_create(links)
