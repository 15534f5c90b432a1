"""Per-client rate limits in the database: fixed windows of one second and one minute.

Each window is one ``RateCounter`` row, named by the client, the window's length and its number.
One statement counts a request in all its windows at once and returns the counts::

    INSERT INTO credentials_ratecounter (name, hits, ends_at) VALUES (…, 1, …), (…, 1, …)
    ON CONFLICT (name) DO UPDATE SET hits = credentials_ratecounter.hits + 1
    RETURNING name, hits

(PostgreSQL, and SQLite ≥ 3.35.) It runs in its own short transaction, so the counter rows are
locked only for that statement, and every process counts in the same rows: the limit holds
across processes and servers. On PostgreSQL the table is UNLOGGED, so counting writes no WAL and
waits for no flush. Closed windows are deleted by whoever opens a client's next minute window.

This replaced counters in Django's cache: on the database cache (the default) each window cost
four statements and a transaction, and a ``COUNT(*)`` of the cache table for its culling.

Fixed windows let a client send up to twice a limit across a window boundary; the one-second
burst limit keeps that short. A database that fails makes the limit fail *closed*
(``RateLimitUnavailable``, answered 503): failing open would let a flood through exactly when
the system is in trouble.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction

from onegate.credentials.models import RateCounter

logger = logging.getLogger(__name__)

KEY_PREFIX = "ratelimit"
# Windows closed this long ago are deleted (a little slack for clocks of different servers).
KEEP_CLOSED_SECONDS = 60

_table = connection.ops.quote_name(RateCounter._meta.db_table)


class RateLimitUnavailable(Exception):
    """The database holding the counters did not answer: refuse rather than count nothing."""


@dataclass(frozen=True)
class Window:
    seconds: int
    limit: int


def client_windows(checks_per_minute: int) -> tuple[Window, Window]:
    """A relying party's limits: ``checks_per_minute``, and a burst of a tenth a second (≥ 10)."""
    per_minute = max(1, checks_per_minute)
    return Window(1, max(10, math.ceil(per_minute / 10))), Window(60, per_minute)


def rate_limit_hit(*, key: str, windows: Sequence[Window], now: float | None = None) -> int | None:
    """Count one request for ``key``; the seconds to wait if a window is full, else None.

    Raises ``RateLimitUnavailable`` if the database fails.
    """
    if not windows:
        return None
    moment = time.time() if now is None else now
    numbered = [(window, int(moment // window.seconds)) for window in windows]
    names = [f"{KEY_PREFIX}:{key}:{window.seconds}:{number}" for window, number in numbered]
    ends = [(number + 1) * window.seconds for window, number in numbered]
    counts = _increment(names, ends)
    wait: int | None = None
    for (window, _number), name, end in zip(numbered, names, ends, strict=True):
        if counts[name] > window.limit:
            wait = max(wait or 0, math.ceil(end - moment), 1)
    longest = max(range(len(numbered)), key=lambda i: numbered[i][0].seconds)
    if counts[names[longest]] == 1:  # this client's first request in a new longest window
        _forget_closed(before=int(moment) - KEEP_CLOSED_SECONDS)
    return wait


def _increment(names: list[str], ends: list[int]) -> dict[str, int]:
    rows = ", ".join(["(%s, 1, %s)"] * len(names))
    sql = (
        f"INSERT INTO {_table} (name, hits, ends_at) VALUES {rows} "  # noqa: S608 (model names)
        f"ON CONFLICT (name) DO UPDATE SET hits = {_table}.hits + 1 RETURNING name, hits"
    )
    params: list[str | int] = []
    for name, end in zip(names, ends, strict=True):
        params += [name, end]
    try:
        # Called inside a transaction (a test, a page in ATOMIC_REQUESTS), a failure must not
        # break the caller's transaction: a savepoint. Otherwise (the API) no BEGIN and COMMIT.
        savepoint = transaction.atomic() if connection.in_atomic_block else nullcontext()
        with savepoint, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {name: int(hits) for name, hits in cursor.fetchall()}
    except DatabaseError as exc:
        # The names name a client; the error's type is enough to find the fault.
        logger.error("rate limit: the database failed (%s)", type(exc).__name__)
        raise RateLimitUnavailable from exc


def _forget_closed(*, before: int) -> None:
    try:
        RateCounter.objects.filter(ends_at__lt=before).delete()
    except DatabaseError as exc:  # the next client's new window tries again
        logger.warning("rate limit: closed windows not deleted (%s)", type(exc).__name__)
