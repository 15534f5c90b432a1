"""Scheduled housekeeping of background tasks: fail attempts whose worker was lost, prune results.

Run by ``manage.py scheduler`` (``onegate.core.scheduling``). The work itself is in
``onegate.core.tasks``; these read their settings when they run, never at import.

* ``TASKS_STALE_AFTER_SECONDS`` (default 3600): an attempt RUNNING for longer is taken to have lost
  its worker. Keep it well above the longest run of any task.
* ``TASKS_KEEP_RESULTS_DAYS`` (default 30): finished results, with their tracebacks, are deleted
  this many days after they finished.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from onegate.core.scheduling import periodic
from onegate.core.tasks import task_results_fail_lost, task_results_prune

STALE_AFTER_SECONDS_DEFAULT = 3600
KEEP_RESULTS_DAYS_DEFAULT = 30
# Enough for a day's results in one run, and short enough to finish well within the hour's lease.
PRUNE_BATCHES_PER_RUN = 100


@periodic(every=timedelta(minutes=1))
def fail_lost_tasks() -> None:
    """Fail (and retry, for retrying tasks) attempts whose worker died mid-run."""
    seconds = getattr(settings, "TASKS_STALE_AFTER_SECONDS", STALE_AFTER_SECONDS_DEFAULT)
    task_results_fail_lost(stale_after=timedelta(seconds=seconds))


@periodic(every=timedelta(hours=1))
def prune_task_results() -> None:
    """Delete finished task results older than the retention period."""
    days = getattr(settings, "TASKS_KEEP_RESULTS_DAYS", KEEP_RESULTS_DAYS_DEFAULT)
    task_results_prune(
        finished_before=timezone.now() - timedelta(days=days), max_batches=PRUNE_BATCHES_PER_RUN
    )
