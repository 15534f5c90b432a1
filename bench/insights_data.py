"""``make bench-data`` (insights): 10,000,000 performance events on PostgreSQL, kept between runs.

What it does, in order (``bench/insights.py`` runs it first too; docs/benchmarks.md has the
figures):

1. prepares the dedicated PostgreSQL database ``insights_bench`` on 127.0.0.1
   (``INSIGHTS_BENCH_DATABASE_URL`` overrides): creates it if missing, migrates it, loads the
   demo catalogue, demo staff and the five demo service definitions, and publishes a second
   version of each (the same text and a comment line, through the designer's services), so
   every service has two versions to compare;
2. makes a service owner of each agency (``bench.owner.<agency>@bench.onegate.test``, with an
   authenticator app) and enters, as that owner, 12 months of paper and phone figures;
3. generates, with the seeded generator (``onegate.insights.generator``, ``--seed`` 1), a year of
   journeys of the five services up to the local midnight of the day it runs: about
   ``--events`` (10,000,000) less ``--burst`` (1,000,000), and about ``--burst`` events more in
   one UTC hour 40 days before the end, the travel authority's busiest hour ever (what the
   aggregation bench rebuilds). Each stream's journeys per day are scaled from a count of a
   trial run (the year at a tenth of its size; the hour twice), so the counts land within a
   few in ten thousand of the aim; nothing is cut. The two streams are merged in time order
   and COPYed in batches of 200,000 with the table's secondary indexes and unique constraint
   dropped first and built again at the end (their definitions are kept in
   ``bench_insights_indexes`` until then, so an interrupted run puts them back next time),
   then ``VACUUM (ANALYZE)``;
4. aggregates every hour of the year (the burst's among them) and every local day they touch
   (``aggregation.hours_rebuild``);
5. writes the marker ``bench_insights_data`` (data set version, seed, events, day, seconds,
   the burst's hour) once the events are in, and marks it aggregated at the end: a later run
   whose marker matches and whose event count is right does nothing but say so (or only
   aggregates, if that was not finished). A different or unfinished data set is emptied first
   (TRUNCATE of the insights tables only: nothing else in the database is touched).

It runs Django in this process, with the production-like settings ``make run`` uses.
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import os
import sys
import time
import uuid
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/insights_bench"
VERSION = 2  # of the data set: bump it when the generated rows change, and the data is remade
MARKER = "bench_insights_data"
INDEX_STORE = "bench_insights_indexes"
BATCH = 200_000
DAYS = 365
BURST_DAYS_BEFORE_END = 40
BURST_LOCAL_HOUR = 10  # 10:00 to 11:00 in Bangkok
BURST_SERVICE = "electronic-travel-authority"
STAFF_DOMAIN = "bench.onegate.test"
STAFF_NAMESPACE = uuid.UUID("6c1f3b0e-7a52-4f0d-9e64-2d1b8a7c5e93")
TOTP_SECRET = "J5XGKR3BORSSAZDFNVXSA43UMFTGMIJB"
SECOND_VERSION_NOTE = "A second version for the insights benchmark."
# Each service's share of the year's journeys, and how it decides.
SHARES = {
    "electronic-travel-authority": (0.40, 0.95, 0.03),
    "renew-driving-licence": (0.20, 0.85, 0.04),
    "national-id-card": (0.15, 0.9, 0.02),
    "tell-us-you-have-moved": (0.15, 0.7, 0.02),
    "child-health-card": (0.10, 0.9, 0.05),
}
OUTSIDE = {  # the owners' monthly paper and phone applications
    "electronic-travel-authority": (4_000, 0),
    "renew-driving-licence": (9_000, 1_500),
    "national-id-card": (15_000, 0),
    "tell-us-you-have-moved": (6_000, 3_000),
    "child-health-card": (3_000, 600),
}


def say(message: str) -> None:
    print(f"bench-data (insights): {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class InsightsData:
    """The data set in the database: what the marker says, and what the benches need."""

    events: int
    seed: int
    as_of: dt.date
    seconds: float
    reused: bool
    burst_hour: dt.datetime  # UTC
    owners: dict[str, uuid.UUID]  # a service owner per agency


# --- the database -------------------------------------------------------------------------------


def database_url() -> str:
    url = os.environ.get("INSIGHTS_BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit("bench-data (insights): runs on PostgreSQL: postgres://...")
    return url


def prepare() -> str:
    """Create, migrate and load the bench database; returns its URL (Django is set up)."""
    from registries import create_database, setup_django

    url = database_url()
    create_database(url)
    setup_django(url)
    from django.core.management import call_command

    from onegate.catalogue.selectors import catalogue_forget
    from onegate.definitions.demo import load_demo_definitions

    say("migrate, catalogue, demo staff and definitions")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    catalogue_forget()
    load_demo_definitions()
    second_versions()
    indexes_restore()  # an earlier run stopped between dropping and building them
    return url


def second_versions() -> None:
    """Publish a second version of each demo service (once): its text with a comment added."""
    from onegate.definitions.constants import VersionStatus
    from onegate.definitions.models import DefinitionVersion
    from onegate.definitions.services import definition_draft_save, definition_publish

    for slug in SHARES:
        versions = DefinitionVersion.objects.filter(definition__slug=slug)
        if versions.filter(change_note=SECOND_VERSION_NOTE).exists():
            continue
        current = versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
        if current is None:
            raise SystemExit(f"bench-data (insights): {slug} is not published")
        source = current.source.rstrip("\n") + "\n# Version 2: the insights benchmark's.\n"
        draft = definition_draft_save(actor=None, source=source, note=SECOND_VERSION_NOTE)
        definition_publish(actor=None, version=draft, note=SECOND_VERSION_NOTE)


def owners() -> dict[str, uuid.UUID]:
    """A bench service owner per agency of the services (made if missing), by fixed ids."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from onegate.catalogue.selectors import catalogue_service_agency
    from onegate.identity.constants import StaffRole
    from onegate.identity.models import StaffMembership, User
    from onegate.identity.services.organisations import staff_role_grant

    found = {}
    for slug in SHARES:
        agency = catalogue_service_agency(slug=slug)
        email = f"bench.owner.{agency}@{STAFF_DOMAIN}"
        pk = uuid.uuid5(STAFF_NAMESPACE, email)
        user = User.objects.filter(pk=pk).first()
        if user is None:
            user = User(pk=pk, email=email, display_name=email.split("@")[0], is_staff=True)
            user.set_unusable_password()
            user.save()
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, TOTP_SECRET)
        role = StaffRole.SERVICE_OWNER
        if not StaffMembership.objects.filter(user=user, role=role, ended_at__isnull=True).exists():
            staff_role_grant(actor=None, user=user, role=role, agency_slug=agency)
        found[str(agency)] = pk
    return found


def owners_figures(owner_ids: dict[str, uuid.UUID], as_of: dt.date) -> None:
    """Twelve months of paper and phone figures per service, entered by its owner (once)."""
    from onegate.catalogue.selectors import catalogue_service_agency
    from onegate.identity.models import User
    from onegate.insights.models import ServicePeriodInput
    from onegate.insights.services.inputs import service_inputs_save

    month = as_of.replace(day=1)
    months = []
    for _ in range(12):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    for slug, (paper, phone) in OUTSIDE.items():
        owner = User.objects.get(pk=owner_ids[str(catalogue_service_agency(slug=slug))])
        for age, first in enumerate(months):
            if ServicePeriodInput.objects.filter(service_slug=slug, month=first).exists():
                continue
            share = 1 + 0.03 * age  # paper falls as take-up grows
            service_inputs_save(
                actor=owner, service_slug=slug, month=first,
                paper_applications=int(paper * share), phone_applications=int(phone * share),
                paper_cost=None, digital_cost=None, note="Benchmark figures.", lock_version=None,
            )  # fmt: skip


# --- the marker and the indexes ------------------------------------------------------------------


def _execute(sql: str, params: Any = None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def marker_read() -> tuple | None:
    """(version, seed, events asked for, events made, day, seconds, burst hour, aggregated)."""
    _execute(
        f"CREATE TABLE IF NOT EXISTS {MARKER} (version integer NOT NULL, seed bigint NOT NULL, "
        "wanted bigint NOT NULL, events bigint NOT NULL, as_of date NOT NULL, "
        "seconds double precision NOT NULL, burst_hour timestamptz NOT NULL, "
        "aggregated boolean NOT NULL DEFAULT false, finished_at timestamptz NOT NULL)"
    )
    rows = _execute(
        f"SELECT version, seed, wanted, events, as_of, seconds, burst_hour, aggregated "
        f"FROM {MARKER}"
    )
    return rows[0] if rows else None


def event_count() -> int:
    return int(_execute("SELECT count(*) FROM insights_event")[0][0])


def empty() -> None:
    _execute(f"DELETE FROM {MARKER}")
    _execute(
        "TRUNCATE insights_event, insights_measurehour, insights_measureday, "
        "insights_aggregatedhour"
    )


def indexes_drop() -> None:
    """Keep the definitions of the event table's indexes and unique constraints (all but the
    primary key) in ``INDEX_STORE``, then drop them: a load without them goes faster."""
    _execute(f"CREATE TABLE IF NOT EXISTS {INDEX_STORE} (name text PRIMARY KEY, sql text)")
    _execute(
        f"INSERT INTO {INDEX_STORE} (name, sql) "
        "SELECT conname, format('ALTER TABLE insights_event ADD CONSTRAINT %I %s', conname, "
        "pg_get_constraintdef(oid)) FROM pg_constraint "
        "WHERE conrelid = 'insights_event'::regclass AND contype = 'u' "
        "ON CONFLICT (name) DO NOTHING"
    )
    _execute(
        f"INSERT INTO {INDEX_STORE} (name, sql) "
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = 'insights_event'::regclass AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "ON CONFLICT (name) DO NOTHING"
    )
    for name, sql in _execute(f"SELECT name, sql FROM {INDEX_STORE}"):
        if sql.startswith("ALTER TABLE"):
            _execute(f'ALTER TABLE insights_event DROP CONSTRAINT IF EXISTS "{name}"')
        else:
            _execute(f'DROP INDEX IF EXISTS "{name}"')


def indexes_restore() -> None:
    """Build every kept index or constraint that is missing, then forget the definitions."""
    _execute(f"CREATE TABLE IF NOT EXISTS {INDEX_STORE} (name text PRIMARY KEY, sql text)")
    kept = _execute(f"SELECT name, sql FROM {INDEX_STORE}")
    if kept:
        say(f"building {len(kept)} indexes")
        _execute("SET maintenance_work_mem = '1GB'")
    for name, sql in kept:
        if not _execute("SELECT 1 FROM pg_class WHERE relname = %s", [name]):
            _execute(sql)
        _execute(f"DELETE FROM {INDEX_STORE} WHERE name = %s", [name])


# --- generating ---------------------------------------------------------------------------------


def profiles(start: dt.datetime, end: dt.datetime, per_day: float) -> list[Any]:
    """The five services on their definitions' pages, version 1 for the first half of the year
    and version 2 for the second."""
    from onegate.definitions.selectors import definitions_published
    from onegate.insights.generator import ServiceProfile

    published = {item.slug: item for item in definitions_published()}
    middle = start + (end - start) / 2
    made = []
    for slug, (share, auto, refuse) in SHARES.items():
        model = published[slug].compiled.model
        made.append(
            ServiceProfile(
                slug=slug, pages=tuple(page.id for page in model.pages), versions=(1, 2),
                took_over=(middle,), starts_per_day=per_day * share, auto_share=auto,
                refuse_share=refuse, sla_working_days=int(model.sla_working_days or 5),
            )
        )  # fmt: skip
    return made


def _calibrated(make: Any, wanted: int, scale: float, passes: int) -> float:
    """A ``scale`` at which ``make(scale)`` gives about ``wanted`` rows: the rows made at
    ``scale`` counted and the scale corrected in proportion, ``passes`` times."""
    for _ in range(passes):
        made = sum(1 for _ in make(scale))
        scale *= wanted / max(1, made)
    return scale


def stream(seed: int, events: int, burst: int, as_of: dt.date) -> tuple[Any, dt.datetime]:
    """The rows of the year and of the burst hour, merged in time order; and the burst hour."""
    from django.utils import timezone

    from onegate.insights.generator import events_generate

    zone = timezone.get_default_timezone()
    end = dt.datetime.combine(as_of, dt.time(), tzinfo=zone)
    start = end - dt.timedelta(days=DAYS)
    burst_day = as_of - dt.timedelta(days=BURST_DAYS_BEFORE_END)
    hour = dt.datetime.combine(burst_day, dt.time(BURST_LOCAL_HOUR), tzinfo=zone).astimezone(dt.UTC)
    services = profiles(start, end, per_day=1000)

    def year(scale: float) -> Any:
        return events_generate(services=services, start=start, end=end, seed=seed, scale=scale)

    def busiest(scale: float) -> Any:
        eta = [s for s in services if s.slug == BURST_SERVICE]
        return events_generate(
            services=eta, start=hour, end=hour + dt.timedelta(hours=1), seed=seed + 1, scale=scale
        )

    # The year counted at a tenth of its size (events grow in proportion to journeys, to a few
    # in ten thousand); the hour counted twice, the second time at its full size.
    year_scale = _calibrated(year, events - burst, 0.2, passes=1)
    burst_scale = _calibrated(busiest, burst, 500.0, passes=2)
    say(f"scales: year {year_scale:.2f}, burst hour {burst_scale:.1f} (times 1,000 journeys a day)")
    rows = heapq.merge(year(year_scale), busiest(burst_scale), key=itemgetter(0))
    return rows, hour


def generate(seed: int, events: int, burst: int, as_of: dt.date) -> tuple[float, dt.datetime, int]:
    from onegate.insights.generator import events_write

    started = time.monotonic()
    rows, hour = stream(seed, events, burst, as_of)
    indexes_drop()
    _execute("SET synchronous_commit = off")
    done = 0
    while True:
        written = events_write(islice(rows, BATCH), batch=BATCH)
        if not written:
            break
        done += written
        if done % 1_000_000 == 0 or written < BATCH:
            rate = done / (time.monotonic() - started)
            say(f"{done:>11,} / about {events:,} events ({rate:,.0f} events/s)")
    indexes_restore()
    _execute("VACUUM (ANALYZE) insights_event")
    return time.monotonic() - started, hour, done


def aggregate(as_of: dt.date, hour: dt.datetime) -> float:
    """Every hour of the year (and so the burst's), then every local day."""
    from django.utils import timezone

    from onegate.insights.services.aggregation import hours_rebuild

    started = time.monotonic()
    zone = timezone.get_default_timezone()
    end = dt.datetime.combine(as_of, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    start = end - dt.timedelta(days=DAYS)
    say(f"aggregating {DAYS * 24:,} hours and their days")
    hours_rebuild(start=start, end=end)
    _execute("VACUUM (ANALYZE) insights_measurehour")
    _execute("VACUUM (ANALYZE) insights_measureday")
    seconds = time.monotonic() - started
    say(f"aggregated in {seconds:,.0f} s")
    return seconds


def insights_data(*, events: int, burst: int, seed: int, regenerate: bool = False) -> InsightsData:
    """Make sure the bench database holds the data set, aggregated; returns what it holds.

    Generating and aggregating are marked apart, so an aggregation that stopped is taken up
    again without generating anew."""
    from django.utils import timezone

    owner_ids = owners()
    marker = marker_read()
    if (
        marker is not None
        and not regenerate
        and marker[:3] == (VERSION, seed, events)
        and event_count() == marker[3]
    ):
        _version, _seed, _wanted, made, as_of, seconds, hour, aggregated = marker
        if aggregated:
            say(f"reusing {made:,} events (seed {seed}) as of {as_of}")
            return InsightsData(made, seed, as_of, seconds, True, hour, owner_ids)
        say(f"{made:,} events there (seed {seed}, as of {as_of}), not aggregated yet")
        seconds += aggregate(as_of, hour)
        _execute(f"UPDATE {MARKER} SET aggregated = true, seconds = %s", [seconds])
        return InsightsData(made, seed, as_of, seconds, False, hour, owner_ids)
    say(f"emptying the insights tables, then generating about {events:,} events")
    empty()
    as_of = timezone.localdate()
    owners_figures(owner_ids, as_of)
    seconds, hour, made = generate(seed, events, burst, as_of)
    _execute(
        f"INSERT INTO {MARKER} (version, seed, wanted, events, as_of, seconds, burst_hour, "
        "finished_at) VALUES (%s, %s, %s, %s, %s, %s, %s, now())",
        [VERSION, seed, events, made, as_of, seconds, hour],
    )
    seconds += aggregate(as_of, hour)
    _execute(f"UPDATE {MARKER} SET aggregated = true, seconds = %s", [seconds])
    say(f"{made:,} events ready in {seconds:,.0f} s")
    return InsightsData(made, seed, as_of, seconds, False, hour, owner_ids)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--burst", type=int, default=1_000_000, help="events in the busiest hour")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--regenerate", action="store_true", help="generate even if cached")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    started = time.monotonic()
    prepare()
    data = insights_data(
        events=args.events, burst=args.burst, seed=args.seed, regenerate=args.regenerate
    )
    how = "reused" if data.reused else "generated"
    say(f"{data.events:,} events {how}, ready in {time.monotonic() - started:,.0f} s")


if __name__ == "__main__":
    main()
