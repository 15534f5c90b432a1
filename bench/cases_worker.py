"""Automatic decisions through the real worker, for ``bench/cases.py``.

* ``eta_mix``: the demo's 40 ETA visitors (``onegate.cases.demo``) apply again while the
  Procfile's worker runs: the share decided by the rules and the time from "sent" to the
  rules' decision, as a person waits for it.
* ``decisions``: ``count`` copies of the mix's sent applications, their cases opened (each
  enqueues its ``case_decide_automatically_task``) while no worker runs; then the worker
  processes start and decide them all. Decisions per second from the first to the last.
* ``no_op``: the baseline, the same worker processes running as many tasks that do nothing.

Workers are ``manage.py db_worker`` exactly as the Procfile starts it, each in its own process
group, stopped whatever happens. Before each part the bench database's task table is emptied (the
bench database only). The copies are deleted afterwards, so the million cases stay as they were.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import percentile

ROOT = Path(__file__).resolve().parent.parent
COPIES = "bench_cases_copies"
APP_NAME = "bench-cases-worker"
VISITOR_DOMAIN = "@eta.demo.onegate.test"


@dataclass(frozen=True)
class Throughput:
    label: str
    count: int
    seconds: float  # from the first to the last finished
    follow_ups: int  # tasks the work enqueued in turn, still waiting when it was all done
    cpu_ms: float  # workers' and their database backends' CPU per item

    @property
    def per_second(self) -> float:
        return (self.count - 1) / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class MixResult:
    cases: int
    automatic: int
    stopped: int
    outcomes: dict[str, int]
    waits: list[float]  # seconds, sent → the rules' decision
    cpu_ms: float  # the worker's and its backend's, per application sent

    @property
    def share(self) -> float:
        return self.automatic / self.cases if self.cases else 0.0


def _execute(sql: str, params: Any = None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


# --- the workers ------------------------------------------------------------------------------


def worker_command() -> list[str]:
    """The Procfile's worker line."""
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("worker:")
    )
    command = shlex.split(line.removeprefix("worker:"))
    command[0] = sys.executable
    return command


class Workers:
    """``count`` worker processes, started at once, stopped on leaving."""

    def __init__(self, env: dict[str, str], count: int, log: Path) -> None:
        self.env = {**env, "PGAPPNAME": APP_NAME, "PYTHONPATH": str(ROOT / "bench")}
        self.count, self.log = count, log
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Workers:
        with self.log.open("a") as out:
            for _ in range(self.count):
                self.processes.append(
                    subprocess.Popen(
                        worker_command(),
                        cwd=ROOT,
                        env=self.env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        # Ready once each asks the database for work: start-up is not what is measured.
        try:
            _wait(lambda: len(self._backends()) >= self.count, timeout=120, what="worker start")
        except BaseException:
            self.__exit__()
            raise
        self.baseline = self._cpu_each()
        self.started = time.time()
        return self

    def _backends(self) -> list[int]:
        rows = _execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APP_NAME])
        return [row[0] for row in rows]

    def _cpu_each(self) -> dict[int, float]:
        pids = [p.pid for p in self.processes] + self._backends()
        return {pid: process_cpu_seconds(pid) for pid in pids}

    def cpu_seconds(self) -> float:
        """CPU of the worker processes and of the database backends serving them, since they
        were ready."""
        return sum(cpu - self.baseline.get(pid, 0.0) for pid, cpu in self._cpu_each().items())

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


TASKS = "django_tasks_database_dbtaskresult"


def tasks_forget() -> None:
    """Empty the bench database's task table (left by earlier runs or by loading), and vacuum
    it: the dead rows of thousands of tasks would otherwise slow every worker's claim until
    autovacuum came by, which is the bench's doing, not the system's."""
    _execute(f"DELETE FROM {TASKS}")
    _execute(f"VACUUM (ANALYZE) {TASKS}")


def tasks_analyze() -> None:
    """Planner statistics for thousands of tasks just enqueued (autovacuum would take a while)."""
    _execute(f"ANALYZE {TASKS}")


def _wait(done: Any, *, timeout: float, what: str) -> float:
    """Poll ``done()`` every 0.2 s; the time it became true."""
    deadline = time.time() + timeout
    while not done():
        if time.time() > deadline:
            raise SystemExit(f"bench/cases: {what} not done after {timeout:.0f} s")
        time.sleep(0.2)
    return time.time()


def _ready_tasks() -> int:
    """Tasks due now or running (a retry waiting for later does not count)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count() + DBTaskResult.objects.running().count()


# --- the ETA demo mix -------------------------------------------------------------------------


def mix_forget() -> None:
    """Delete the visitors' ETA applications and cases, so the mix applies again."""
    from onegate.cases.models import Case
    from onegate.runner.models import Application

    applications = Application.objects.filter(user__email__endswith=VISITOR_DOMAIN)
    Case.objects.filter(application__in=applications).delete()
    applications.delete()


def eta_mix(env: dict[str, str], log: Path, say: Any) -> MixResult:
    """The mix sent while one worker (as in ``make run``) runs; wait for every case's rules."""
    from onegate.cases.demo import load_demo_eta_applicants
    from onegate.cases.models import Case

    mix_forget()
    tasks_forget()
    with Workers(env, 1, log) as worker:
        mix = load_demo_eta_applicants()
        mine = Case.objects.filter(application__reference__in=mix.sent)
        _wait(
            lambda: (
                mine.count() == len(mix.sent)
                and not mine.filter(status__in=("submitted", "deciding")).exists()
            ),
            timeout=180,
            what="the ETA mix",
        )
        cpu = worker.cpu_seconds()
    rows = list(mine.values_list("decided_how", "status", "submitted_at", "status_changed_at"))
    outcomes: dict[str, int] = {}
    for _how, status, _sent, _at in rows:
        outcomes[status] = outcomes.get(status, 0) + 1
    result = MixResult(
        cases=len(rows),
        automatic=sum(1 for how, *_rest in rows if how == "rules"),
        stopped=len(mix.stopped),
        outcomes=outcomes,
        waits=[(at - sent).total_seconds() for _how, _status, sent, at in rows],
        cpu_ms=cpu * 1000 / max(1, len(rows)),
    )
    say(
        f"ETA mix: {result.automatic}/{result.cases} decided by the rules, sent → decided p50 "
        f"{percentile(result.waits, 0.5):.2f} s, p95 {percentile(result.waits, 0.95):.2f} s"
    )
    return result


# --- many decisions, and the no-op baseline ---------------------------------------------------


def copies_forget() -> None:
    """Delete the copies an earlier run made (their cases first)."""
    _execute(f"CREATE TABLE IF NOT EXISTS {COPIES} (id uuid PRIMARY KEY)")
    cases = f"SELECT id FROM cases_case WHERE application_id IN (SELECT id FROM {COPIES})"
    _execute(f"DELETE FROM cases_caseevent WHERE case_id IN ({cases})")
    _execute(f"DELETE FROM cases_case WHERE application_id IN (SELECT id FROM {COPIES})")
    _execute(f"DELETE FROM runner_application WHERE id IN (SELECT id FROM {COPIES})")
    _execute(f"TRUNCATE {COPIES}")


def _copies(count: int) -> list[str]:
    """``count`` sent applications, copies of the mix's (new ids, references and keys)."""
    import uuid

    from django.utils import timezone

    from onegate.runner.models import Application
    from onegate.runner.references import reference_new

    sent = list(
        Application.objects.filter(
            user__email__endswith=VISITOR_DOMAIN, status="submitted"
        ).order_by("reference")
    )
    skip = {"id", "reference", "submit_token", "created_at", "updated_at", "submitted_at"}
    now = timezone.now()
    made = [
        Application(
            **{
                f.attname: getattr(sent[n % len(sent)], f.attname)
                for f in Application._meta.concrete_fields
                if f.attname not in skip
            },
            id=uuid.uuid4(),
            reference=reference_new(),
            submit_token=uuid.uuid4(),
            submitted_at=now,
        )
        for n in range(count)
    ]
    Application.objects.bulk_create(made, batch_size=500)
    ids = [str(a.pk) for a in made]
    _execute(f"INSERT INTO {COPIES} (id) SELECT unnest(%s::uuid[])", [ids])
    return ids


def _open(ids: list[str]) -> None:
    from django.db import connection

    from onegate.cases.services import cases_open_for_application

    connection.close()
    for application_id in ids:
        cases_open_for_application(application_id=application_id)
    connection.close()


def _open_all(ids: list[str]) -> None:
    """Open the copies' cases in two forked processes (each decision is enqueued with its case)."""
    import multiprocessing

    from django.db import connection

    connection.close()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_open, [ids[0::2], ids[1::2]])


def _hold(hold: bool) -> None:
    """Make the waiting tasks due tomorrow (held), or now (released)."""
    import datetime as dt

    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    when = timezone.now() + dt.timedelta(days=1 if hold else 0)
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=when)


def decisions(env: dict[str, str], count: int, processes: int, log: Path, say: Any) -> Throughput:
    """Open ``count`` cases (their decisions enqueued), then let the workers decide them."""
    copies_forget()
    tasks_forget()
    ids = _copies(count)
    started = time.time()
    _open_all(ids)
    say(f"{count:,} cases opened in {time.time() - started:.0f} s; starting {processes} workers")
    where = f"application_id IN (SELECT id FROM {COPIES})"
    _hold(True)  # the decisions wait until every worker is up, then go at once
    tasks_analyze()
    with Workers(env, processes, log) as workers:
        _hold(False)
        _wait(
            lambda: (
                not _execute(
                    f"SELECT 1 FROM cases_case WHERE {where} AND status IN "
                    "('submitted', 'deciding') LIMIT 1"
                )
            ),
            timeout=600,
            what="the decisions",
        )
        cpu = workers.cpu_seconds()
        follow_ups = _ready_tasks()
        first, last = _execute(
            f"SELECT min(status_changed_at), max(status_changed_at) FROM cases_case WHERE {where}"
        )[0]
        result = Throughput(
            "automatic decisions",
            count,
            (last - first).total_seconds(),
            follow_ups,
            cpu * 1000 / count,
        )
    tasks_forget()  # the messages' deliveries and the announcements: not measured
    copies_forget()
    say(
        f"decisions: {result.per_second:,.0f}/s with {processes} workers, "
        f"{result.cpu_ms:.1f} ms CPU each; {result.follow_ups:,} follow-up tasks waiting"
    )
    return result


def no_op(env: dict[str, str], count: int, processes: int, log: Path, say: Any) -> Throughput:
    """The same workers running ``count`` tasks that do nothing (``cases_noop.bench_noop``)."""
    from cases_noop import bench_noop
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    tasks_forget()
    with Workers(env, processes, log) as workers:
        with transaction.atomic():  # all due at once, when it commits
            for _ in range(count):
                bench_noop.enqueue()
        tasks_analyze()
        _wait(lambda: _ready_tasks() == 0, timeout=600, what="the no-op tasks")
        cpu = workers.cpu_seconds()
        done = DBTaskResult.objects.filter(task_path="cases_noop.bench_noop", status="SUCCESSFUL")
        first, last = _execute(
            "SELECT min(finished_at), max(finished_at) FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = %s",
            ["cases_noop.bench_noop"],
        )[0]
        result = Throughput(
            "no-op task (baseline)",
            done.count(),
            (last - first).total_seconds(),
            0,
            cpu * 1000 / count,
        )
    tasks_forget()
    say(
        f"no-op tasks: {result.per_second:,.0f}/s with {processes} workers, "
        f"{result.cpu_ms:.1f} ms CPU each"
    )
    return result
