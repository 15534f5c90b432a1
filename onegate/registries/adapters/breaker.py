"""A circuit breaker per remote node, kept in Django's cache so every process shares it.

Closed: calls go through; each failed call (after its retries) counts, a success clears the count.
Open: after ``threshold`` failures in a row, calls fail at once, without touching the network,
for ``cooldown`` seconds. Half-open: after the cool-down one call, the probe, goes through
(claimed with ``cache.add`` so only one process probes); its success closes the breaker, its
failure opens it for another cool-down. A probe whose process died frees its claim after a
cool-down. The breaker is advisory: with the database cache its writes are part of the caller's
transaction, and a rolled-back transaction forgets them, which only delays the next opening.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from django.core.cache import cache


class CircuitOpen(Exception):
    """The node failed too often lately; not asking it until ``retry_at`` (epoch seconds)."""

    def __init__(self, node: str, *, retry_at: float) -> None:
        self.node = node
        self.retry_at = retry_at
        super().__init__(node)


class CircuitBreaker:
    """The breaker of one remote node. Cheap to make; the state lives in the cache."""

    def __init__(
        self,
        node: str,
        *,
        threshold: int,
        cooldown: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.node = node
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
        self.clock = clock  # wall-clock time: shared by every process, unlike a monotonic clock
        prefix = f"registries:breaker:{node}:"
        self._failures_key = prefix + "failures"
        self._opened_key = prefix + "opened_at"
        self._probe_key = prefix + "probe"
        self._tripped = False  # this call saw failures or an opening, so success must clear them

    def before_call(self) -> None:
        """Let the call through, or raise ``CircuitOpen``. One cache read when all is well."""
        state = cache.get_many([self._failures_key, self._opened_key])
        self._tripped = bool(state)
        opened_at = state.get(self._opened_key)
        if opened_at is None:
            return
        retry_at = opened_at + self.cooldown
        if self.clock() < retry_at:
            raise CircuitOpen(self.node, retry_at=retry_at)
        if not cache.add(self._probe_key, self.clock(), timeout=self._claim_seconds()):
            raise CircuitOpen(self.node, retry_at=self.clock() + self.cooldown)

    def record_success(self) -> None:
        if self._tripped:
            cache.delete_many([self._failures_key, self._opened_key, self._probe_key])
            self._tripped = False

    def record_failure(self) -> None:
        failures = self._count_failure()
        if failures >= self.threshold:
            cache.set(self._opened_key, self.clock(), timeout=None)
            cache.delete(self._probe_key)
        self._tripped = True

    def state(self) -> str:
        """``closed``, ``open`` or ``half_open``: for operators and tests."""
        opened_at = cache.get(self._opened_key)
        if opened_at is None:
            return "closed"
        return "open" if self.clock() < opened_at + self.cooldown else "half_open"

    def _count_failure(self) -> int:
        cache.add(self._failures_key, 0, timeout=None)
        try:
            return int(cache.incr(self._failures_key))
        except ValueError:  # cleared by a success in another process in between
            cache.set(self._failures_key, 1, timeout=None)
            return 1

    def _claim_seconds(self) -> int:
        return max(1, math.ceil(self.cooldown))
