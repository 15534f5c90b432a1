"""The back office's two hot paths for ``bench/cases.py``: a case worker's queue page, and
"take next" with eight officers at once. Both run in this process (and its forks) on the
million-case bench database; "take next" puts every case it took back as it was.
"""

from __future__ import annotations

import multiprocessing
import time
import uuid
from dataclasses import dataclass
from typing import Any

from harness import percentile

SNAPSHOT = "bench_cases_take_snapshot"
TAKERS = 8
PAGE_REQUESTS, PAGE_WARM_UP, COUNTED = 200, 10, 5


@dataclass(frozen=True)
class PageTiming:
    label: str
    query: str
    samples: list[float]  # milliseconds
    cpu_ms: float  # per request: this process and its database backend
    queries: int
    shown: str  # what the page said it holds (e.g. "1,234 cases")

    def p(self, share: float) -> float:
        return percentile(self.samples, share)


def staff_session(user_id: uuid.UUID) -> str:
    """A signed-in session for the officer, as sign-in with a password and the authenticator
    app leaves it; returns the session key."""
    from importlib import import_module

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from onegate.identity.middleware import LAST_SEEN_KEY, SIGNED_IN_AT_KEY
    from onegate.identity.models import User

    user = User.objects.get(pk=user_id)
    now = time.time()
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            AUTHENTICATION_METHODS_SESSION_KEY: [
                {"method": "password", "at": now, "email": user.email},
                {"method": "mfa", "at": now, "type": "totp"},
            ],
            "account_authentication_methods_user": str(user.pk),
            SIGNED_IN_AT_KEY: now,
            LAST_SEEN_KEY: now,
        }
    )
    session.create()
    return str(session.session_key)


def queue_scenarios(service: str) -> list[tuple[str, str]]:
    """(label, query string) of the pages timed: filters, sorts and a deep page."""
    return [
        ("waiting for an officer, due first (the default)", ""),
        ("one service, referred, due first", f"?service={service}&status=referred"),
        ("overdue only", "?sla=breached"),
        ("assigned to me", "?assigned=me&status=in_review"),
        ("sent, newest first, page 40", "?sort=-sent&page=40"),
        ("all approved, due last, page 400", "?status=approved&sort=-due&page=400"),
    ]


def queue_pages(user_id: uuid.UUID, service: str, say: Any) -> list[PageTiming]:
    """Each scenario: warm-up, then ``PAGE_REQUESTS`` GETs timed one after another, and the
    queries of one more counted."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = staff_session(user_id)
    base = reverse("cases:queue")
    timings = []
    for label, query in queue_scenarios(service):
        url = base + query
        for _ in range(PAGE_WARM_UP):
            _get(client, url)
        samples = []
        cpu_before = own_cpu_seconds()
        for _ in range(PAGE_REQUESTS):
            started = time.perf_counter()
            _get(client, url)
            samples.append((time.perf_counter() - started) * 1000)
        cpu_ms = (own_cpu_seconds() - cpu_before) * 1000 / PAGE_REQUESTS
        counts = []
        for _ in range(COUNTED):
            with CaptureQueriesContext(connection) as counted:
                body = _get(client, url)
            counts.append(len(counted))
        # The fewest: now and then a request also writes the session's last-seen time.
        timing = PageTiming(label, query, samples, cpu_ms, min(counts), _shown(body))
        say(
            f"queue page, {label}: p50 {timing.p(0.5):.1f} ms, p95 {timing.p(0.95):.1f} ms, "
            f"{cpu_ms:.1f} ms CPU, {timing.queries} queries, {timing.shown}"
        )
        timings.append(timing)
    return timings


def own_cpu_seconds() -> float:
    """CPU time of this process and of the database backend serving its connection: on a
    machine shared with other work, the cost that does not depend on the neighbours."""
    from cases_worker import process_cpu_seconds

    backend = _execute("SELECT pg_backend_pid()")[0][0]
    return time.process_time() + process_cpu_seconds(backend)


def _get(client: Any, url: str) -> str:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"bench/cases: {url} answered {response.status_code}")
    return response.content.decode()


def _shown(body: str) -> str:
    import re

    found = re.search(r"([\d,]+\+?) cases?", body)
    return found.group(0) if found else "?"


# --- take next ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TakeNext:
    taken: int
    distinct: int
    seconds: float
    per_taker: list[int]
    twice_in_database: int  # cases with more than one "taken" history line in the run
    cpu_ms: float  # per case taken: the processes and their database backends

    @property
    def per_second(self) -> float:
        return self.taken / self.seconds


def _execute(sql: str, params: Any = None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def take_restore() -> int:
    """Put back every case of the snapshot that "take next" changed; forget the snapshot."""
    _execute(
        f"CREATE TABLE IF NOT EXISTS {SNAPSHOT} (id uuid PRIMARY KEY, status varchar(24), "
        "lock_version integer, status_changed_at timestamptz, updated_at timestamptz, "
        "events_after bigint)"
    )
    _execute(
        f"DELETE FROM cases_caseevent e USING {SNAPSHOT} s "
        "WHERE e.case_id = s.id AND e.id > s.events_after"
    )
    changed = _execute(
        f"UPDATE cases_case c SET status = s.status, lock_version = s.lock_version, "
        "status_changed_at = s.status_changed_at, updated_at = s.updated_at, "
        f"assigned_to_id = NULL, assigned_at = NULL FROM {SNAPSHOT} s "
        "WHERE c.id = s.id AND c.assigned_to_id IS NOT NULL RETURNING c.id"
    )
    _execute(f"TRUNCATE {SNAPSHOT}")
    return len(changed)


def _snapshot(agency: str) -> None:
    take_restore()
    _execute(
        f"INSERT INTO {SNAPSHOT} SELECT id, status, lock_version, status_changed_at, updated_at, "
        "(SELECT coalesce(max(id), 0) FROM cases_caseevent) FROM cases_case "
        "WHERE agency_slug = %s AND status IN ('referred', 'information_received') "
        "AND assigned_to_id IS NULL",
        [agency],
    )


def _taker(args: tuple[uuid.UUID, float, float]) -> tuple[list[str], float, float]:
    """One officer taking cases one after another from ``start`` for ``seconds``."""
    from django.db import connection

    from onegate.cases.services import case_take_next
    from onegate.identity.models import User

    user_id, start, seconds = args
    connection.close()
    actor = User.objects.get(pk=user_id)
    taken: list[str] = []
    time.sleep(max(0.0, start - time.time()))
    cpu = own_cpu_seconds()
    last = time.time()
    while time.time() < start + seconds:
        case = case_take_next(actor=actor)
        if case is None:
            break
        taken.append(str(case.pk))
        last = time.time()
    cpu = own_cpu_seconds() - cpu
    connection.close()
    return taken, last, cpu


def take_next(officers: list[uuid.UUID], agency: str, seconds: float, say: Any) -> TakeNext:
    """``TAKERS`` processes, each an officer with its own connection, take cases at once."""
    from django.db import connection

    _snapshot(agency)
    before = _execute("SELECT coalesce(max(id), 0) FROM cases_caseevent")[0][0]
    connection.close()
    start = time.time() + 2  # every process connected and waiting
    args = [(officer, start, seconds) for officer in officers[:TAKERS]]
    with multiprocessing.get_context("fork").Pool(TAKERS) as pool:
        results = pool.map(_taker, args)
    everything = [case for taken, _last, _cpu in results for case in taken]
    ended = max(last for _taken, last, _cpu in results)
    twice = _execute(
        "SELECT count(*) FROM (SELECT case_id FROM cases_caseevent WHERE id > %s "
        "AND to_status = 'in_review' GROUP BY case_id HAVING count(*) > 1) t",
        [before],
    )[0][0]
    result = TakeNext(
        taken=len(everything),
        distinct=len(set(everything)),
        seconds=ended - start,
        per_taker=[len(taken) for taken, _last, _cpu in results],
        twice_in_database=int(twice),
        cpu_ms=sum(cpu for _taken, _last, cpu in results) * 1000 / max(1, len(everything)),
    )
    restored = take_restore()
    say(
        f"take next: {result.taken:,} cases in {result.seconds:.1f} s "
        f"({result.per_second:,.0f}/s), {result.cpu_ms:.1f} ms CPU each, {result.distinct:,} "
        f"distinct, {restored:,} put back"
    )
    return result
