"""Background work: tasks that retry with exponential backoff, and enqueueing on commit.

Tasks run through Django's tasks API (django-tasks) on the database backend (django-tasks-db, run
by ``manage.py db_worker``). That API has no retries, so ``retrying_task`` adds them: every attempt
is its own ``DBTaskResult`` row. A failed attempt ends FAILED with its traceback and, while
attempts remain, enqueues the next one with ``run_after`` pushed back exponentially. The last
attempt ends FAILED and logs an error, so a task is never silently lost::

    @retrying_task(max_attempts=5, queue_name="default")
    def notification_send(*, notification_id: str) -> None: ...

    enqueue_on_commit(notification_send, notification_id=str(notification.id))

Task functions must be defined at module level (the worker imports them by dotted path), take
JSON-serialisable arguments, and be idempotent: an attempt can fail after doing part of its work.
"""

from __future__ import annotations

import inspect
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any, ParamSpec, TypeVar, cast

from django.db import transaction
from django.utils import timezone
from django_tasks import (
    DEFAULT_TASK_BACKEND_ALIAS,
    DEFAULT_TASK_QUEUE_NAME,
    TaskContext,
    TaskResult,
    task,
    task_backends,
)
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task
from django_tasks.exceptions import InvalidTaskError

__all__ = ["ATTEMPT_KWARG", "RetryPolicy", "enqueue_on_commit", "retrying_task"]

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# The keyword argument that carries the attempt number from one attempt's row to the next.
ATTEMPT_KWARG = "_attempt"
# Share of the delay added at random, so tasks that failed together do not retry together.
JITTER_SHARE = 0.1


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How often a task is tried, how long it waits in between, and which failures are retried."""

    max_attempts: int = 5
    base_delay: timedelta = timedelta(seconds=2)
    max_delay: timedelta = timedelta(hours=1)
    retry_on: tuple[type[Exception], ...] = (Exception,)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay <= timedelta(0) or self.max_delay < self.base_delay:
            raise ValueError("base_delay must be positive and no longer than max_delay")

    def delay_after(self, attempt: int) -> timedelta:
        """The wait before the attempt after ``attempt``: base, 2 x base, 4 x base ... capped."""
        return min(self.base_delay * 2 ** (attempt - 1), self.max_delay)

    def should_retry(self, *, attempt: int, exc: Exception) -> bool:
        return attempt < self.max_attempts and isinstance(exc, self.retry_on)


def retrying_task(
    *,
    max_attempts: int = 5,
    base_delay: timedelta = timedelta(seconds=2),
    max_delay: timedelta = timedelta(hours=1),
    retry_on: tuple[type[Exception], ...] = (Exception,),
    queue_name: str = DEFAULT_TASK_QUEUE_NAME,
    priority: int = DEFAULT_TASK_PRIORITY,
    backend: str = DEFAULT_TASK_BACKEND_ALIAS,
) -> Callable[[Callable[P, T]], Task[P, T]]:
    """Make a function a task tried up to ``max_attempts`` times, waiting longer after each failure.

    Only exceptions in ``retry_on`` are retried; any other ends the task at once (logged the same
    way as running out of attempts). Enqueue it like any task: ``send.enqueue(...)``.
    """
    policy = RetryPolicy(
        max_attempts=max_attempts, base_delay=base_delay, max_delay=max_delay, retry_on=retry_on
    )
    if not task_backends[backend].supports_defer:
        raise InvalidTaskError(f"Backend {backend!r} cannot run a task later, so cannot retry.")

    def decorate(func: Callable[P, T]) -> Task[P, T]:
        attempt_runner = _attempt_runner(func, policy)
        made = task(takes_context=True, queue_name=queue_name, priority=priority, backend=backend)(
            attempt_runner
        )
        # The task is called with the function's own arguments; the context and the attempt
        # number are the wrapper's business.
        return cast(Task[P, T], made)

    return decorate


def _attempt_runner(func: Callable[..., T], policy: RetryPolicy) -> Callable[..., T]:
    """Wrap ``func`` so a failure schedules the next attempt before the row is marked FAILED."""
    reserved = {"context", ATTEMPT_KWARG} & set(inspect.signature(func).parameters)
    if reserved:
        raise TypeError(f"{func.__qualname__} may not take a parameter named {sorted(reserved)}")

    def run_attempt(context: TaskContext, *args: Any, **kwargs: Any) -> T:
        attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            _after_failure(
                context=context, policy=policy, attempt=attempt, exc=exc, call=(args, kwargs)
            )
            raise  # so this attempt's row records FAILED with its traceback

    # The worker finds the task by the function's dotted path, and django-tasks reads the
    # wrapper's own signature (it must start with ``context``): copy the names, not __wrapped__.
    run_attempt.__module__ = func.__module__
    run_attempt.__name__ = func.__name__
    run_attempt.__qualname__ = func.__qualname__
    run_attempt.__doc__ = func.__doc__
    return run_attempt


def _after_failure(
    *,
    context: TaskContext,
    policy: RetryPolicy,
    attempt: int,
    exc: Exception,
    call: tuple[tuple[Any, ...], dict[str, Any]],
) -> None:
    # Task path, result id and exception class only: arguments and messages may be personal.
    result = context.task_result
    where = (result.task.module_path, result.id, attempt, policy.max_attempts, type(exc).__name__)
    if not policy.should_retry(attempt=attempt, exc=exc):
        logger.error("Task %s gave up: result %s failed on attempt %d of %d with %s", *where)
        return
    try:
        retry = _enqueue_retry(result=result, policy=policy, attempt=attempt, call=call)
    except Exception as enqueue_exc:
        logger.error(
            "Task %s gave up: result %s failed on attempt %d of %d with %s, and the next attempt "
            "could not be enqueued: %s",
            *where,
            type(enqueue_exc).__name__,
        )
        return
    logger.warning(
        "Task %s result %s failed on attempt %d of %d with %s; the next is result %s at %s",
        *where,
        retry.id,
        retry.task.run_after.isoformat() if retry.task.run_after else "once",
    )


def _enqueue_retry(
    *,
    result: TaskResult[Any],
    policy: RetryPolicy,
    attempt: int,
    call: tuple[tuple[Any, ...], dict[str, Any]],
) -> TaskResult[Any]:
    delay = policy.delay_after(attempt)
    jitter = random.uniform(0, JITTER_SHARE)  # noqa: S311 (spreads retries; not a secret)
    run_after = timezone.now() + delay * (1 + jitter)
    args, kwargs = call
    # The worker runs tasks in autocommit mode, so the next attempt commits at once, whatever the
    # failed attempt rolled back. durable=True makes that an assertion: inside someone else's
    # transaction the retry could vanish with their rollback, so refuse rather than lose it.
    with transaction.atomic(durable=True):
        return result.task.using(run_after=run_after).enqueue(
            *args, **kwargs, **{ATTEMPT_KWARG: attempt + 1}
        )


def enqueue_on_commit(task: Task[P, T], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """Enqueue ``task`` when the current transaction commits, and never if it rolls back.

    Outside a transaction it enqueues at once. With the database backend a plain ``enqueue``
    inside the transaction would also roll back with it; this keeps that promise for any backend
    and states the intent. If the enqueue itself fails after the commit, the error propagates to
    the code that committed, so it is seen rather than swallowed.
    """
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))
