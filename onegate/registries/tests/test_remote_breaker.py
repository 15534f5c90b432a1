"""The circuit breaker: open after failures in a row, fail fast, one probe after the cool-down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from onegate.registries.adapters.breaker import CircuitBreaker, CircuitOpen


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def breaker(clock: Clock, node: str = "node-b") -> CircuitBreaker:
    """A fresh object each time, as each question makes one: the state is in the cache."""
    return CircuitBreaker(node, threshold=3, cooldown=30, clock=clock)


def fail(clock: Clock, times: int, node: str = "node-b") -> None:
    for _ in range(times):
        call = breaker(clock, node)
        call.before_call()
        call.record_failure()


def test_failures_below_the_threshold_keep_it_closed(clock: Clock) -> None:
    fail(clock, 2)
    breaker(clock).before_call()
    assert breaker(clock).state() == "closed"


def test_a_success_clears_the_count(clock: Clock) -> None:
    fail(clock, 2)
    call = breaker(clock)
    call.before_call()
    call.record_success()
    fail(clock, 2)
    assert breaker(clock).state() == "closed"


def test_failures_in_a_row_open_it_and_calls_fail_fast(clock: Clock) -> None:
    fail(clock, 3)
    assert breaker(clock).state() == "open"
    with pytest.raises(CircuitOpen) as opened:
        breaker(clock).before_call()
    assert opened.value.retry_at == clock.now + 30


def test_after_the_cool_down_one_probe_goes_through_and_others_wait(clock: Clock) -> None:
    fail(clock, 3)
    clock.now += 31
    assert breaker(clock).state() == "half_open"
    breaker(clock).before_call()  # the probe
    with pytest.raises(CircuitOpen):
        breaker(clock).before_call()  # another process, while the probe is out


def test_a_successful_probe_closes_it(clock: Clock) -> None:
    fail(clock, 3)
    clock.now += 31
    probe = breaker(clock)
    probe.before_call()
    probe.record_success()
    assert breaker(clock).state() == "closed"
    fail(clock, 2)  # and the count starts again from nothing
    breaker(clock).before_call()


def test_a_failed_probe_opens_it_for_another_cool_down(clock: Clock) -> None:
    fail(clock, 3)
    clock.now += 31
    fail(clock, 1)
    assert breaker(clock).state() == "open"
    clock.now += 29
    with pytest.raises(CircuitOpen):
        breaker(clock).before_call()
    clock.now += 2
    breaker(clock).before_call()


def test_each_node_has_its_own_breaker(clock: Clock) -> None:
    fail(clock, 3, node="node-b")
    breaker(clock, node="node-c").before_call()
    assert breaker(clock, node="node-c").state() == "closed"
