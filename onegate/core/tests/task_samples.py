"""Tasks for the background-work tests, importable by dotted path as the worker requires.

The worker runs in the test process, so the tasks record their calls in ``CALLS``.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django_tasks import task

from onegate.core.tasks import retrying_task

CALLS: Counter[str] = Counter()


class FlakyServiceError(Exception):
    """A downstream service that is down for a while."""


class BadInputError(Exception):
    """A failure that no retry can fix."""


@task()
def note_call(key: str) -> str:
    CALLS[key] += 1
    return key


@retrying_task(max_attempts=5, base_delay=timedelta(seconds=2))
def flaky(*, key: str, failures: int) -> int:
    """Fails ``failures`` times for ``key``, then succeeds."""
    CALLS[key] += 1
    if CALLS[key] <= failures:
        raise FlakyServiceError(f"service unavailable for {key}")
    return CALLS[key]


@retrying_task(max_attempts=3, base_delay=timedelta(seconds=5), queue_name="audit")
def always_fails(citizen_reference: str) -> None:
    CALLS[citizen_reference] += 1
    raise FlakyServiceError(f"cannot reach the registry for citizen {citizen_reference}")


@retrying_task(max_attempts=5, retry_on=(FlakyServiceError,))
def rejects_input(key: str) -> None:
    CALLS[key] += 1
    raise BadInputError(f"bad input {key}")


INTERRUPTIONS: dict[str, type[BaseException]] = {
    "SystemExit": SystemExit,
    "KeyboardInterrupt": KeyboardInterrupt,
}


@retrying_task(max_attempts=3, base_delay=timedelta(seconds=5), retry_on=(FlakyServiceError,))
def interrupted_once(*, key: str, interruption: str) -> int:
    """Stopped from outside on its first attempt (as a hard worker stop would), then succeeds.

    Its ``retry_on`` does not name the interruption: it is retried all the same.
    """
    CALLS[key] += 1
    if CALLS[key] == 1:
        raise INTERRUPTIONS[interruption](3)
    return CALLS[key]
