"""Task housekeeping: attempts whose worker died are failed (and retried), old results pruned.

A worker killed mid-task leaves its row as ``claim`` left it: RUNNING, with ``started_at`` set.
The tests make such rows with the worker's own ``claim`` and move ``started_at`` (or
``finished_at``) into the past instead of waiting. The real database worker runs in this process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

from onegate.core import jobs, scheduling, tasks
from onegate.core.tasks import ATTEMPT_KWARG, task_results_fail_lost, task_results_prune
from onegate.core.tests import task_samples
from onegate.core.tests.task_samples import always_fails, flaky, note_call
from onegate.core.tests.test_tasks import assert_backoff, make_retries_due, rows_for, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

STALE_AFTER = 600  # seconds, as TASKS_STALE_AFTER_SECONDS in these tests
WORKER_LOST = "onegate.core.tasks.WorkerLostError"


@pytest.fixture(autouse=True)
def _fresh_calls() -> Iterator[None]:
    task_samples.CALLS.clear()
    yield
    task_samples.CALLS.clear()


def claimed_by_a_dead_worker(row_id: str, *, seconds_ago: int) -> DBTaskResult:
    """The row as a worker that claimed it ``seconds_ago`` and was then killed left it."""
    row = DBTaskResult.objects.get(id=row_id)
    row.claim("killed-worker")
    DBTaskResult.objects.filter(id=row_id).update(
        started_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    return row


class TestFailLostTasks:
    @pytest.fixture(autouse=True)
    def _threshold(self, settings: Settings) -> None:
        settings.TASKS_STALE_AFTER_SECONDS = STALE_AFTER

    def test_a_lost_attempt_of_a_retrying_task_fails_and_the_next_attempt_runs(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        # given an attempt whose worker died 11 minutes ago
        result = flaky.enqueue(key="lost", failures=0)
        claimed_by_a_dead_worker(result.id, seconds_ago=STALE_AFTER + 60)

        # when the job runs
        with caplog.at_level(logging.WARNING, logger="onegate.core.tasks"):
            jobs.fail_lost_tasks()

        # then the attempt is FAILED, saying why, and the next one waits its backoff
        lost, retry = rows_for(flaky.module_path)
        assert lost.status == TaskResultStatus.FAILED
        assert lost.finished_at is not None
        assert lost.exception_class_path == WORKER_LOST
        assert "worker lost: no result after 660 seconds" in lost.traceback
        assert "killed-worker" in lost.traceback
        assert retry.status == TaskResultStatus.READY
        assert retry.args_kwargs["kwargs"] == {"key": "lost", "failures": 0, ATTEMPT_KWARG: 2}
        assert_backoff(retry, timedelta(seconds=2))
        assert "failed on attempt 1 of 5 with WorkerLostError" in caplog.text
        assert task_samples.CALLS["lost"] == 0  # nothing was re-run behind the worker's back

        make_retries_due()
        run_worker()
        retry.refresh_from_db()
        assert retry.status == TaskResultStatus.SUCCESSFUL
        assert task_samples.CALLS["lost"] == 1

    def test_a_lost_plain_task_is_failed_and_logged_not_rerun(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        result = note_call.enqueue("not-idempotent")
        claimed_by_a_dead_worker(result.id, seconds_ago=STALE_AFTER + 1)

        with caplog.at_level(logging.ERROR, logger="onegate.core.tasks"):
            jobs.fail_lost_tasks()

        [row] = rows_for(note_call.module_path)
        assert row.status == TaskResultStatus.FAILED
        assert row.exception_class_path == WORKER_LOST
        [record] = [r for r in caplog.records if r.name == "onegate.core.tasks"]
        assert record.levelno == logging.ERROR
        assert "was lost with its worker" in record.getMessage()
        assert str(row.id) in record.getMessage()
        assert "not-idempotent" not in record.getMessage()  # arguments may be personal

    def test_a_lost_last_attempt_gives_up_with_an_error(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        result = always_fails.enqueue("citizen-1", **{ATTEMPT_KWARG: 3})
        claimed_by_a_dead_worker(result.id, seconds_ago=STALE_AFTER + 1)

        with caplog.at_level(logging.ERROR, logger="onegate.core.tasks"):
            jobs.fail_lost_tasks()

        assert [row.status for row in rows_for(always_fails.module_path)] == [
            TaskResultStatus.FAILED
        ]
        assert "gave up" in caplog.text
        assert "attempt 3 of 3 with WorkerLostError" in caplog.text

    def test_a_row_whose_task_no_longer_exists_is_failed_and_logged(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        result = note_call.enqueue("gone")
        DBTaskResult.objects.filter(id=result.id).update(task_path="onegate.removed.module.task")
        claimed_by_a_dead_worker(result.id, seconds_ago=STALE_AFTER + 1)

        with caplog.at_level(logging.ERROR, logger="onegate.core.tasks"):
            jobs.fail_lost_tasks()

        assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
        assert "onegate.removed.module.task" in caplog.text

    def test_attempts_still_within_the_threshold_are_left_running(self) -> None:
        result = note_call.enqueue("slow")
        claimed_by_a_dead_worker(result.id, seconds_ago=STALE_AFTER - 30)

        jobs.fail_lost_tasks()

        assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING

    def test_the_threshold_comes_from_the_setting(self) -> None:
        result = note_call.enqueue("an-hour")
        claimed_by_a_dead_worker(result.id, seconds_ago=STALE_AFTER + 1)

        with override_settings(TASKS_STALE_AFTER_SECONDS=3600):
            jobs.fail_lost_tasks()
        assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING

        jobs.fail_lost_tasks()
        assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED

    def test_every_lost_row_is_handled_across_batches(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(tasks, "LOST_BATCH_SIZE", 2)
        for index in range(5):
            result = flaky.enqueue(key=f"batch-{index}", failures=0)
            claimed_by_a_dead_worker(result.id, seconds_ago=STALE_AFTER + index)

        assert task_results_fail_lost(stale_after=timedelta(seconds=STALE_AFTER)) == 5

        statuses = [row.status for row in rows_for(flaky.module_path)]
        assert statuses.count(TaskResultStatus.FAILED) == 5
        assert statuses.count(TaskResultStatus.READY) == 5  # one retry each

    def test_a_finished_row_is_never_failed_again(self) -> None:
        note_call.enqueue("done")
        run_worker()
        DBTaskResult.objects.update(started_at=timezone.now() - timedelta(days=1))

        assert task_results_fail_lost(stale_after=timedelta(seconds=STALE_AFTER)) == 0
        assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL

    @pytest.mark.postgres
    def test_a_row_locked_by_another_sweeper_is_skipped_not_waited_for(self) -> None:
        result = note_call.enqueue("locked")
        claimed_by_a_dead_worker(result.id, seconds_ago=STALE_AFTER + 1)
        locked, release = threading.Event(), threading.Event()

        def hold_the_row() -> None:
            try:
                with transaction.atomic():
                    DBTaskResult.objects.select_for_update().get(id=result.id)
                    locked.set()
                    release.wait(timeout=30)
            finally:
                connection.close()

        holder = threading.Thread(target=hold_the_row)
        holder.start()
        try:
            assert locked.wait(timeout=30)
            assert task_results_fail_lost(stale_after=timedelta(seconds=STALE_AFTER)) == 0
        finally:
            release.set()
            holder.join(timeout=30)

        assert task_results_fail_lost(stale_after=timedelta(seconds=STALE_AFTER)) == 1


def finished(key: str, *, status: TaskResultStatus, days_ago: float) -> str:
    result = note_call.enqueue(key)
    DBTaskResult.objects.filter(id=result.id).update(
        status=status,
        started_at=timezone.now() - timedelta(days=days_ago, minutes=1),
        finished_at=timezone.now() - timedelta(days=days_ago),
        traceback="Traceback ..." if status == TaskResultStatus.FAILED else "",
    )
    return result.id


class TestPruneTaskResults:
    @pytest.fixture(autouse=True)
    def _retention(self, settings: Settings) -> None:
        settings.TASKS_KEEP_RESULTS_DAYS = 30

    def test_finished_results_older_than_the_retention_are_deleted(self) -> None:
        # given results on either side of 30 days, and unfinished ones from long ago
        old_success = finished("old-ok", status=TaskResultStatus.SUCCESSFUL, days_ago=31)
        old_failure = finished("old-failed", status=TaskResultStatus.FAILED, days_ago=45)
        recent_success = finished("ok", status=TaskResultStatus.SUCCESSFUL, days_ago=29)
        recent_failure = finished("failed", status=TaskResultStatus.FAILED, days_ago=1)
        waiting = note_call.enqueue("waiting").id
        running = note_call.enqueue("running").id
        claimed_by_a_dead_worker(running, seconds_ago=60 * 60 * 24 * 40)
        DBTaskResult.objects.filter(id=waiting).update(
            enqueued_at=timezone.now() - timedelta(days=40)
        )

        # when the job runs
        jobs.prune_task_results()

        # then only the old finished ones are gone
        kept = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
        assert kept == {str(recent_success), str(recent_failure), str(waiting), str(running)}
        assert not kept & {str(old_success), str(old_failure)}

    def test_the_retention_comes_from_the_setting(self) -> None:
        finished("week-old", status=TaskResultStatus.SUCCESSFUL, days_ago=8)

        jobs.prune_task_results()
        assert DBTaskResult.objects.count() == 1

        with override_settings(TASKS_KEEP_RESULTS_DAYS=7):
            jobs.prune_task_results()
        assert not DBTaskResult.objects.exists()

    def test_a_large_backlog_goes_in_batches_and_may_be_left_for_the_next_run(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(tasks, "PRUNE_BATCH_SIZE", 2)
        for index in range(5):
            finished(f"old-{index}", status=TaskResultStatus.SUCCESSFUL, days_ago=40 + index)
        cutoff = timezone.now() - timedelta(days=30)

        assert task_results_prune(finished_before=cutoff, max_batches=2) == 4
        assert DBTaskResult.objects.count() == 1
        assert task_results_prune(finished_before=cutoff) == 1
        assert not DBTaskResult.objects.exists()


def test_the_scheduler_knows_both_jobs() -> None:
    scheduling.discover_jobs()
    for name in ("fail_lost_tasks", "prune_task_results"):
        assert f"onegate.core.jobs.{name}" in scheduling.registry
