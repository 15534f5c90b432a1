"""``make bench-data``: a million generated people on PostgreSQL, and the registry questions timed.

What it does, in order (docs/benchmarks.md records the results):

1. prepares a PostgreSQL database (``DATABASE_URL``, default ``onegate_bench`` on 127.0.0.1):
   creates it if missing and migrates it;
2. generates the population with the seeded generator (``--people``, default 1,000,000;
   ``--seed``, default 1), unless the database already holds exactly that population: a marker
   table, ``bench_registries_population``, remembers the people, seed and generation rate of the
   last complete run, so later runs reuse the data (``--regenerate`` forces a new one). A
   different or unfinished population is emptied first (TRUNCATE of the registry tables only);
3. runs ``VACUUM (ANALYZE)`` on the freshly generated tables (``ANALYZE`` when reusing them), so
   the planner knows their sizes and autovacuum does not start in the middle of the timings;
4. asks the local adapter (``onegate.registries.adapters.local.LocalAdapter``) ``--calls``
   questions of each kind (default 2,000, after 200 unmeasured warm-up calls), as a government
   service would: each read writes its access record and audit record, as in production.
   Lookups are by national ID and by passport number, "children of" asks about random parents,
   and name search mixes full Latin names, full Thai names and Latin prefixes of random people;
5. prints a markdown report and writes it to ``bench/results/registries.md`` (git-ignored).

It uses Django in-process (the generator and the adapter are the code under test), with the
production-like settings ``make run`` uses. Only the registry tables are ever emptied.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/onegate_bench"
MARKER = "bench_registries_population"
WARM_UP_CALLS = 200

sys.path.insert(0, str(ROOT))


def say(message: str) -> None:
    print(f"bench-data: {message}", file=sys.stderr, flush=True)


# --- The database -----------------------------------------------------------------------------


def database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit("bench-data: runs on PostgreSQL: set DATABASE_URL=postgres://...")
    return url


def create_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    libpq_url = parts._replace(scheme="postgresql").geturl()
    with psycopg.connect(libpq_url, dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            say(f"created database {name}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    if not os.environ.get("SECRET_KEY") and not (ROOT / "var" / "secret_key").exists():
        os.environ["SECRET_KEY"] = os.urandom(48).hex()  # this run only; var/ is left alone
    import django

    django.setup()


# --- The population, generated once and kept -------------------------------------------------


@dataclass(frozen=True)
class Generated:
    people: int
    seed: int
    rate: float  # people per second when it was generated
    seconds: float
    start_date: date  # the day the population is as of (ages, expiries)
    finished_at: datetime
    reused: bool


def marker_read(cursor) -> tuple[int, int, float, float, date, datetime] | None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {MARKER} (people integer NOT NULL, seed bigint NOT NULL, "
        "rate double precision NOT NULL, seconds double precision NOT NULL, "
        "start_date date, finished_at timestamptz NOT NULL)"
    )
    cursor.execute(
        f"SELECT people, seed, rate, seconds, start_date, finished_at FROM {MARKER} "
        "WHERE start_date IS NOT NULL"
    )
    return cursor.fetchone()


def population(people: int, seed: int, regenerate: bool) -> Generated:
    from django.db import connection

    from onegate.registries.models import Person

    with connection.cursor() as cursor:
        marker = marker_read(cursor)
    count = Person.objects.count()
    if marker and not regenerate and marker[:2] == (people, seed) and count >= people:
        say(f"reusing {people:,} people (seed {seed}) generated {marker[5]:%Y-%m-%d}")
        return Generated(people, seed, *marker[2:], reused=True)
    if count:
        say(f"emptying the registry tables ({count:,} people)")
        empty_registries()
    return generate(people, seed)


def empty_registries() -> None:
    from django.db import connection

    from onegate.registries.models import Person

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER}")
        # CASCADE empties exactly the tables that point at people (documents, addresses, links,
        # access records, events, ...); the audit log has no foreign key to them.
        cursor.execute(f"TRUNCATE {connection.ops.quote_name(Person._meta.db_table)} CASCADE")


def generate(people: int, seed: int) -> Generated:
    from django.db import connection

    from onegate.registries.generator.service import population_generate

    def progress(done: int, total: int, seconds: float) -> None:
        if done % 100_000 == 0 or done == total:
            say(f"{done:>10,} / {total:,} people ({done / seconds:,.0f} people/s)")

    say(f"generating {people:,} people (seed {seed})")
    workers = 1 if (os.cpu_count() or 1) > 1 else 0
    report = population_generate(people=people, seed=seed, workers=workers, progress=progress)
    finished = datetime.now(UTC)
    row = [people, seed, report.rate, report.seconds, report.start_date, finished]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MARKER} (people, seed, rate, seconds, start_date, finished_at) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            row,
        )
    return Generated(*row, reused=False)


def analyze(generated: Generated) -> None:
    """Planner statistics; after a fresh load also VACUUM, so autovacuum does not start on the
    new tables in the middle of the timings (and index-only scans can use the visibility map)."""
    from django.db import connection

    from onegate.registries.generator.rows import COLUMNS

    command = "ANALYZE" if generated.reused else "VACUUM (ANALYZE)"
    say(command)
    with connection.cursor() as cursor:
        if generated.reused:
            cursor.execute(command)
            return
        for model in COLUMNS:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


# --- The questions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    percentile: int
    ms: float


@dataclass(frozen=True)
class Timing:
    label: str
    target: Target
    samples: list[float]  # milliseconds
    answered: int  # calls that found something

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.samples, n=100, method="inclusive")[p - 1]

    @property
    def met(self) -> bool:
        return self.percentile(self.target.percentile) < self.target.ms


def sample_rows(table: str, columns: str, wanted: int, where: str = "TRUE") -> list[tuple]:
    """About ``wanted`` rows picked uniformly at random (a Bernoulli sample, then a limit)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        total = cursor.fetchone()[0] or 1
        percent = min(100.0, 300.0 * wanted / total)  # three times more than needed, then cut
        cursor.execute(
            f"SELECT {columns} FROM {table} TABLESAMPLE BERNOULLI (%s) REPEATABLE (7) "
            f"WHERE {where} LIMIT %s",
            [percent, wanted],
        )
        return cursor.fetchall()


def questions(calls: int) -> dict[str, list[Callable[[], object]]]:
    """``calls`` + warm-up questions of each kind, about people picked at random."""
    from onegate.registries.adapters.base import AccessContext
    from onegate.registries.adapters.local import LocalAdapter
    from onegate.registries.constants import AccessorKind

    adapter = LocalAdapter()
    access = AccessContext(
        kind=AccessorKind.SERVICE,
        accessor_id="bench",
        accessor_label="Registry benchmark",
        organisation="OneGate benchmark",
        purpose="Measuring registry response times",
        channel="bench",
    )
    wanted = calls + WARM_UP_CALLS
    people = sample_rows(
        "registries_person",
        "national_id, given_name_latin, family_name_latin, given_name_th, family_name_th",
        wanted,
        where="national_id IS NOT NULL",
    )
    passports = sample_rows("registries_traveldocument", "number, issuing_state", wanted)
    parents = sample_rows("registries_familylink", "adult_id", wanted)
    rng = random.Random(7)  # which people to ask about, in which order
    for rows in (people, passports, parents):
        rng.shuffle(rows)

    def by_id(number: str) -> Callable[[], object]:
        return lambda: adapter.person_find(scheme="national_id", value=number, access=access)

    def by_passport(number: str, state: str) -> Callable[[], object]:
        return lambda: adapter.person_find(
            scheme="travel_document", value=number, issuing_state=state, access=access
        )

    def children(adult: object) -> Callable[[], object]:
        return lambda: adapter.children_of(person_id=str(adult), access=access)

    def search(name: str) -> Callable[[], object]:
        return lambda: adapter.people_search(name=name, access=access)

    return {
        "national_id": [by_id(row[0]) for row in people],
        "passport": [by_passport(*row) for row in passports],
        "children": [children(row[0]) for row in parents],
        "search": [search(search_text(row, i)) for i, row in enumerate(people)],
    }


def search_text(row: Sequence[str], i: int) -> str:
    """A third full Latin names, a third full Thai names, a third Latin prefixes ("som saen")."""
    _nid, given, family, given_th, family_th = row
    if i % 3 == 0:
        return f"{given} {family}"
    if i % 3 == 1 and given_th:
        return f"{given_th} {family_th}"
    return f"{given[:3]} {family[:4]}"


def timed(label: str, target: Target, calls: list[Callable[[], object]]) -> Timing:
    say(f"timing {label}: {len(calls):,} calls")
    for call in calls[:WARM_UP_CALLS]:
        call()
    samples, answered = [], 0
    for call in calls[WARM_UP_CALLS:]:
        started = time.perf_counter()
        answer = call()
        samples.append((time.perf_counter() - started) * 1000)
        answered += bool(answer)
    return Timing(label, target, samples, answered)


# --- The report -------------------------------------------------------------------------------


def commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout.strip() or "unknown"


def server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def table_sizes() -> str:
    from onegate.registries.generator.rows import COLUMNS

    return ", ".join(f"{model.__name__} {model._default_manager.count():,}" for model in COLUMNS)


def report(generated: Generated, timings: list[Timing], url: str) -> str:
    parts = urlsplit(url)
    rate_met = generated.rate >= 2000
    when = "cached from " + f"{generated.finished_at:%Y-%m-%d}" if generated.reused else "this run"
    lines = [
        "## Registries at scale",
        "",
        "| | |",
        "| --- | --- |",
        f"| date | {datetime.now(UTC):%Y-%m-%d %H:%M UTC} |",
        f"| commit | {commit()} |",
        f"| CPUs (nproc) | {len(os.sched_getaffinity(0))} |",
        f"| Python | {platform.python_version()} |",
        f"| database | {server_version()} at {parts.hostname}:{parts.port or 5432}{parts.path} |",
        f"| population | {generated.people:,} people, seed {generated.seed}, "
        f"as of {generated.start_date.isoformat()} |",
        f"| rows | {table_sizes()} |",
        "",
        "| measurement | calls | found | p50 | p95 | p99 | target | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for timing in timings:
        target = f"p{timing.target.percentile} < {timing.target.ms:g} ms"
        lines.append(
            f"| {timing.label} | {len(timing.samples):,} | {timing.answered:,} | "
            f"{timing.percentile(50):.2f} ms | {timing.percentile(95):.2f} ms | "
            f"{timing.percentile(99):.2f} ms | {target} | {'yes' if timing.met else '**no**'} |"
        )
    lines += [
        "",
        "| generator | people | time | rate | target | met |",
        "| --- | ---: | ---: | ---: | --- | --- |",
        f"| `registry_generate` ({when}) | {generated.people:,} | {generated.seconds:,.0f} s | "
        f"{generated.rate:,.0f} people/s | ≥ 2,000 people/s | {'yes' if rate_met else '**no**'} |",
    ]
    return "\n".join(lines)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--calls", type=int, default=2_000, help="measured calls per question")
    parser.add_argument("--regenerate", action="store_true", help="generate even if cached")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    url = database_url()
    create_database(url)
    setup_django(url)
    from django.core.management import call_command

    say("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    generated = population(args.people, args.seed, args.regenerate)
    analyze(generated)
    asked = questions(args.calls)
    timings = [
        timed("lookup by national ID", Target(99, 5), asked["national_id"]),
        timed("lookup by passport number", Target(99, 5), asked["passport"]),
        timed("children of a parent", Target(99, 10), asked["children"]),
        timed("name search", Target(95, 100), asked["search"]),
    ]
    text = report(generated, timings, url)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "registries.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    say("written to bench/results/registries.md")


if __name__ == "__main__":
    main()
