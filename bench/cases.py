"""``make bench-cases``: the cases module at a million cases, on PostgreSQL.

What it measures (docs/benchmarks.md records the results and the targets):

1. **the queue page** of a case worker of the biggest agency (immigration, 240,000 cases): the
   real view with its middleware, signed in with a password and the authenticator app, through
   Django's test client in this process (no HTTP server). Six pages (filters, sorts, deep
   pages), each 10 unmeasured then ``PAGE_REQUESTS`` (200) timed one after another: p50, p95 and
   the CPU per request of this process and its database backend. The page's SQL queries are
   counted (the fewest of 5 requests: now and then one also writes the session's last-seen
   time) and must be ``QUEUE_PAGE_QUERIES`` on every page: pinned, a change fails the bench;
2. **"take next"**: 8 processes, each an officer of immigration with its own database
   connection, call ``case_take_next`` as fast as they can for ``--seconds`` (10): cases per
   second, CPU per case, and a check that no case was handed out twice (the cases taken are
   distinct, and no case got two "in review" lines). Every case taken is put back afterwards;
3. **the ETA demo mix** (``onegate/cases/demo.py``): the 40 visitors apply again, in this
   process, while one worker runs as in ``make run`` (started and polling first): share decided
   by the rules, and p50/p95 from "sent" to the rules' decision;
4. **automatic decisions through the worker**: ``--decisions`` (2,000) copies of the mix's sent
   applications get their cases opened (each decision enqueued) and held; ``--workers`` (2)
   worker processes start, and the decisions are released at once: decisions per second from
   the first to the last, CPU per decision (workers and their database backends, start-up left
   out), and the follow-up tasks the decisions enqueued (messages' deliveries, announcements)
   still waiting at the end, which are not run. The baseline, in the same run: the same workers
   running as many tasks that do nothing.

The data comes from ``bench/cases_data.py`` (``make bench-data``), made first if missing (a few
minutes) and reused otherwise. The report is printed and written to ``bench/results/cases.md``
(git-ignored); the numbers in docs/benchmarks.md were copied from there. Everything runs on
127.0.0.1; every process started is stopped; the generated data is left as it was found.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness import environment, percentile, python_reference_ms

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
QUEUE_PAGE_QUERIES = 10  # session, user, scope, catalogue, count, rows, …: pinned
AGENCY = "immigration"
TARGETS = {
    "page_p95_ms": 100,
    "take_per_second": 200,
    "decisions_per_second": 500,
    "mix_share": 0.95,
    "mix_p95_s": 5.0,
}


def say(message: str) -> None:
    print(f"bench/cases: {message}", file=sys.stderr, flush=True)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10, help="of taking next")
    parser.add_argument("--decisions", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes for decisions")
    parser.add_argument("--only", choices=["queue", "take", "mix", "decisions"], action="append")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    from cases_data import database_url

    workdir = Path(tempfile.mkdtemp(prefix="cases-bench-"))
    env = environment(database_url(), workdir)
    env.update(
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    os.environ.update(env)
    from cases_data import cases_data, prepare
    from django.core.management import call_command

    prepare()
    call_command("collectstatic", interactive=False, verbosity=0)
    data = cases_data(cases=args.cases, seed=args.seed)
    reference = python_reference_ms()
    wanted = set(args.only or ["queue", "take", "mix", "decisions"])
    log = RESULTS / "cases-worker.log"
    RESULTS.mkdir(parents=True, exist_ok=True)
    log.write_text("")
    results: dict[str, Any] = {"data": data, "reference_ms": reference, "load": os.getloadavg()[0]}
    workers = data.workers[AGENCY]
    service = next(s.slug for s in data.services if s.agency_slug == AGENCY)
    if "queue" in wanted:
        from cases_queue import queue_pages

        results["queue"] = queue_pages(workers[0], service, say)
    if "take" in wanted:
        from cases_queue import take_next

        results["take"] = take_next(workers, AGENCY, args.seconds, say)
    if "mix" in wanted or "decisions" in wanted:
        from cases_worker import eta_mix

        results["mix"] = eta_mix(env, log, say)
    if "decisions" in wanted:
        from cases_worker import decisions, no_op

        results["decisions"] = decisions(env, args.decisions, args.workers, log, say)
        results["no_op"] = no_op(env, args.decisions, args.workers, log, say)
    text = report(results, args)
    (RESULTS / "cases.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    pinned(results)


def pinned(results: dict[str, Any]) -> None:
    """The queue page's query count is pinned: a change fails the bench (after the report)."""
    counts = {page.queries for page in results.get("queue") or []}
    if counts and counts != {QUEUE_PAGE_QUERIES}:
        raise SystemExit(
            f"bench/cases: the queue page made {sorted(counts)} queries, "
            f"pinned at {QUEUE_PAGE_QUERIES}"
        )


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
        "## Cases at 1,000,000 (issue 9)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {len(os.sched_getaffinity(0))} CPUs, "
        f"Python {platform.python_version()}, PostgreSQL {server}; load average at the start "
        f"{results['load']:.1f}, at the end {os.getloadavg()[0]:.1f}; Python reference loop "
        f"{results['reference_ms']:.0f} ms. Data: {data.cases:,} cases, seed {data.seed}, as of "
        f"{data.as_of} ({how}; {data.seconds:,.0f} s to generate).",
        "",
    ]
    return "\n".join(
        lines + _queue_lines(results) + _take_lines(results) + _worker_lines(results, args)
    )


def _queue_lines(results: dict[str, Any]) -> list[str]:
    pages = results.get("queue")
    if not pages:
        return []
    lines = [
        "| queue page (case worker, immigration) | shows | p50 | p95 | CPU | queries "
        "| p95 < 100 ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for page in pages:
        p95 = page.p(0.95)
        lines.append(
            f"| {page.label} (`{page.query or '/'}`) | {page.shown} | {page.p(0.5):.1f} ms "
            f"| {p95:.1f} ms | {page.cpu_ms:.1f} ms | {page.queries} "
            f"| {_met(p95 < TARGETS['page_p95_ms'])} |"
        )
    return [*lines, ""]


def _take_lines(results: dict[str, Any]) -> list[str]:
    take = results.get("take")
    if take is None:
        return []
    ok = take.per_second >= TARGETS["take_per_second"]
    return [
        f"Take next, 8 processes: **{take.taken:,} cases in {take.seconds:.1f} s = "
        f"{take.per_second:,.0f}/s** (≥ 200/s: {_met(ok)}), {take.cpu_ms:.1f} ms of CPU each "
        f"(processes and their database backends); distinct {take.distinct:,}, handed out "
        f"twice {take.twice_in_database}; per process {', '.join(map(str, take.per_taker))}.",
        "",
    ]


def _worker_lines(results: dict[str, Any], args: argparse.Namespace) -> list[str]:
    lines = []
    mix = results.get("mix")
    if mix is not None:
        p95 = percentile(mix.waits, 0.95)
        lines += [
            f"ETA demo mix, 1 worker: {mix.cases} cases ({mix.stopped} visitors stopped by "
            f"eligibility), outcomes {mix.outcomes}; **{mix.share:.1%} decided automatically** "
            f"(≥ 95 %: {_met(mix.share >= TARGETS['mix_share'])}); sent → decided p50 "
            f"{percentile(mix.waits, 0.5):.2f} s, **p95 {p95:.2f} s**, max {max(mix.waits):.2f} s "
            f"(< 5 s: {_met(p95 < TARGETS['mix_p95_s'])}); the worker's CPU per application "
            f"{mix.cpu_ms:.0f} ms.",
            "",
        ]
    done, base = results.get("decisions"), results.get("no_op")
    if done is None or base is None:
        return lines
    lines += [
        f"| {args.workers} worker processes | tasks | per second | CPU each | "
        "follow-up tasks left waiting |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for item in (done, base):
        lines.append(
            f"| {item.label} | {item.count:,} | {item.per_second:,.0f} | {item.cpu_ms:.1f} ms "
            f"| {item.follow_ups:,} |"
        )
    ratio = done.per_second / base.per_second if base.per_second else 0
    ok = done.per_second >= TARGETS["decisions_per_second"]
    lines += ["", f"Decisions ÷ no-op tasks (same run): {ratio:.2f}; ≥ 500/s: {_met(ok)}.", ""]
    return lines


if __name__ == "__main__":
    started = time.monotonic()
    main()
    say(f"done in {time.monotonic() - started:,.0f} s")
