"""Background work: enqueue in the transaction, retries with backoff, and visible final failure.

These tests run the real database worker in this process, in transactional tests: the worker
manages its own transactions and on-commit callbacks must really fire.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, cast

import pytest
from django.db import connection, transaction
from django.db.models import Model
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskContext, TaskResultStatus, task_backends
from django_tasks.backends.dummy import DummyBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from onegate.core.tasks import ATTEMPT_KWARG, RetryPolicy, enqueue_in_transaction, retrying_task
from onegate.core.tests import task_samples
from onegate.core.tests.task_samples import (
    always_fails,
    flaky,
    interrupted_once,
    note_call,
    rejects_input,
)

pytestmark = pytest.mark.django_db(transaction=True)


class Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def _fresh_calls() -> Iterator[None]:
    task_samples.CALLS.clear()
    yield
    task_samples.CALLS.clear()


def run_worker() -> None:
    """Run every task that is due now, as ``manage.py db_worker --batch`` would, then return."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def run_worker_in_own_connection() -> None:
    """Run the worker in another thread, so with its own database connection."""

    def run() -> None:
        try:
            run_worker()
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()


class TaskRowsElsewhere:
    """A router that keeps task rows in a database of their own."""

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return "tasks" if model is DBTaskResult else None


def make_retries_due() -> int:
    """Move waiting retries to now instead of sleeping through their backoff."""
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        run_after=timezone.now()
    )


def rows_for(task_path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task_path).order_by("enqueued_at"))


def assert_backoff(row: DBTaskResult, expected: timedelta) -> None:
    """The row waits the backoff (plus at most 10% jitter) from when it was enqueued."""
    waited = row.run_after - row.enqueued_at
    slack = timedelta(seconds=1)
    assert expected - slack <= waited <= expected * 1.1 + slack, waited


class TestEnqueueInTransaction:
    def test_a_rolled_back_transaction_never_enqueues_or_runs_the_task(self) -> None:
        def enqueue_then_fail() -> None:
            with transaction.atomic():
                enqueue_in_transaction(note_call, "rolled-back")
                raise Rollback

        with pytest.raises(Rollback):
            enqueue_then_fail()

        assert not DBTaskResult.objects.exists()
        run_worker()
        assert task_samples.CALLS["rolled-back"] == 0

    def test_the_task_row_is_written_in_the_callers_transaction(self) -> None:
        with transaction.atomic():
            enqueue_in_transaction(note_call, "outbox")
            # Already written, in this transaction: committed with it, so no crash between the
            # commit and an on-commit callback can lose the task.
            row = DBTaskResult.objects.get()
            assert row.status == TaskResultStatus.READY

        run_worker()
        row.refresh_from_db()
        assert row.status == TaskResultStatus.SUCCESSFUL
        assert row.return_value == "outbox"
        assert task_samples.CALLS["outbox"] == 1

    @pytest.mark.postgres
    def test_workers_see_the_task_only_once_the_transaction_commits(self) -> None:
        with transaction.atomic():
            enqueue_in_transaction(note_call, "not-yet")
            # A worker with its own connection, as in production, finds nothing to run.
            run_worker_in_own_connection()
            assert task_samples.CALLS["not-yet"] == 0

        run_worker_in_own_connection()
        assert task_samples.CALLS["not-yet"] == 1
        assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL

    def test_outside_a_transaction_it_enqueues_at_once(self) -> None:
        enqueue_in_transaction(note_call, "autocommit")
        assert DBTaskResult.objects.get().args_kwargs == {"args": ["autocommit"], "kwargs": {}}

    @override_settings(
        TASKS={
            "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
            "memory": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
        }
    )
    def test_a_backend_outside_the_database_enqueues_on_commit_instead(self) -> None:
        in_memory = note_call.using(backend="memory")
        queued = cast(DummyBackend, task_backends["memory"]).results

        def enqueue_then_fail() -> None:
            with transaction.atomic():
                enqueue_in_transaction(in_memory, "rolled-back")
                raise Rollback

        with pytest.raises(Rollback):
            enqueue_then_fail()
        with transaction.atomic():
            enqueue_in_transaction(in_memory, "committed")
            assert queued == []  # it cannot share the transaction: it waits for the commit

        assert [result.args for result in queued] == [["committed"]]

    @override_settings(DATABASE_ROUTERS=[TaskRowsElsewhere()])
    def test_task_rows_routed_to_another_database_are_enqueued_on_commit_instead(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        def enqueue_then_fail() -> None:
            with transaction.atomic():
                with django_capture_on_commit_callbacks() as callbacks:
                    enqueue_in_transaction(note_call, "elsewhere")
                # Roll back: the callback would write to the (missing) other database.
                raise Rollback(callbacks)

        with pytest.raises(Rollback) as rolled_back:
            enqueue_then_fail()

        [callbacks] = rolled_back.value.args
        assert len(callbacks) == 1
        assert not DBTaskResult.objects.exists()


class TestRetries:
    def test_a_task_failing_twice_then_succeeding_ends_successful_after_three_attempts(
        self,
    ) -> None:
        flaky.enqueue(key="flaky", failures=2)

        run_worker()  # attempt 1 fails; attempt 2 waits 2 s
        first, second = rows_for(flaky.module_path)
        assert first.status == TaskResultStatus.FAILED
        assert second.status == TaskResultStatus.READY
        assert_backoff(second, timedelta(seconds=2))
        run_worker()  # attempt 2 is not due yet, so nothing runs
        assert task_samples.CALLS["flaky"] == 1

        make_retries_due()
        run_worker()  # attempt 2 fails; attempt 3 waits 4 s
        third = rows_for(flaky.module_path)[2]
        assert_backoff(third, timedelta(seconds=4))

        make_retries_due()
        run_worker()  # attempt 3 succeeds
        rows = rows_for(flaky.module_path)
        assert [row.status for row in rows] == [
            TaskResultStatus.FAILED,
            TaskResultStatus.FAILED,
            TaskResultStatus.SUCCESSFUL,
        ]
        assert [row.args_kwargs["kwargs"].get(ATTEMPT_KWARG, 1) for row in rows] == [1, 2, 3]
        for failed in rows[:2]:
            assert failed.exception_class_path.endswith("FlakyServiceError")
            assert "Traceback" in failed.traceback
            assert "service unavailable for flaky" in failed.traceback
        assert rows[2].return_value == 3
        assert task_samples.CALLS["flaky"] == 3

    def test_a_task_that_always_fails_stops_at_max_attempts_and_logs_it(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        always_fails.enqueue("citizen-1234567890123")

        with caplog.at_level(logging.WARNING, logger="onegate.core.tasks"):
            for _round in range(10):  # bounded, in case retries never stopped
                run_worker()
                if not make_retries_due():
                    break

        rows = rows_for(always_fails.module_path)
        assert [row.status for row in rows] == [TaskResultStatus.FAILED] * 3
        assert {row.queue_name for row in rows} == {"audit"}
        assert task_samples.CALLS["citizen-1234567890123"] == 3
        ours = [record for record in caplog.records if record.name == "onegate.core.tasks"]
        assert [record.levelno for record in ours] == [logging.WARNING] * 2 + [logging.ERROR]
        message = ours[-1].getMessage()
        assert always_fails.module_path in message
        assert str(rows[-1].id) in message
        assert "attempt 3 of 3" in message
        assert "FlakyServiceError" in message
        # Arguments and exception messages can hold personal data; our records hold neither.
        for record in ours:
            assert "1234567890123" not in record.getMessage()
            assert record.exc_info is None

    def test_an_exception_outside_retry_on_fails_at_once(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        rejects_input.enqueue("input")

        with caplog.at_level(logging.ERROR, logger="onegate.core.tasks"):
            run_worker()

        [row] = rows_for(rejects_input.module_path)
        assert row.status == TaskResultStatus.FAILED
        assert row.exception_class_path.endswith("BadInputError")
        assert "gave up" in caplog.text
        assert "attempt 1 of 5" in caplog.text

    def test_a_retry_that_cannot_be_enqueued_durably_is_logged_not_lost_silently(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        # Running an attempt inside someone else's transaction: its retry would roll back with it.
        result = flaky.enqueue(key="nested", failures=5)

        # What the worker calls: the wrapper, with the context first (the Task's type shows the
        # arguments callers pass to enqueue).
        run_attempt: Any = flaky.func

        def attempt_inside_a_transaction() -> None:
            with transaction.atomic():
                run_attempt(TaskContext(task_result=result), key="nested", failures=5)

        with (
            caplog.at_level(logging.ERROR, logger="onegate.core.tasks"),
            pytest.raises(task_samples.FlakyServiceError),
        ):
            attempt_inside_a_transaction()

        assert DBTaskResult.objects.count() == 1  # no retry was left half-made
        assert "could not be enqueued: RuntimeError" in caplog.text
        assert str(result.id) in caplog.text


class TestInterruptions:
    @pytest.mark.parametrize("interruption", ["SystemExit", "KeyboardInterrupt"])
    def test_a_worker_stopped_hard_mid_task_leaves_the_next_attempt_queued(
        self, interruption: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        interrupted_once.enqueue(key="stopped", interruption=interruption)

        with caplog.at_level(logging.WARNING, logger="onegate.core.tasks"):
            run_worker()  # attempt 1 is interrupted

        first, second = rows_for(interrupted_once.module_path)
        assert first.status == TaskResultStatus.FAILED
        assert first.exception_class_path == f"builtins.{interruption}"
        assert second.status == TaskResultStatus.READY
        assert second.args_kwargs["kwargs"][ATTEMPT_KWARG] == 2
        assert_backoff(second, timedelta(seconds=5))
        assert f"failed on attempt 1 of 3 with {interruption}" in caplog.text

        make_retries_due()
        run_worker()
        assert rows_for(interrupted_once.module_path)[1].status == TaskResultStatus.SUCCESSFUL
        assert task_samples.CALLS["stopped"] == 2

    def test_the_interruption_itself_is_raised_on_to_the_worker(self) -> None:
        result = interrupted_once.enqueue(key="re-raised", interruption="SystemExit")
        run_attempt: Any = interrupted_once.func

        with pytest.raises(SystemExit) as stopped:
            run_attempt(TaskContext(task_result=result), key="re-raised", interruption="SystemExit")

        assert stopped.value.code == 3  # the task's own exception, not a replacement
        assert DBTaskResult.objects.count() == 2  # and the next attempt is queued

    def test_an_interruption_of_the_last_attempt_is_logged_as_giving_up(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        result = interrupted_once.enqueue(key="last", interruption="KeyboardInterrupt")
        run_attempt: Any = interrupted_once.func

        with (
            caplog.at_level(logging.ERROR, logger="onegate.core.tasks"),
            pytest.raises(KeyboardInterrupt),
        ):
            run_attempt(
                TaskContext(task_result=result),
                key="last",
                interruption="KeyboardInterrupt",
                **{ATTEMPT_KWARG: 3},
            )

        assert DBTaskResult.objects.count() == 1
        assert "gave up" in caplog.text
        assert "attempt 3 of 3 with KeyboardInterrupt" in caplog.text


class TestRetryPolicy:
    def test_delays_double_from_the_base_and_stop_at_the_cap(self) -> None:
        policy = RetryPolicy(
            max_attempts=10, base_delay=timedelta(seconds=2), max_delay=timedelta(seconds=30)
        )
        delays = [policy.delay_after(attempt).total_seconds() for attempt in range(1, 7)]
        assert delays == [2, 4, 8, 16, 30, 30]

    @pytest.mark.parametrize(
        "options",
        [
            {"max_attempts": 0},
            {"base_delay": timedelta(0)},
            {"base_delay": timedelta(hours=2), "max_delay": timedelta(hours=1)},
        ],
    )
    def test_nonsense_settings_are_refused(self, options: dict[str, object]) -> None:
        with pytest.raises(ValueError, match="must"):
            RetryPolicy(**options)  # type: ignore[arg-type]


class TestDeclaringRetryingTasks:
    def test_a_function_may_not_use_the_reserved_parameter_names(self) -> None:
        def takes_attempt(_attempt: int) -> None: ...

        with pytest.raises(TypeError, match="_attempt"):
            retrying_task()(takes_attempt)

    def test_the_task_keeps_the_functions_name_and_path(self) -> None:
        assert flaky.name == "flaky"
        assert flaky.module_path == "onegate.core.tests.task_samples.flaky"
        assert flaky.takes_context
