"""``make bench-insights``: service performance at 10,000,000 events, on PostgreSQL.

What it measures (docs/benchmarks.md records the results; the targets are issue 11's):

1. **the aggregation of the busiest hour** (1,000,000 events and the hour's ordinary traffic):
   ``aggregation.hours_rebuild`` of that hour (which then rebuilds its local day from the
   day's hours, as the periodic job does), ``--runs`` (5) times, median, in this process; and
   ``days_rebuild`` of that day alone, to show its share. Baseline in the same run,
   interleaved: a bare ``SELECT count(*)`` of the same hour's events. The aggregation's
   statements are captured once and the slowest is shown with ``EXPLAIN (ANALYZE, BUFFERS)``
   (rolled back) in ``bench/results/insights-plan.txt``. Target < 10 s;
2. **the dashboards**: the travel authority's dashboard over a year (``?days=365``) and over
   30 days, the comparison of its two versions over a year, the public ``/performance/`` page
   and the service's public page (``/performance/<slug>/``), served by the Procfile's granian
   (2 workers) and loaded by wrk with ``--connections`` (4) connections on 2 threads for
   ``--seconds`` (10) after a 2 s warm-up: p50, p95, p99, requests per second and the CPU of
   the server and its database backends per request. The dashboards are requested signed in
   as the service's owner (a session made as sign-in with a password and an authenticator app
   leaves it); the public pages as anyone, without a cookie. Baseline in the same run:
   ``/healthz`` (a real database check). Target p95 < 200 ms. Before the load, each page is
   also requested alone in this process: once with the cache emptied (the figures worked out
   from the aggregates, as on the first request after an aggregation run; wrk's requests are
   served from the cache), then ``--alone`` (5) times: the median, the statements and their
   time (what one request costs on an idle server, whatever the machine's load);
3. **recording** on a page request: a question page of the child health card (GET, which
   records "page viewed"), in this process through Django's test client with the whole
   middleware stack, in rounds of ``--requests`` (200) requests with the insights receivers
   connected and then disconnected (the order swapped every round): the difference of the
   medians per request. And ``event_record`` alone, per call, in autocommit (one commit each,
   as on a page), the same with ``synchronous_commit = off`` (the commit does not wait for the
   disk), and inside one transaction. Target < 1 ms per request.

The data comes from ``bench/insights_data.py`` (``make bench-data``), made first if missing and
reused otherwise. The report is printed and written to ``bench/results/insights.md``
(git-ignored). Everything runs on 127.0.0.1; every process started is stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness import environment, free_port, granian_command, python_reference_ms, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SERVICE = "electronic-travel-authority"
QUESTION_SERVICE_PAGE = "health_centre"  # the runner bench's page (child health card)
TARGETS = {"aggregation_s": 10.0, "page_p95_ms": 200.0, "recording_ms": 1.0}
REPORTER = """
function done(summary, latency, requests)
  io.write(string.format(
    "onegate-insights requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d status=%d "
    .. "connect=%d read=%d write=%d timeout=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
"""


def say(message: str) -> None:
    print(f"bench/insights: {message}", file=sys.stderr, flush=True)


# --- 1. the aggregation of the busiest hour --------------------------------------------------


@dataclass(frozen=True)
class Aggregation:
    events: int
    rebuild_s: list[float]
    count_s: list[float]
    day_s: list[float]
    rows: int  # aggregate rows the hour makes
    plan: str  # EXPLAIN ANALYZE of its slowest statement

    @property
    def median_s(self) -> float:
        return statistics.median(self.rebuild_s)


def _timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def aggregation(hour: dt.datetime, runs: int) -> Aggregation:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from onegate.insights.models import MeasureHour
    from onegate.insights.services.aggregation import days_rebuild, hours_rebuild

    end = hour + dt.timedelta(hours=1)
    day = timezone.localdate(hour)

    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM insights_event WHERE occurred_at >= %s AND occurred_at < %s",
                [hour, end],
            )
            return int(cursor.fetchone()[0])

    events = count()
    say(f"the busiest hour ({hour:%Y-%m-%d %H:00} UTC) holds {events:,} events")
    with CaptureQueriesContext(connection) as captured:
        hours_rebuild(start=hour, end=end)  # also warms the cache
    rebuilds, counts, days = [], [], []
    for run in range(runs):
        pair = [("count", count), ("rebuild", lambda: hours_rebuild(start=hour, end=end))]
        for name, action in pair if run % 2 == 0 else pair[::-1]:
            (counts if name == "count" else rebuilds).append(_timed(action))
        days.append(_timed(lambda: days_rebuild(days=[day])))
        say(f"run {run + 1}: rebuild {rebuilds[-1]:.2f} s, count {counts[-1]:.3f} s, "
            f"day {days[-1]:.2f} s")  # fmt: skip
    rows = MeasureHour.objects.filter(hour=hour).count()
    return Aggregation(
        events, rebuilds, counts, days, rows, _slowest_plan(captured.captured_queries)
    )


def _slowest_plan(queries: list[dict[str, Any]]) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest captured statement that reads events, rolled
    back (it may write)."""
    from django.db import connection, transaction

    reading = [q for q in queries if "insights_event" in q["sql"]]
    if not reading:
        return "(no statement read the events)"
    slowest = max(reading, key=lambda q: float(q["time"]))
    plan = ""
    with contextlib.suppress(_RolledBack), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        raise _RolledBack
    return f"{slowest['sql'][:2000]}\n\n{plan}"


class _RolledBack(Exception):
    pass


# --- 2. the dashboards under wrk --------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    label: str
    path: str
    status: int
    bytes: int
    requests: int  # answered within the run
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    cpu_ms: float
    others_percent: float


def pages() -> list[tuple[str, str, bool]]:
    """(label, path, signed in) of the pages loaded, the baseline first."""
    from django.urls import reverse

    dashboard = reverse("insights:service", kwargs={"slug": SERVICE})
    compare = reverse("insights:compare", kwargs={"slug": SERVICE})
    return [
        ("/healthz (baseline)", "/healthz", False),
        ("dashboard, a year", f"{dashboard}?days=365", True),
        ("dashboard, 30 days", f"{dashboard}?days=30", True),
        ("versions compared, a year", f"{compare}?a=1&b=2&days=365", True),
        ("public page", reverse("performance:index"), False),
        ("public page of the service", reverse("performance:service", args=[SERVICE]), False),
    ]


def _probe(port: int, path: str, cookie: str) -> tuple[int, int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            body = answer.read()
            return answer.status, len(body), answer.url
    except urllib.error.HTTPError as refused:
        return refused.code, 0, path


def wrk_load(
    label: str, path: str, port: int, cookie: str, server: Any, seconds: int, connections: int
) -> Load:
    from run import CpuSample, CpuUse

    status, size, landed = _probe(port, path, cookie)
    if status != 200 or not landed.endswith(path):  # refused, or redirected (to sign in)
        raise SystemExit(f"bench/insights: {path} answered {status} at {landed}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(REPORTER)
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    common = ["-t2", f"-c{connections}", "--timeout", "10s", "-s", handle.name, *headers]
    url = f"http://127.0.0.1:{port}{path}"
    try:
        subprocess.run(["wrk", "-d2s", *common, url], capture_output=True, check=True)
        before = CpuSample.take(server.pid, _database_name())
        output = subprocess.run(
            ["wrk", f"-d{seconds}s", *common, url], capture_output=True, text=True, check=True
        ).stdout
        cpu = CpuUse.between(before, CpuSample.take(server.pid, _database_name()))
    finally:
        Path(handle.name).unlink()
    found = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", output.split("onegate-insights")[1])}
    count = found["requests"]
    errors = sum(found[key] for key in ("status", "connect", "read", "write", "timeout"))
    load = Load(
        label, path, status, size, count, count / (found["duration_us"] / 1e6),
        found["p50_us"] / 1000,
        found["p95_us"] / 1000, found["p99_us"] / 1000, errors, cpu.server_ms / max(1, count),
        cpu.others_percent,
    )  # fmt: skip
    say(f"{label}: {load.per_second:,.0f}/s, p50 {load.p50_ms:.1f} ms, p95 {load.p95_ms:.1f} ms, "
        f"{load.cpu_ms:.1f} ms CPU each, {errors} errors")  # fmt: skip
    return load


def _database_name() -> str:
    from insights_data import database_url

    return urlsplit(database_url()).path.lstrip("/")


@contextlib.contextmanager
def serving(env: dict[str, str]) -> Any:
    port = free_port()
    log = (RESULTS / "insights-server.log").open("wb")
    server = subprocess.Popen(
        granian_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_up(port, name="insights")
        yield server, port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def dashboards(env: dict[str, str], owner: Any, seconds: int, connections: int) -> list[Load]:
    from cases_queue import staff_session
    from django.conf import settings
    from django.db import connections as databases

    cookie = f"{settings.SESSION_COOKIE_NAME}={staff_session(owner)}"
    wanted = pages()
    databases.close_all()
    with serving(env) as (server, port):
        _warm(port, wanted, cookie, connections)
        return [
            wrk_load(label, path, port, cookie if signed_in else "", server, seconds, connections)
            for label, path, signed_in in wanted
        ]


def _warm(port: int, wanted: list[tuple[str, str, bool]], cookie: str, connections: int) -> None:
    """Each page requested by every worker before any is measured: a worker's first request
    compiles its templates and definitions (seconds), which wrk's 2 s warm-up of the first page
    did not always cover, so the first page measured took the second worker's start. Twice
    ``connections`` requests at once, twice, reach both workers."""
    from concurrent.futures import ThreadPoolExecutor

    asked = [(path, cookie if signed_in else "") for _label, path, signed_in in wanted]
    with ThreadPoolExecutor(max_workers=2 * connections) as pool:
        for _round in range(2):
            for path, sent in asked:
                at_once = [pool.submit(_probe, port, path, sent) for _ in range(2 * connections)]
                for request in at_once:
                    request.result()


@dataclass(frozen=True)
class Alone:
    """A page requested alone, in this process: what one request costs on an idle server."""

    label: str
    first_ms: float  # the first request, with the cache emptied: the figures worked out
    first_queries: int
    samples_ms: list[float]
    queries: int
    sql_ms: float  # as the database driver timed it, in the median request

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)


def pages_alone(owner: Any, requests: int) -> list[Alone]:
    """Each page of the load, ``requests`` times one after another through Django's test
    client: the time of one request with nothing else in the server, its statements and their
    time. First, once, with the cache emptied (the figures are worked out from the aggregates,
    as on the first request after an aggregation run); then as served from the cache."""
    from cases_queue import staff_session
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    signed_in, anyone = Client(), Client()
    signed_in.cookies[settings.SESSION_COOKIE_NAME] = staff_session(owner)
    found = []
    for label, path, signs_in in pages():
        client = signed_in if signs_in else anyone
        client.get(path)  # templates and definitions compiled, as in a process running a while
        cache.clear()  # the bench database's own cache: its figures, nothing else kept there
        with CaptureQueriesContext(connection) as first:
            started = time.perf_counter()
            answer = client.get(path)
            first_ms = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            raise SystemExit(f"bench/insights: {path} answered {answer.status_code}")
        samples, sql = [], []
        for _ in range(requests):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                answer = client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                raise SystemExit(f"bench/insights: {path} answered {answer.status_code}")
            sql.append((len(captured), 1000 * sum(float(q["time"]) for q in captured)))
        middle = sorted(sql, key=itemgetter(1))[len(sql) // 2]
        found.append(Alone(label, first_ms, len(first), samples, *middle))
        say(f"{label} alone: first (uncached) {first_ms:.0f} ms, {len(first)} statements; then "
            f"median {found[-1].median_ms:.0f} ms, {middle[0]} statements taking "
            f"{middle[1]:.0f} ms")  # fmt: skip
    return found


# --- 3. recording on a page request ---------------------------------------------------------


@dataclass(frozen=True)
class Recording:
    connected_ms: list[float]
    disconnected_ms: list[float]
    events_written: int
    requests: int
    autocommit_us: float
    unflushed_us: float  # autocommit with synchronous_commit off
    in_transaction_us: float

    @property
    def added_us(self) -> float:
        return 1000 * (
            statistics.median(self.connected_ms) - statistics.median(self.disconnected_ms)
        )


def recording(requests: int, rounds: int) -> Recording:
    from django.conf import settings
    from django.db.models import Max
    from django.test import Client
    from runner import _parent

    from onegate.insights.models import Event
    from onegate.insights.receivers import journey_event_record
    from onegate.runner.signals import journey_event

    parent = _parent(0)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = parent["session"]
    path = f"/apply/{parent['draft']}/page/{QUESTION_SERVICE_PAGE}/"
    uid = "insights.journey_event_record"

    def connect(on: bool) -> None:
        journey_event.disconnect(dispatch_uid=uid)
        if on:
            journey_event.connect(journey_event_record, dispatch_uid=uid)

    def timed_round() -> list[float]:
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            answer = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                raise SystemExit(f"bench/insights: {path} answered {answer.status_code}")
        return samples

    last = Event.objects.aggregate(last=Max("id"))["last"] or 0
    for on in (True, False):
        connect(on)
        timed_round()  # warm-up
    before = Event.objects.count()
    connected: list[float] = []
    disconnected: list[float] = []
    for run in range(rounds):
        for on in (True, False) if run % 2 == 0 else (False, True):
            connect(on)
            (connected if on else disconnected).extend(timed_round())
    connect(True)
    written = Event.objects.count() - before
    Event.objects.filter(id__gt=last).delete()  # the data set stays as it was made
    autocommit, unflushed, in_transaction = _event_record_cost(requests * 5)
    say(f"recording: connected {statistics.median(connected):.2f} ms, disconnected "
        f"{statistics.median(disconnected):.2f} ms; event_record {autocommit:.0f} µs "
        f"(autocommit), {unflushed:.0f} µs (synchronous_commit off), {in_transaction:.0f} µs "
        "(in a transaction)")  # fmt: skip
    return Recording(
        connected, disconnected, written, requests * rounds, autocommit, unflushed, in_transaction
    )


def _event_record_cost(calls: int) -> tuple[float, float, float]:
    """µs per ``event_record`` call: each its own commit; each its own commit without waiting
    for the WAL to reach the disk (``synchronous_commit = off``, for this session only); all in
    one transaction."""
    from django.db import connection, transaction

    from onegate.insights.models import Event
    from onegate.insights.services.recording import event_record

    def per_call() -> float:
        started = time.perf_counter()
        for _ in range(calls):
            event_record(kind="page_viewed", service_slug="bench-recording", version=1,
                         channel="online", page_id="health_centre")  # fmt: skip
        return (time.perf_counter() - started) * 1e6 / calls

    autocommit = per_call()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    unflushed = per_call()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = on")
    with transaction.atomic():
        in_transaction = per_call()
    Event.objects.filter(service_slug="bench-recording").delete()
    return autocommit, unflushed, in_transaction


# --- the report -------------------------------------------------------------------------------


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    from django.db import connection

    data = results["data"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0].split()[0]
    how = "cached" if data.reused else "generated this run"
    lines = [
        "## Service performance at 10,000,000 events (issue 11)",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {len(os.sched_getaffinity(0))} CPUs, "
        f"Python {platform.python_version()}, PostgreSQL {server}; load average at the start "
        f"{results['load']:.1f}, at the end {os.getloadavg()[0]:.1f}; Python reference loop "
        f"{results['reference_ms']:.0f} ms. Data: {data.events:,} events, seed {data.seed}, as "
        f"of {data.as_of} ({how}; {data.seconds:,.0f} s to generate and aggregate).",
        "",
    ]
    return "\n".join(
        lines
        + _aggregation_lines(results)
        + _alone_lines(results)
        + _load_lines(results)
        + _recording_lines(results)
    )


def _aggregation_lines(results: dict[str, Any]) -> list[str]:
    found: Aggregation | None = results.get("aggregation")
    if found is None:
        return []
    count = statistics.median(found.count_s)
    return [
        f"| the busiest hour, {found.events:,} events | median of {len(found.rebuild_s)} | "
        "runs | target | met? |",
        "| --- | ---: | --- | --- | --- |",
        f"| hours_rebuild (the hour, then its day) | {found.median_s:.2f} s | "
        f"{', '.join(f'{s:.2f}' for s in found.rebuild_s)} | < 10 s | "
        f"{_met(found.median_s < TARGETS['aggregation_s'])} |",
        f"| baseline: SELECT count(*) of the hour | {count:.3f} s | "
        f"{', '.join(f'{s:.3f}' for s in found.count_s)} | — | — |",
        f"| of which days_rebuild (the local day, from its hours) "
        f"| {statistics.median(found.day_s):.2f} s "
        "| "
        f"{', '.join(f'{s:.2f}' for s in found.day_s)} | — | — |",
        "",
        f"Rebuild ÷ count: {found.median_s / count:.1f}; the hour makes {found.rows:,} aggregate "
        "rows.",
        "",
    ]


def _load_lines(results: dict[str, Any]) -> list[str]:
    loads: list[Load] | None = results.get("loads")
    if not loads:
        return []
    base = loads[0].per_second
    lines = [
        f"| page (wrk, {results['connections']} connections) | status | size | req/s "
        "| ratio to /healthz | p50 | p95 | p99 | CPU per request | other CPU | p95 < 200 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for load in loads:
        met = _met(load.requests > 0 and load.p95_ms < TARGETS["page_p95_ms"])
        times = f"{load.p50_ms:.1f} ms | {load.p95_ms:.1f} ms | {load.p99_ms:.1f} ms"
        cpu = f"{load.cpu_ms:.1f} ms"
        if not load.requests:  # wrk measures only the requests answered within the run
            times, cpu = "none answered in the run | — | —", "—"
        lines.append(
            f"| {load.label} (`{load.path}`) | {load.status} | {load.bytes:,} B "
            f"| {load.per_second:,.1f} | {load.per_second / base:.4f} | {times} "
            f"| {cpu} | {load.others_percent:.0f} % "
            f"| {'—' if load is loads[0] else met} |"
        )
    return [*lines, ""]


def _alone_lines(results: dict[str, Any]) -> list[str]:
    found: list[Alone] | None = results.get("alone")
    if not found:
        return []
    lines = [
        "| page alone (in process) | first, cache emptied | its statements "
        f"| then ({len(found[0].samples_ms)} requests) median | slowest | statements "
        "| their time |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in found:
        lines.append(
            f"| {page.label} | {page.first_ms:.0f} ms | {page.first_queries} "
            f"| {page.median_ms:.0f} ms | {max(page.samples_ms):.0f} ms "
            f"| {page.queries} | {page.sql_ms:.0f} ms |"
        )
    return [*lines, ""]


def _recording_lines(results: dict[str, Any]) -> list[str]:
    found: Recording | None = results.get("recording")
    if found is None:
        return []
    on, off = statistics.median(found.connected_ms), statistics.median(found.disconnected_ms)
    return [
        f"Recording, question page GET in process ({found.requests:,} requests each way, "
        f"{found.events_written:,} events written): receivers connected {on:.2f} ms, "
        f"disconnected {off:.2f} ms (medians); **{found.added_us:.0f} µs added per request** "
        f"(< 1 ms: {_met(found.added_us < TARGETS['recording_ms'] * 1000)}). `event_record` "
        f"alone: {found.autocommit_us:.0f} µs per call in autocommit (a commit each, as on a "
        f"page), {found.unflushed_us:.0f} µs so with `synchronous_commit = off`, "
        f"{found.in_transaction_us:.0f} µs inside one transaction.",
        "",
    ]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--burst", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="of the hour's aggregation")
    parser.add_argument("--seconds", type=int, default=10, help="of each wrk run")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--alone", type=int, default=5, help="requests of each page alone")
    parser.add_argument("--requests", type=int, default=200, help="per round of recording")
    parser.add_argument("--rounds", type=int, default=10, help="of recording, each way")
    parser.add_argument("--only", choices=["aggregation", "pages", "recording"], action="append")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    from insights_data import database_url

    workdir = Path(tempfile.mkdtemp(prefix="insights-bench-"))
    env = environment(database_url(), workdir)
    env.update(
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    os.environ.update(env)
    from django.core.management import call_command
    from insights_data import insights_data, prepare

    prepare()
    call_command("collectstatic", interactive=False, verbosity=0)
    data = insights_data(events=args.events, burst=args.burst, seed=args.seed)
    RESULTS.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "data": data, "reference_ms": python_reference_ms(), "load": os.getloadavg()[0],
        "connections": args.connections,
    }  # fmt: skip
    wanted = set(args.only or ["aggregation", "pages", "recording"])
    if "aggregation" in wanted:
        results["aggregation"] = aggregation(data.burst_hour, args.runs)
    if "pages" in wanted:
        owner = data.owners[str(_agency_of(SERVICE))]
        results["alone"] = pages_alone(owner, args.alone)
        results["loads"] = dashboards(env, owner, args.seconds, args.connections)
    if "recording" in wanted:
        results["recording"] = recording(args.requests, args.rounds)
    text = report(results, args)
    plan = results.get("aggregation")
    (RESULTS / "insights.md").write_text(text + "\n", encoding="utf-8")
    if plan is not None:
        (RESULTS / "insights-plan.txt").write_text(plan.plan + "\n", encoding="utf-8")
    print(text)


def _agency_of(slug: str) -> str | None:
    from onegate.catalogue.selectors import catalogue_service_agency

    return catalogue_service_agency(slug=slug)


if __name__ == "__main__":
    started = time.monotonic()
    main()
    say(f"done in {time.monotonic() - started:,.0f} s")
