"""``make bench-data`` (cases): 1,000,000 cases across 10 agencies on PostgreSQL, kept between runs.

What it does, in order (``bench/cases.py`` runs it first too; docs/benchmarks.md has the figures):

1. prepares the PostgreSQL database (``DATABASE_URL``, default ``onegate_bench`` on 127.0.0.1,
   the registries' bench database): creates it if missing, migrates it, loads the demo catalogue
   and the five demo service definitions;
2. adds three agencies to the catalogue (revenue, social security, employment: ten in all with
   the demo's seven) and publishes three services in each, copies of the demo definitions under
   the agency's own slugs (``immigration-electronic-travel-authority``, …), through the designer's
   services, so every case is pinned to a real published version;
3. makes each agency's staff: 20 case workers and 2 team leads with a role granted through
   ``staff_role_grant`` and an authenticator app (staff must sign in with one);
4. generates ``--cases`` cases (default 1,000,000; ``--seed`` 1) with their sent applications and
   the history of every open case and 5 % of the closed ones (``cases_rows``), in the order they
   were sent (so the table lies as a live one would), made by two forked processes and COPYed in
   batches of 20,000 with foreign-key triggers off and the tables' secondary indexes dropped
   first and built again at the end (their definitions are kept in ``bench_cases_indexes``
   until then, so an interrupted run puts them back next time), then ``VACUUM (ANALYZE)``;
5. writes the marker ``bench_cases_data`` (generator version, seed, cases, day, seconds): a later
   run whose version, seed and size match, and whose cases are all there, stops after step 3 in
   seconds. A different or unfinished data set is emptied first (TRUNCATE of the case and
   application tables only: nothing else in the database is touched).

The generated cases are "as of" the day they were made (sent times run up to that midnight);
reused on a later day their open cases are older, so more are past their due day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from cases_copy import Table
from cases_rows import AGENCY_WEIGHTS, BenchService, CaseRows
from registries import create_database, database_url, setup_django

ROOT = Path(__file__).resolve().parent.parent
VERSION = 2  # of the generator: bump it when the rows change, and the old data is remade
MARKER = "bench_cases_data"
INDEX_STORE = "bench_cases_indexes"
TABLES = ("runner_application", "cases_case", "cases_caseevent")
BATCH = 20_000
WORKERS, LEADS = 20, 2  # per agency
STAFF_DOMAIN = "bench.onegate.test"
STAFF_NAMESPACE = uuid.UUID("0f5e2d8c-3b7a-4c1e-9a6d-2e8b4f1c7a30")
TOTP_SECRET = "J5XGKR3BORSSAZDFNVXSA43UMFTGMIJB"
EXTRA_AGENCIES = [
    {"slug": slug, "name": {"en": en, "th": th}, "description": {"en": en, "th": th},
     "website": f"https://{slug}.onegate.example"}
    for slug, en, th in (
        ("revenue", "Revenue Department (benchmark)", "กรมสรรพากร (ทดสอบ)"),
        ("social-security", "Social Security Office (benchmark)", "สำนักงานประกันสังคม (ทดสอบ)"),
        ("employment", "Department of Employment (benchmark)", "กรมการจัดหางาน (ทดสอบ)"),
    )
]  # fmt: skip
DEMO_FILES = (
    "electronic-travel-authority", "renew-driving-licence", "national-id-card",
    "tell-us-you-have-moved", "child-health-card",
)  # fmt: skip


def say(message: str) -> None:
    print(f"bench-data (cases): {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class CasesData:
    """The data set in the database: what the marker says and the staff to sign in as."""

    cases: int
    seed: int
    as_of: dt.date
    seconds: float
    reused: bool
    services: list[BenchService]
    workers: dict[str, list[uuid.UUID]]  # case workers by agency
    leads: dict[str, list[uuid.UUID]]


# --- the database, the catalogue and the demo definitions -----------------------------------


def prepare() -> str:
    """Create, migrate and load the bench database; returns its URL (Django is set up)."""
    url = database_url()
    create_database(url)
    setup_django(url)
    from django.core.management import call_command

    from onegate.catalogue.selectors import catalogue_forget
    from onegate.catalogue.services import catalogue_load
    from onegate.definitions.demo import load_demo_definitions

    say("migrate, catalogue, demo definitions")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    catalogue_load(data={"agencies": EXTRA_AGENCIES, "life_events": [], "services": []})
    catalogue_forget()
    load_demo_definitions()
    indexes_restore()  # an earlier run stopped between dropping and building them
    return url


def bench_services() -> list[BenchService]:
    """Three published services per agency, copies of demo definitions (published if missing)."""
    from onegate.definitions.demo import DEMO_SERVICES_DIR

    services = []
    for position, (agency, _weight) in enumerate(AGENCY_WEIGHTS):
        for k in range(3):
            stem = DEMO_FILES[(position + k) % len(DEMO_FILES)]
            source = yaml.safe_load((DEMO_SERVICES_DIR / f"{stem}.yaml").read_text("utf-8"))
            slug = f"{agency}-{stem}"[:80]
            version = _published(slug, agency, source)
            services.append(
                BenchService(
                    slug=slug,
                    agency_slug=agency,
                    version_id=version,
                    sla_working_days=int(source.get("sla_working_days") or 5),
                    for_children=not source["applicants"].get("self", False),
                )
            )
    return services


def _published(slug: str, agency: str, source: dict[str, Any]) -> uuid.UUID:
    from onegate.definitions.constants import VersionStatus
    from onegate.definitions.models import DefinitionVersion
    from onegate.definitions.services import definition_draft_save, definition_publish

    found = DefinitionVersion.objects.filter(
        definition__slug=slug, status=VersionStatus.PUBLISHED
    ).first()
    if found is not None:
        return found.pk
    text = yaml.safe_dump({**source, "service": slug, "agency": agency}, allow_unicode=True,
                          sort_keys=False, width=100)  # fmt: skip
    note = "A copy of a demo service for the cases benchmark."
    draft = definition_draft_save(actor=None, source=text, note=note)
    return definition_publish(actor=None, version=draft, note=note).pk


# --- staff ------------------------------------------------------------------------------------


def staff_email(role: str, agency: str, n: int) -> str:
    return f"bench.{role}.{agency}.{n:02d}@{STAFF_DOMAIN}"


def bench_staff() -> tuple[dict[str, list[uuid.UUID]], dict[str, list[uuid.UUID]]]:
    """Each agency's case workers and team leads (made if missing), by fixed ids."""
    from onegate.identity.constants import StaffRole

    workers: dict[str, list[uuid.UUID]] = {}
    leads: dict[str, list[uuid.UUID]] = {}
    for agency, _weight in AGENCY_WEIGHTS:
        workers[agency] = [
            _staff_member(staff_email("caseworker", agency, n), StaffRole.CASE_WORKER, agency)
            for n in range(WORKERS)
        ]
        leads[agency] = [
            _staff_member(staff_email("teamlead", agency, n), StaffRole.TEAM_LEAD, agency)
            for n in range(LEADS)
        ]
    return workers, leads


def _staff_member(email: str, role: str, agency: str) -> uuid.UUID:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from onegate.identity.models import StaffMembership, User
    from onegate.identity.services.organisations import staff_role_grant

    pk = uuid.uuid5(STAFF_NAMESPACE, email)
    user = User.objects.filter(pk=pk).first()
    if user is None:
        user = User(pk=pk, email=email, display_name=email.split("@")[0], is_staff=True)
        user.set_unusable_password()
        user.save()
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRET)
    held = StaffMembership.objects.filter(user=user, role=role, ended_at__isnull=True)
    if not held.exists():
        staff_role_grant(actor=None, user=user, role=role, agency_slug=agency)
    return pk


# --- the marker and the secondary indexes -----------------------------------------------------


def _execute(sql: str, params: Any = None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def marker_read() -> tuple | None:
    _execute(
        f"CREATE TABLE IF NOT EXISTS {MARKER} (version integer NOT NULL, seed bigint NOT NULL, "
        "cases integer NOT NULL, as_of date NOT NULL, seconds double precision NOT NULL, "
        "finished_at timestamptz NOT NULL)"
    )
    rows = _execute(f"SELECT version, seed, cases, as_of, seconds FROM {MARKER}")
    return rows[0] if rows else None


def generated_count(services: list[BenchService]) -> int:
    rows = _execute(
        "SELECT count(*) FROM cases_case WHERE service_slug = ANY(%s)", [[s.slug for s in services]]
    )
    return int(rows[0][0])


def indexes_drop() -> None:
    """Keep the definitions of the tables' secondary indexes, then drop them (loads go faster)."""
    _execute(f"CREATE TABLE IF NOT EXISTS {INDEX_STORE} (name text PRIMARY KEY, definition text)")
    _execute(
        f"INSERT INTO {INDEX_STORE} (name, definition) "
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "ON CONFLICT (name) DO NOTHING",
        [list(TABLES)],
    )
    for (name,) in _execute(f"SELECT name FROM {INDEX_STORE}"):
        _execute(f'DROP INDEX IF EXISTS "{name}"')


def indexes_restore() -> None:
    """Build every kept index that is missing, then forget the definitions."""
    _execute(f"CREATE TABLE IF NOT EXISTS {INDEX_STORE} (name text PRIMARY KEY, definition text)")
    kept = _execute(f"SELECT name, definition FROM {INDEX_STORE}")
    if kept:
        say(f"building {len(kept)} indexes")
        _execute("SET maintenance_work_mem = '1GB'")
    for name, definition in kept:
        if not _execute("SELECT 1 FROM pg_class WHERE relname = %s", [name]):
            _execute(definition)
        _execute(f"DELETE FROM {INDEX_STORE} WHERE name = %s", [name])


# --- generating ---------------------------------------------------------------------------------


def empty() -> None:
    _execute(f"DELETE FROM {MARKER}")
    _execute(
        "TRUNCATE cases_casefile, cases_informationrequest, cases_caseevent, cases_case, "
        "runner_upload, runner_application"
    )


_ROWS: CaseRows | None = None  # the generator, the order and the tables, for the forked makers
_ORDER: list[int] = []
_TABLES: tuple[Table, Table, Table] | None = None
WINDOW = 8  # batches made ahead of the COPY at most


def _batch(start: int) -> tuple[bytes, bytes, bytes]:
    assert _ROWS is not None and _TABLES is not None
    made = _ROWS.batch(_ORDER[start : start + BATCH])
    applications, cases, events = _TABLES
    return applications.text(made.applications), cases.text(made.cases), events.text(made.events)


def generate(rows: CaseRows, total: int) -> float:
    """Two forked processes make the batches (as COPY text) while this one sends them, in order."""
    global _ROWS, _ORDER, _TABLES
    from django.db import connection

    from onegate.cases.models import Case, CaseEvent
    from onegate.runner.models import Application

    started = time.monotonic()
    _ROWS, _TABLES = rows, (Table.of(Application), Table.of(Case), Table.of(CaseEvent))
    _ORDER = rows.order()
    say(f"ordered by the time sent in {time.monotonic() - started:.0f} s")
    connection.close()  # no connection is shared with the forked processes
    with multiprocessing.get_context("fork").Pool(2) as pool:
        _execute("SET session_replication_role = replica")  # no FK triggers: the rows agree
        _execute("SET synchronous_commit = off")
        indexes_drop()
        for window in range(0, total, BATCH * WINDOW):
            starts = range(window, min(window + BATCH * WINDOW, total), BATCH)
            for start, texts in zip(starts, pool.imap(_batch, starts), strict=True):
                for table, data in zip(_TABLES, texts, strict=True):
                    table.copy(data)
                done = min(start + BATCH, total)
                if done % 100_000 == 0 or done == total:
                    rate = done / (time.monotonic() - started)
                    say(f"{done:>9,} / {total:,} cases ({rate:,.0f} cases/s)")
    _execute("SET session_replication_role = DEFAULT")
    indexes_restore()
    for table in TABLES:
        _execute(f"VACUUM (ANALYZE) {table}")
    return time.monotonic() - started


def cases_data(*, cases: int, seed: int, regenerate: bool = False) -> CasesData:
    """Make sure the bench database holds the data set; returns what it holds."""
    from django.utils import timezone

    from onegate.cases.sla import sla_due_on

    services = bench_services()
    workers, leads = bench_staff()
    marker = marker_read()
    if (
        marker is not None
        and not regenerate
        and marker[:3] == (VERSION, seed, cases)
        and generated_count(services) == cases
    ):
        say(f"reusing {cases:,} cases (seed {seed}) as of {marker[3]}")
        return CasesData(cases, seed, marker[3], marker[4], True, services, workers, leads)
    say(f"emptying the case and application tables, then generating {cases:,} cases")
    empty()
    as_of = timezone.localdate()
    anchor = timezone.make_aware(dt.datetime.combine(as_of, dt.time()))
    rows = CaseRows(seed=seed, total=cases, services=services, workers=workers, anchor=anchor,
                    due_on=sla_due_on)  # fmt: skip
    seconds = generate(rows, cases)
    _execute(
        f"INSERT INTO {MARKER} (version, seed, cases, as_of, seconds, finished_at) "
        "VALUES (%s, %s, %s, %s, %s, now())",
        [VERSION, seed, cases, as_of, seconds],
    )
    say(f"generated {cases:,} cases in {seconds:,.0f} s ({cases / seconds:,.0f} cases/s)")
    return CasesData(cases, seed, as_of, seconds, False, services, workers, leads)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--regenerate", action="store_true", help="generate even if cached")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    started = time.monotonic()
    prepare()
    data = cases_data(cases=args.cases, seed=args.seed, regenerate=args.regenerate)
    how = "reused" if data.reused else "generated"
    say(f"{data.cases:,} cases {how}, ready in {time.monotonic() - started:,.0f} s")


if __name__ == "__main__":
    main()
