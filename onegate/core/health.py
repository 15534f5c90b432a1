"""Health checks: each names a part of the system and says whether it answers right now.

``/healthz`` reports on what the web process needs to answer requests. The task worker and the
scheduler are deliberately not checked here: their absence does not stop the site serving pages,
and failing web health for it would make a load balancer pull healthy web servers. Monitor them
on their own (e.g. the age of the oldest READY task, each job lease's ``last_finished_at``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    milliseconds: float
    error: str = ""


@dataclass(frozen=True)
class HealthReport:
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def as_json(self) -> dict[str, Any]:
        failing = [check.name for check in self.checks if not check.ok]
        body: dict[str, Any] = {
            "status": "ok" if not failing else "error",
            "checks": {
                check.name: {
                    "status": "ok" if check.ok else "error",
                    "ms": round(check.milliseconds, 1),
                    **({"error": check.error} if check.error else {}),
                }
                for check in self.checks
            },
        }
        if failing:
            body["failing"] = failing
        return body


def check_database(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """A real round trip: the database must answer a query, not just accept a connection."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise DatabaseError("unexpected answer to SELECT 1")


CHECKS: dict[str, Callable[[], None]] = {"database": check_database}


def run_checks() -> HealthReport:
    results = []
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # a health check reports every failure, whatever its kind
            # The class name only: driver messages can carry host names and user names.
            logger.warning("health check %s failed: %s", name, type(exc).__name__)
            results.append(
                CheckResult(name, False, (time.perf_counter() - started) * 1000, type(exc).__name__)
            )
        else:
            results.append(CheckResult(name, True, (time.perf_counter() - started) * 1000))
    return HealthReport(results)
