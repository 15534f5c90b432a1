"""``python bench/definitions.py``: service definitions compiled, decided on, and published live.

What it measures (docs/benchmarks.md records the results, docs/service-definitions.md the
language):

1. **compile** — ``definition_compile`` of a generated 50-page definition (six fields a page of
   mixed types, page and field conditions, validations with translated messages, computed
   values, eligibility and decision rules, two rules tests): median and p95 over ``--runs``
   runs, target < 500 ms. Baseline, timed in the same run: ``yaml.safe_load`` of the same text
   (the parse every compile starts with), and libyaml's C loader for comparison.
   ``definition_check`` (compile and the rules tests, what publishing runs) is timed as well.
2. **rules** — the electronic travel authority's eligibility rules, then (when eligible) its
   ordered decision rules, for a seeded mix of applicants (most approved; some declared
   convictions, yellow fever without a certificate, coming to work; some passports expiring
   within 6 months of arrival, some from a country without visa waiver), one after another in one
   process pinned to one CPU: applications/s, target ≥ 5,000. Baseline in the same run: the same
   loop building only the applicants' Python dicts and ``RuleInputs``.
3. **publish** — two web servers, each the Procfile's own granian line (2 workers each), on a
   PostgreSQL database (``DATABASE_URL``, default ``demo_dev`` on 127.0.0.1, created, migrated
   and loaded with the demo catalogue and definitions if needed). Each round publishes a new
   version of the travel authority with a changed English title (in this process, through
   ``definition_draft_save`` and ``definition_publish`` as the platform) and then polls the
   public service page on both servers, one request after another, until every server has
   answered with the new title ``--streak`` times in a row; *visible* is the time from the
   publish's commit to the first answer of the last server's final streak. The pages are asked
   for without pause before each publish too, so it lands at a random moment of each process's
   catalogue check (``CATALOGUE_REVISION_CHECK_SECONDS``, 1 s by default). Target < 2 s.

A fixed Python loop is timed too, to tell a slower machine (or a busier moment) from slower
code. Traffic goes to 127.0.0.1 only; the servers are stopped whatever happens.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import (
    database_create,
    environment,
    free_port,
    granian_command,
    percentile,
    python_reference_ms,
    wait_until_up,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/demo_dev"
ETA_FILE = ROOT / "onegate/definitions/data/services/electronic-travel-authority.yaml"
ETA_SLUG = "electronic-travel-authority"
ETA_TITLE = "  en: Apply for an electronic travel authority\n"
TARGET_COMPILE_MS = 500
TARGET_APPLICATIONS = 5_000
TARGET_VISIBLE_S = 2.0
TODAY = dt.date(2026, 12, 1)
WAIVER = ("GBR", "JPN", "DEU", "FRA", "USA", "AUS", "KOR", "SGP", "NLD", "SWE")


def say(message: str) -> None:
    print(f"bench/definitions: {message}", file=sys.stderr, flush=True)


# --- 1. a generated 50-page definition, compiled --------------------------------------------


def _text(english: str) -> dict[str, str]:
    return {"en": english, "th": f"{english} (ภาษาไทย)"}


def _page(i: int) -> dict[str, Any]:
    """Six fields of mixed types, a condition on the page and one on a field, validations."""
    p = f"p{i}"
    extra_types = ("email", "phone", "money", "select", "checkboxes", "address", "thai_id")
    extra: dict[str, Any] = {"id": f"{p}_extra", "type": extra_types[i % 7], "label": _text("X")}
    if extra["type"] in ("select", "checkboxes"):
        extra["options"] = [{"value": v, "label": _text(v)} for v in ("red", "green", "blue")]
    page: dict[str, Any] = {
        "id": f"page_{i}",
        "title": _text(f"Page {i}"),
        "fields": [
            {
                "id": f"{p}_name", "type": "text", "label": _text("Name"), "max_length": 80,
                "validations": [{"rule": f"size(answers.{p}_name) >= 2",
                                 "message": _text("Enter at least 2 characters")}],
            },
            {
                "id": f"{p}_count", "type": "number", "label": _text("How many"), "min": 0,
                "max": 100, "validations": [{"rule": f"answers.{p}_count != 13",
                                             "message": _text("Not 13")}],
            },
            {"id": f"{p}_when", "type": "date", "label": _text("When"), "not_after": "today()"},
            {"id": f"{p}_flag", "type": "yes_no", "label": _text("Yes or no")},
            {
                "id": f"{p}_choice", "type": "radios", "label": _text("Choose"),
                "condition": f"answers.{p}_flag",
                "options": [{"value": v, "label": _text(v)} for v in ("a", "b", "c")],
            },
            extra,
        ],
    }  # fmt: skip
    if i:
        page["condition"] = f"answers.p{i - 1}_flag || answers.p0_count > {i}"
    return page


def generated_definition(pages: int = 50) -> str:
    """A whole definition of ``pages`` pages, as YAML text."""
    import yaml

    last = f"p{pages - 1}"
    # p0_count above the page count shows every page (each page's condition reads it)
    answers = {"p0_name": "Somchai", "p0_count": 50, "p0_flag": True, "p0_choice": "b"}
    data = {
        "service": "generated-bench-service", "title": _text("Generated"),
        "summary": _text("A generated definition"), "agency": "immigration",
        "level_of_assurance": "substantial",
        "pages": [_page(i) for i in range(pages)],
        "computed": [{"id": "total", "expression": f"answers.p0_count + answers.{last}_count"}],
        "eligibility": [{"id": "counted", "rule": "answers.p0_count >= 0",
                         "reason": _text("Count something")}],
        "decision": {
            "rules": [
                {"id": "many", "when": "computed.total > 150", "outcome": "refer",
                 "reason": _text("Many")},
                {"id": "chose_c", "when": "answers.p0_flag && answers.p0_choice == \"c\"",
                 "outcome": "refuse", "reason": _text("C")},
            ],
            "otherwise": {"outcome": "approve", "reason": _text("Fine")},
        },
        "sla_working_days": 5,
        "performance": {"paper_cost": 100, "paper_days": 5, "digital_cost": 10},
        "retention": {"keep_days_after_closing": 365},
        "tests": [
            {"name": "approved", "today": TODAY,
             "answers": {**answers, f"{last}_count": 10}, "expect_outcome": "approve"},
            {"name": "referred", "today": TODAY,
             "answers": {**answers, f"{last}_count": 99, "p0_count": 99},
             "expect_outcome": "refer", "expect_rule": "many"},
        ],
    }  # fmt: skip

    class NoAliases(yaml.SafeDumper):
        """Every repeated text written out in full: definitions refuse YAML aliases."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

    return yaml.dump(data, Dumper=NoAliases, allow_unicode=True, sort_keys=False)


@dataclass(frozen=True)
class Timing:
    label: str
    samples_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 0.95)


def timed(label: str, runs: int, work: Callable[[], Any]) -> Timing:
    work()  # warm: imports, CEL's first compile
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(label, samples)


def bench_compile(runs: int) -> tuple[list[Timing], int]:
    import yaml

    from onegate.definitions.language import definition_check, definition_compile
    from onegate.definitions.language.compiler import definition_compile_forget

    def compile_afresh() -> Any:
        definition_compile_forget()  # a kept result would time a dictionary lookup
        return definition_compile(source)

    def check_afresh() -> Any:
        definition_compile_forget()
        return definition_check(source)

    source, fast = generated_definition(), yaml.CSafeLoader
    problems = definition_check(source)
    if problems:
        raise SystemExit("the generated definition is not valid:\n" + "\n".join(map(str, problems)))
    timings = [
        timed("`yaml.safe_load` (baseline)", runs, lambda: yaml.safe_load(source)),
        timed("`yaml.load`, libyaml's `CSafeLoader`", runs, lambda: yaml.load(source, fast)),
        timed("`definition_compile`", runs, compile_afresh),
        timed("`definition_check` (compile + rules tests)", runs, check_afresh),
    ]
    return timings, len(source)


# --- 2. the travel authority's rules over a seeded mix of applicants --------------------------


@dataclass(frozen=True)
class Applicant:
    nationality: str
    passport_days: int  # passport expiry, days after arrival
    arrival_in: int  # days from today
    stay: int
    purpose: str
    convicted: bool
    yellow_fever: bool


def applicants(count: int, seed: int = 7) -> list[Applicant]:
    """Most are approved; 3 % declare a conviction, 2 % yellow fever without a certificate, 1 %
    come to work, 3 % hold a passport expiring too soon, 2 % are not from a waiver country."""
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        roll = rng.random()
        made.append(
            Applicant(
                nationality="IND" if 0.97 <= roll < 0.99 else rng.choice(WAIVER),
                passport_days=rng.randint(30, 150) if roll < 0.03 else rng.randint(400, 3600),
                arrival_in=rng.randint(1, 300),
                stay=rng.randint(2, 90),
                purpose="work" if 0.03 <= roll < 0.04 else rng.choice(("tourism", "family")),
                convicted=0.04 <= roll < 0.07,
                yellow_fever=0.07 <= roll < 0.09,
            )
        )
    return made


def rule_inputs(applicant: Applicant) -> Any:
    """The dicts the runner would hand the rules for one application (the baseline's work)."""
    from onegate.definitions.language import RuleInputs

    arrival = TODAY + dt.timedelta(days=applicant.arrival_in)
    facts = {
        "passport": {
            "number": "X1234567",
            "expires_on": arrival + dt.timedelta(days=applicant.passport_days),
            "issuing_state": applicant.nationality,
            "document_type": "P",
            "status": "valid",
        },
        "nationality": applicant.nationality,
        "date_of_birth": dt.date(1990, 1, 1),
    }
    answers = {
        "arrival_date": arrival,
        "departure_date": arrival + dt.timedelta(days=applicant.stay),
        "purpose": applicant.purpose,
        "accommodation": "hotel",
        "email": "visitor@example.com",
        "convicted": applicant.convicted,
        "yellow_fever_country": applicant.yellow_fever,
        "yellow_fever_vaccinated": False,
        "declaration": True,
    }
    if applicant.convicted:
        answers["conviction_details"] = "A driving offence in 2015, fined."
    return RuleInputs(answers=answers, facts=facts, today=TODAY)


@dataclass(frozen=True)
class RulesRun:
    applications: int
    rules_per_s: float
    shared_per_s: float  # rules_evaluate: eligibility and decision on one converted context
    rules_per_cpu_s: float  # per second of this process's CPU time: what the neighbours hardly move
    baseline_per_s: float
    outcomes: Counter[str]
    cpu: int


def pin_to_one_cpu() -> int:
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def bench_rules(count: int) -> RulesRun:
    from onegate.definitions.language import (
        decision_evaluate,
        definition_compile,
        eligibility_evaluate,
        rules_evaluate,
    )

    compiled = definition_compile(ETA_FILE.read_text(encoding="utf-8"))
    people = applicants(count)
    cpu = pin_to_one_cpu()
    outcomes: Counter[str] = Counter()

    def decide_all() -> None:
        outcomes.clear()
        for person in people:
            inputs = rule_inputs(person)
            eligibility = eligibility_evaluate(compiled, inputs)
            if not eligibility.eligible:
                outcomes[f"ineligible: {eligibility.failed_rule}"] += 1
                continue
            decision = decision_evaluate(compiled, inputs)
            outcomes[f"{decision.outcome}: {decision.rule}"] += 1

    def decide_all_shared() -> None:
        for person in people:
            rules_evaluate(compiled, rule_inputs(person))

    def build_only() -> None:
        for person in people:
            rule_inputs(person)

    decide_all()  # warm
    rules_wall, rules_cpu = min(_seconds(decide_all) for _ in range(3))
    shared_wall, _ = min(_seconds(decide_all_shared) for _ in range(3))
    baseline_s, _ = min(_seconds(build_only) for _ in range(3))
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    return RulesRun(
        count,
        count / rules_wall,
        count / shared_wall,
        count / rules_cpu,
        count / baseline_s,
        outcomes,
        cpu,
    )


def _seconds(work: Callable[[], None]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``work``."""
    started, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - started, time.process_time() - cpu


# --- 3. publish, then the next request on every web process ----------------------------------


def prepare_database() -> None:
    from django.core.management import call_command

    say("migrate, createcachetable, collectstatic, load_catalogue, load_demo_definitions")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_catalogue", verbosity=0)
    call_command("load_demo_definitions", verbosity=0)


def publish_retitled(marker: str) -> float:
    """Publish the travel authority with ``marker`` in its title; the moment it committed."""
    from onegate.definitions.services import definition_draft_save, definition_publish

    source = ETA_FILE.read_text(encoding="utf-8")
    source = source.replace(ETA_TITLE, f"  en: Apply for an electronic travel authority {marker}\n")
    draft = definition_draft_save(actor=None, source=source, note=f"bench {marker}")
    definition_publish(actor=None, version=draft, note=f"bench {marker}")
    return time.monotonic()


def page_has(port: int, marker: str) -> bool:
    url = f"http://127.0.0.1:{port}/services/{ETA_SLUG}/"
    with urllib.request.urlopen(url, timeout=10) as answer:
        return marker in answer.read().decode("utf-8", errors="replace")


def keep_busy(ports: list[int], seconds: float) -> None:
    """Ask both servers for the service page, one request after another, for ``seconds``."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        for port in ports:
            page_has(port, "")


def wait_visible(ports: list[int], marker: str, published: float, streak: int) -> float:
    """Seconds from the publish to the first answer of the last server's final streak."""
    runs = dict.fromkeys(ports, 0)
    started_at: dict[int, float] = {}
    deadline = published + 30
    while min(runs.values()) < streak:
        if time.monotonic() > deadline:
            raise SystemExit(f"bench/definitions: {marker} not visible on every server in 30 s")
        for port in ports:
            asked = time.monotonic()
            if not page_has(port, marker):
                runs[port] = 0
                continue
            if runs[port] == 0:
                started_at[port] = asked
            runs[port] += 1
    return max(started_at.values()) - published


def bench_publish(env: dict[str, str], rounds: int, streak: int) -> list[float]:
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(granian_command(port), cwd=ROOT, env=env, start_new_session=True)
        for port in ports
    ]
    try:
        for port in ports:
            wait_until_up(port, name="definitions")
        keep_busy(ports, 3.0)  # every worker has built its pages once, as on a running site
        rng, seconds = random.Random(11), []
        for number in range(1, rounds + 1):
            # Traffic right up to the publish, which lands at a random moment of each process's
            # catalogue check interval (a quiet pause would make every check due at once).
            keep_busy(ports, rng.uniform(0.5, 1.5))
            marker = f"bench-{number}-{secrets.token_hex(3)}"
            seconds.append(wait_visible(ports, marker, publish_retitled(marker), streak))
            say(f"round {number}: visible on both servers after {seconds[-1] * 1000:.0f} ms")
        return seconds
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)


# --- the report -------------------------------------------------------------------------------


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def report_compile(timings: list[Timing], size: int) -> None:
    baseline = timings[0].median
    print(f"\n**Compile** a generated 50-page definition ({size:,} characters of YAML):\n")
    print("| step | median | p95 | ratio to `yaml.safe_load` | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    for timing in timings:
        target = f"< {TARGET_COMPILE_MS} ms" if "compile`" in timing.label else "—"
        print(
            f"| {timing.label} | {timing.median:.1f} ms | {timing.p95:.1f} ms "
            f"| {timing.median / baseline:.1f} | {target} |"
        )


def report_rules(result: RulesRun) -> None:
    print(f"\n**Rules**: {result.applications:,} applications on CPU {result.cpu}:\n")
    print("| loop | applications/s | target |")
    print("| --- | ---: | --- |")
    baseline = f"{result.baseline_per_s:,.0f}"
    print(f"| building the dicts and `RuleInputs` only (baseline) | {baseline} | — |")
    print(f"| eligibility, then decision | {result.rules_per_s:,.0f} | ≥ {TARGET_APPLICATIONS:,} |")
    print(f"| the same, per second of CPU time | {result.rules_per_cpu_s:,.0f} | — |")
    shared = f"{result.shared_per_s:,.0f}"
    print(f"| both at once (`rules_evaluate`) | {shared} | ≥ {TARGET_APPLICATIONS:,} |")
    rules_only = 1 / (1 / result.rules_per_s - 1 / result.baseline_per_s)
    print(f"\nRules alone (the baseline's time taken out): {rules_only:,.0f} applications/s.")
    mix = ", ".join(f"{name} {count:,}" for name, count in sorted(result.outcomes.items()))
    print(f"Outcomes: {mix}.")


def report_publish(seconds: list[float], streak: int) -> None:
    shown = ", ".join(f"{value * 1000:.0f}" for value in seconds)
    print(
        f"\n**Publish → visible** on 2 servers of 2 granian workers each ({streak} new answers "
        f"in a row from each server): {shown} ms; median "
        f"{statistics.median(seconds) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms "
        f"(target < {TARGET_VISIBLE_S:.0f} s)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("all", "compile", "rules", "publish"), default="all")
    parser.add_argument("--runs", type=int, default=30, help="compile runs")
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5, help="publish rounds")
    parser.add_argument("--streak", type=int, default=6, help="new answers in a row per server")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="definitions-bench-"))
    env = environment(options.database_url, workdir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {len(os.sched_getaffinity(0))} CPUs "
        f"({cpu_model()})."
    )
    if options.only in ("all", "compile"):
        conditions()
        report_compile(*bench_compile(options.runs))
    if options.only in ("all", "rules"):
        conditions()
        report_rules(bench_rules(options.applications))
    if options.only in ("all", "publish"):
        database_create(options.database_url, say)
        prepare_database()
        conditions()
        report_publish(bench_publish(env, options.rounds, options.streak), options.streak)


def conditions() -> None:
    """The machine's state before a part: the load average and the Python reference loop."""
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\n({dt.datetime.now(dt.UTC):%H:%M} UTC: load average {load}; Python reference loop "
        f"{python_reference_ms():.0f} ms.)"
    )


if __name__ == "__main__":
    main()
