"""The outbox under load, and the worker killed mid-batch: does every message arrive, once?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/notify_dev .venv/bin/python bench/notify.py \
        [--rate 100] [--seconds 60] [--kill-messages 3000] [--kills 3]

What it does (docs/benchmarks.md explains the method and records the results):

1. creates the PostgreSQL database if it is missing and migrates it;
2. starts an SMTP server (aiosmtpd, in this process) that records each email's arrival time and
   Message-ID, then the real worker and scheduler as the Procfile runs them (``manage.py
   db_worker``, ``manage.py scheduler``), pointed at that server;
3. **throughput**: commits ``--rate`` messages a second for ``--seconds`` seconds, each
   ``message_send`` in its own transaction, and measures from each commit to its arrival at the
   SMTP server (p50, p99, max) and the sustained rate; the target is 100/s with p99 < 5 s;
4. **kill test**: commits ``--kill-messages`` messages at the same rate and, ``--kills`` times,
   waits until the worker holds messages in SENDING, kills it with SIGKILL and starts a new one;
   then waits for the sweep to hand back what the dead workers held and counts the unique
   Message-IDs the server received: zero lost, and at most one repeat per kill, with the same ID;
5. prints a markdown report and writes it to ``bench/results/notify.md`` (git-ignored).

Everything runs on 127.0.0.1; every process it starts is stopped, whatever happens.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness import percentile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/notify_dev"
EVENT = "bench.notice"
LEASE_SECONDS = 10  # short, so the kill test does not wait a minute per kill
DRAIN_TIMEOUT = 120.0
PRODUCERS = 2


# --- the SMTP server that counts ----------------------------------------------------------------


class Recorder:
    """aiosmtpd handler: appends "arrival time<TAB>Message-ID" for every email accepted.

    It runs in a process of its own (``--serve-smtp``), so the producers' threads in the main
    process do not slow its answers down.
    """

    def __init__(self, path: Path) -> None:
        self.out = path.open("a", encoding="utf-8")

    async def handle_DATA(self, server, session, envelope):
        at = time.time()
        message_id = ""
        for line in envelope.content.split(b"\r\n"):
            if not line:
                break
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode()
        self.out.write(f"{at}\t{message_id}\n")
        self.out.flush()
        return "250 Message accepted for delivery"


@dataclass
class ArrivalLog:
    """The main process's view of what the SMTP server received."""

    path: Path

    def snapshot(self) -> list[tuple[float, str]]:
        found = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            at, _, message_id = line.partition("\t")
            if message_id:
                found.append((float(at), message_id))
        return found


def serve_smtp(port: int, path: Path) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(Recorder(path), hostname="127.0.0.1", port=port)
    controller.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    while not stopped.is_set():
        time.sleep(0.2)
    controller.stop()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- processes ------------------------------------------------------------------------------------


def environment(url: str, smtp_port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "NOTIFY_LEASE_SECONDS": str(LEASE_SECONDS),
        "NOTIFY_FIRST_RETRY_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }
    if not env.get("SECRET_KEY") and not (ROOT / "var" / "secret_key").exists():
        env["SECRET_KEY"] = os.urandom(48).hex()
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def start(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, start_new_session=True
    )


WORKER = ("db_worker", "--queue-name", "*", "--interval", "0.5", "--no-reload", "--verbosity", "0")


def stop(process: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def create_database(url: str) -> str:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    libpq = parts._replace(scheme="postgresql").geturl()
    name = parts.path.lstrip("/")
    with psycopg.connect(libpq, dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        version = conn.execute("SHOW server_version").fetchone()
        return f"PostgreSQL {version[0] if version else '?'}"


# --- the producer ---------------------------------------------------------------------------


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()
    from onegate.notify.templates import message_template_register

    message_template_register(
        event=EVENT,
        placeholders=("n",),
        subject={"en": "Benchmark message {n}", "th": "ข้อความทดสอบ {n}"},
        body={"en": "This is message {n}.", "th": "นี่คือข้อความที่ {n}"},
        inbox=False,
    )


def produce_one(
    count: int, rate: float, committed: dict[str, float], tag: str, offset: int, every: int
) -> None:
    """One producer: messages offset, offset + every, ... on the shared schedule."""
    from django.db import close_old_connections, transaction

    from onegate.notify.services import message_send

    start_at = time.monotonic()
    for n in range(offset, count, every):
        pause = start_at + n / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        with transaction.atomic():
            [message] = message_send(
                event=EVENT, context={"n": f"{tag}-{n}"}, to_email=f"person{n}@bench.invalid"
            )
        committed[message.message_id] = time.time()
    close_old_connections()


def producer_process(
    env: dict[str, str], count: int, rate: float, tag: str, offset: int, every: int, pipe: Any
) -> None:
    """A producer process (spawned: its own interpreter, its own database connection)."""
    django_setup(env)
    committed: dict[str, float] = {}
    pipe.send("ready")
    pipe.recv()  # everyone starts together
    produce_one(count, rate, committed, tag, offset, every)
    pipe.send((committed, time.process_time()))


def produce(
    env: dict[str, str], count: int, rate: float, committed: dict[str, float], tag: str
) -> tuple[float, float]:
    """Commit ``count`` messages at ``rate`` a second from ``PRODUCERS`` processes (one Python
    process cannot commit 100 a second on this machine); record each Message-ID's commit time.
    Returns (seconds taken, the producers' CPU seconds)."""
    context = multiprocessing.get_context("spawn")
    pipes, processes = [], []
    for i in range(PRODUCERS):
        mine, theirs = context.Pipe()
        process = context.Process(
            target=producer_process, args=(env, count, rate, tag, i, PRODUCERS, theirs)
        )
        process.start()
        pipes.append(mine)
        processes.append(process)
    for pipe in pipes:
        pipe.recv()  # set up
    start_at = time.monotonic()
    for pipe in pipes:
        pipe.send("go")
    cpu = 0.0
    for pipe in pipes:
        theirs_committed, theirs_cpu = pipe.recv()
        committed.update(theirs_committed)
        cpu += theirs_cpu
    took = time.monotonic() - start_at
    for process in processes:
        process.join()
    return took, cpu


def fresh_start() -> None:
    """Leave nothing from an earlier run for the worker: its unsent benchmark messages and the
    delivery tasks a stopped run left queued."""
    from django_tasks_db.models import DBTaskResult

    from onegate.notify.models import Message
    from onegate.notify.tasks import message_deliver

    Message.objects.filter(event=EVENT, status__in=["queued", "sending"]).update(status="failed")
    DBTaskResult.objects.filter(task_path=message_deliver.module_path).delete()


def wait_for(recorder: ArrivalLog, wanted: set[str], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if wanted <= {mid for _, mid in recorder.snapshot()}:
            return True
        time.sleep(0.5)
    return False


# --- the two measurements -----------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def throughput(
    args: argparse.Namespace, recorder: ArrivalLog, env: dict[str, str], pids: tuple[int, int]
) -> list[str]:
    worker_pid, scheduler_pid = pids
    committed: dict[str, float] = {}
    count = int(args.rate * args.seconds)
    worker_cpu, scheduler_cpu = cpu_seconds(worker_pid), cpu_seconds(scheduler_pid)
    took, own_cpu = produce(env, count, args.rate, committed, "t")
    arrived = wait_for(recorder, set(committed), DRAIN_TIMEOUT)
    worker_cpu = cpu_seconds(worker_pid) - worker_cpu
    scheduler_cpu = cpu_seconds(scheduler_pid) - scheduler_cpu
    first_arrival: dict[str, float] = {}
    for at, mid in recorder.snapshot():
        if mid in committed:
            first_arrival.setdefault(mid, at)
    latencies = [first_arrival[mid] - committed[mid] for mid in first_arrival]
    window = max(first_arrival.values()) - min(committed.values())
    return [
        "### Throughput",
        "",
        f"- committed {count} messages in {took:.1f} s ({count / took:.1f}/s offered)",
        f"- arrived at the SMTP server: {len(first_arrival)} of {count}"
        + ("" if arrived else " (**some did not arrive in time**)"),
        f"- sustained: {len(first_arrival) / window:.1f} messages/s from first commit to last "
        "arrival",
        f"- commit to handed-to-SMTP: p50 {statistics.median(latencies):.2f} s, "
        f"p99 {percentile(latencies, 0.99):.2f} s, max {max(latencies):.2f} s "
        f"(target p99 < 5 s: {'met' if percentile(latencies, 0.99) < 5 else '**missed**'})",
        f"- CPU per message: worker {worker_cpu / count * 1000:.1f} ms, producer (message_send) "
        f"{own_cpu / count * 1000:.1f} ms, scheduler (the sweep, audit chaining) "
        f"{scheduler_cpu / count * 1000:.1f} ms; load average after: "
        f"{os.getloadavg()[0]:.1f}",
        "",
    ]


def held_by_worker() -> int:
    from onegate.notify.models import Message

    return Message.objects.filter(status="sending", event=EVENT).count()


def kill_test(
    args: argparse.Namespace, recorder: ArrivalLog, env: dict[str, str], box: dict[str, object]
) -> list[str]:
    committed: dict[str, float] = {}
    producer = threading.Thread(
        target=produce, args=(env, args.kill_messages, args.rate, committed, "k"), daemon=True
    )
    producer.start()
    kills, seen_sending = 0, []
    time.sleep(2)
    while kills < args.kills and producer.is_alive():
        held = held_by_worker()
        if held:
            stop(box["worker"], signal.SIGKILL)  # type: ignore[arg-type]
            seen_sending.append(held)
            kills += 1
            box["worker"] = start(env, *WORKER)
            time.sleep(max(1.0, args.kill_messages / args.rate / (args.kills + 1)))
        else:
            time.sleep(0.01)
    producer.join()
    arrived = wait_for(recorder, set(committed), DRAIN_TIMEOUT + LEASE_SECONDS * kills)
    counts = Counter(mid for _, mid in recorder.snapshot() if mid in committed)
    lost = len(set(committed) - set(counts))
    repeats = sum(n - 1 for n in counts.values())
    most = max(counts.values()) if counts else 0
    return [
        "### Kill test",
        "",
        f"- committed {len(committed)} messages; SIGKILLed the worker {kills} times, each while "
        f"it held messages in SENDING (held: {', '.join(map(str, seen_sending))}), and "
        "restarted it at once",
        f"- unique Message-IDs received: {len(counts)}; **lost: {lost}**"
        + ("" if arrived else " (waited too long)"),
        f"- repeats: {repeats} (at most one per kill allowed: "
        f"{'met' if repeats <= kills else '**missed**'}); most copies of one message: {most}; "
        "a repeat is counted by its Message-ID, so every repeat carried the same ID",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--kill-messages", type=int, default=3000)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--serve-smtp", nargs=2, metavar=("PORT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_smtp:
        serve_smtp(int(args.serve_smtp[0]), Path(args.serve_smtp[1]))
        return
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    version = create_database(url)
    RESULTS.mkdir(exist_ok=True)
    arrivals = RESULTS / "notify-arrivals.tsv"
    arrivals.write_text("", encoding="utf-8")
    recorder = ArrivalLog(arrivals)
    smtp_port = free_port()
    smtp = subprocess.Popen(
        [sys.executable, __file__, "--serve-smtp", str(smtp_port), str(arrivals)],
        start_new_session=True,
    )
    try:
        report = run(args, url, version, recorder, smtp_port)
    finally:
        stop(smtp)
    print(report)
    (RESULTS / "notify.md").write_text(report + "\n", encoding="utf-8")


def run(
    args: argparse.Namespace, url: str, version: str, recorder: ArrivalLog, smtp_port: int
) -> str:
    time.sleep(2)  # the SMTP server starts
    env = environment(url, smtp_port)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "createcachetable")
    django_setup(env)
    fresh_start()
    box: dict[str, object] = {"worker": start(env, *WORKER)}
    scheduler = start(env, "scheduler")
    try:
        time.sleep(3)  # the worker and scheduler start
        lines = [
            f"## Outbox benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            "",
            f"- machine: {platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}",
            f"- database: {version} on {urlsplit(url).hostname}; one `db_worker` "
            f"(interval 0.5 s), one `scheduler`; lease {LEASE_SECONDS} s; "
            f"rate {args.rate:g}/s; load average before: {os.getloadavg()[0]:.1f} "
            "(the machine is shared)",
            "",
        ]
        worker_pid = box["worker"].pid  # type: ignore[attr-defined]
        lines += throughput(args, recorder, env, (worker_pid, scheduler.pid))
        lines += kill_test(args, recorder, env, box)
    finally:
        stop(box["worker"])  # type: ignore[arg-type]
        stop(scheduler)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
