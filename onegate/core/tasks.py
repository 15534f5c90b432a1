"""Background work: tasks that retry with backoff, enqueued in the caller's transaction, never lost.

Tasks run through Django's tasks API (django-tasks) on the database backend (django-tasks-db, run
by ``manage.py db_worker``). That API has no retries, so ``retrying_task`` adds them: every attempt
is its own ``DBTaskResult`` row. A failed attempt ends FAILED with its traceback and, while
attempts remain, enqueues the next one with ``run_after`` pushed back exponentially. The last
attempt ends FAILED and logs an error, so a task is never silently lost::

    @retrying_task(max_attempts=5, queue_name="default")
    def notification_send(*, notification_id: str) -> None: ...

    enqueue_in_transaction(notification_send, notification_id=str(notification.id))

A worker stopped hard mid-attempt (``SystemExit``, ``KeyboardInterrupt``) is an interruption, not
the task's failure: the next attempt is enqueued whatever ``retry_on`` says. A worker killed
outright leaves its row RUNNING; ``task_results_fail_lost`` (run by ``jobs.fail_lost_tasks``)
marks such rows FAILED after ``TASKS_STALE_AFTER_SECONDS`` and retries them the same way, and
``task_results_prune`` (``jobs.prune_task_results``) deletes finished rows after
``TASKS_KEEP_RESULTS_DAYS``.

Task functions must be defined at module level (the worker imports them by dotted path), take
JSON-serialisable arguments, and be idempotent: an attempt can fail, or be declared lost, after
doing part of its work.
"""

from __future__ import annotations

import inspect
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, ParamSpec, TypeVar, cast

from django.core.exceptions import SuspiciousOperation
from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.utils import timezone
from django_tasks import (
    DEFAULT_TASK_BACKEND_ALIAS,
    DEFAULT_TASK_QUEUE_NAME,
    TaskContext,
    TaskResult,
    TaskResultStatus,
    task,
    task_backends,
)
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task
from django_tasks.exceptions import InvalidTaskError
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

__all__ = [
    "ATTEMPT_KWARG",
    "INTERRUPTIONS",
    "RetryPolicy",
    "WorkerLostError",
    "enqueue_in_transaction",
    "retrying_task",
    "task_results_fail_lost",
    "task_results_prune",
]

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# The keyword argument that carries the attempt number from one attempt's row to the next.
ATTEMPT_KWARG = "_attempt"
# Share of the delay added at random, so tasks that failed together do not retry together.
JITTER_SHARE = 0.1
# Rows handled per transaction by the housekeeping services.
LOST_BATCH_SIZE = 100
PRUNE_BATCH_SIZE = 1000


class WorkerLostError(Exception):
    """An attempt whose worker stopped (killed, out of memory, host gone) without a result."""


# An attempt stopped from outside rather than failing by itself: retried whatever ``retry_on`` is.
INTERRUPTIONS: tuple[type[BaseException], ...] = (KeyboardInterrupt, SystemExit, WorkerLostError)


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How often a task is tried, how long it waits in between, and which failures are retried.

    Interruptions (``INTERRUPTIONS``) are always retried while attempts remain: they say nothing
    about whether the task itself can succeed.
    """

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

    def should_retry(self, *, attempt: int, exc: BaseException) -> bool:
        retryable = isinstance(exc, (*self.retry_on, *INTERRUPTIONS))
        return attempt < self.max_attempts and retryable


# Each retrying task's policy by dotted path, so a lost attempt can be retried like a failed one.
_RETRY_POLICIES: dict[str, RetryPolicy] = {}


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

    Only exceptions in ``retry_on`` (and interruptions) are retried; any other ends the task at
    once, logged the same way as running out of attempts. Enqueue it like any task.
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
        _RETRY_POLICIES[made.module_path] = policy
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
        except BaseException as exc:  # an interruption too: its work must not be lost with it
            _after_failure(
                result=context.task_result,
                policy=policy,
                attempt=attempt,
                exc=exc,
                call=(args, kwargs),
            )
            raise  # the original exception: this attempt's row records FAILED with its traceback

    # The worker finds the task by the function's dotted path, and django-tasks reads the
    # wrapper's own signature (it must start with ``context``): copy the names, not __wrapped__.
    run_attempt.__module__ = func.__module__
    run_attempt.__name__ = func.__name__
    run_attempt.__qualname__ = func.__qualname__
    run_attempt.__doc__ = func.__doc__
    return run_attempt


def _after_failure(
    *,
    result: TaskResult[Any],
    policy: RetryPolicy,
    attempt: int,
    exc: BaseException,
    call: tuple[tuple[Any, ...], dict[str, Any]],
    durable: bool = True,
) -> None:
    """Enqueue the next attempt if the policy allows, and log either way.

    ``durable=False`` enqueues in a savepoint of the caller's transaction instead of committing.
    """
    # Task path, result id and exception class only: arguments and messages may be personal.
    where = (result.task.module_path, result.id, attempt, policy.max_attempts, type(exc).__name__)
    if not policy.should_retry(attempt=attempt, exc=exc):
        logger.error("Task %s gave up: result %s failed on attempt %d of %d with %s", *where)
        return
    try:
        retry = _enqueue_retry(
            result=result, policy=policy, attempt=attempt, call=call, durable=durable
        )
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
    durable: bool,
) -> TaskResult[Any]:
    delay = policy.delay_after(attempt)
    jitter = random.uniform(0, JITTER_SHARE)  # noqa: S311 (spreads retries; not a secret)
    run_after = timezone.now() + delay * (1 + jitter)
    args, kwargs = call
    # The worker runs tasks in autocommit mode, so the next attempt commits at once, whatever the
    # failed attempt rolled back. durable=True makes that an assertion: inside someone else's
    # transaction the retry could vanish with their rollback, so refuse rather than lose it.
    with transaction.atomic(durable=durable):
        return result.task.using(run_after=run_after).enqueue(
            *args, **kwargs, **{ATTEMPT_KWARG: attempt + 1}
        )


def enqueue_in_transaction(task: Task[P, T], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """Enqueue ``task`` so that it runs if, and only if, the current transaction commits.

    With the database backend writing its rows to the default database (OneGate's setup, and the
    database callers' transactions run on), the task row is inserted inside the caller's
    transaction: a transactional outbox. Workers see the row only once the transaction commits, a
    rollback removes it, and nothing between the commit and a later callback can lose it.
    Outside a transaction it is enqueued at once. (``task_enqueued`` is sent at the insert, before
    the commit.)

    With any other backend, or a router sending task rows to another database, the enqueue cannot
    share the transaction, so it falls back to ``transaction.on_commit``: a process that dies
    between the commit and the callback then loses the task, and an enqueue that fails after the
    commit raises in the code that committed.
    """
    if _shares_the_default_transaction(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, *args, **kwargs))


def _shares_the_default_transaction(task: Task[Any, Any]) -> bool:
    backend = task.get_backend()
    return (
        isinstance(backend, DatabaseBackend)
        and router.db_for_write(DBTaskResult) == DEFAULT_DB_ALIAS
    )


def task_results_fail_lost(*, stale_after: timedelta) -> int:
    """Mark FAILED the attempts RUNNING for longer than ``stale_after``; return how many.

    Their worker is taken to be gone. Each is failed with ``WorkerLostError``; an attempt of a
    ``retrying_task`` then gets its next attempt as after any failure (in the same transaction),
    any other task is logged as an error. Nothing is re-run that its task does not ask for: only
    retrying tasks are promised to be idempotent. Choose ``stale_after`` well above the longest
    run of any task, or a slow attempt may be declared lost and retried while it still runs.
    """
    total = 0
    while True:
        with transaction.atomic():
            now = timezone.now()
            # Another scheduler handling the same rows skips them rather than waits.
            lost = list(
                DBTaskResult.objects.running()
                .filter(started_at__lt=now - stale_after)
                .select_for_update(skip_locked=True)
                .order_by("started_at")[:LOST_BATCH_SIZE]
            )
            total += sum(_fail_lost(row, now=now) for row in lost)
        if len(lost) < LOST_BATCH_SIZE:
            return total


def _fail_lost(row: DBTaskResult, *, now: datetime) -> int:
    started_at = row.started_at or now  # never None for a RUNNING row
    seconds = int((now - started_at).total_seconds())
    error = WorkerLostError(f"worker lost: no result after {seconds} seconds")
    error_path = f"{WorkerLostError.__module__}.{WorkerLostError.__qualname__}"
    # SQLite has no row locks: the update repeats the condition, so a row the worker finished
    # meanwhile keeps its real outcome.
    failed = DBTaskResult.objects.filter(id=row.id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path=error_path,
        traceback=f"{error_path}: {error} (workers: {', '.join(row.worker_ids) or 'none'})\n",
    )
    if failed:
        _retry_lost(row, error=error)
    return failed


def _retry_lost(row: DBTaskResult, *, error: WorkerLostError) -> None:
    try:
        # Importing the task registers its retry policy. (django-tasks-db's result type is typed
        # against Django 6's django.tasks; on Django 5.2 it is django-tasks' TaskResult.)
        result = cast(TaskResult[Any], row.task_result)
    except (ImportError, SuspiciousOperation):
        result, policy = None, None
    else:
        policy = _RETRY_POLICIES.get(row.task_path)
    if result is None or policy is None:
        logger.error(
            "Task %s result %s was lost with its worker; marked FAILED and not retried",
            row.task_path,
            row.id,
        )
        return
    kwargs = dict(result.kwargs)
    attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
    _after_failure(
        result=result,
        policy=policy,
        attempt=attempt,
        exc=error,
        call=(tuple(result.args), kwargs),
        durable=False,
    )


def task_results_prune(*, finished_before: datetime, max_batches: int | None = None) -> int:
    """Delete SUCCESSFUL and FAILED results that finished before ``finished_before``.

    Tracebacks and return values are kept no longer than needed. Deletes in batches, each in its
    own transaction, until none are left or after ``max_batches``; returns how many went.
    """
    finished = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=finished_before,
    ).order_by("finished_at")
    total, batches = 0, 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            ids = list(finished.values_list("id", flat=True)[:PRUNE_BATCH_SIZE])
            deleted, _ = DBTaskResult.objects.filter(id__in=ids).delete()
        total, batches = total + deleted, batches + 1
        if len(ids) < PRUNE_BATCH_SIZE:
            break
    return total
