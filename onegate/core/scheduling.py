"""Periodic jobs: a registry filled by ``@periodic`` in each app's ``jobs.py``, and the scheduler.

Django's tasks API has no periodic tasks, so ``manage.py scheduler`` runs them. An app declares a
job as a zero-argument function in its ``jobs`` module::

    from onegate.core.scheduling import periodic

    @periodic(every=timedelta(seconds=1))
    def chain_audit_events() -> None: ...

The scheduler imports every installed app's ``jobs`` module, then calls each job in its own
process whenever the job is due. Keep jobs short: they run one after another, so a slow job
delays the rest. A job with heavy or slow work should enqueue a task (``onegate.core.tasks``)
and return; the workers then do the work, with retries.

Several schedulers may run at once (one per host, or a spare). Each job has a
``ScheduledJobLease`` row; a scheduler runs a due job only after claiming its row (row lock with
SKIP LOCKED on PostgreSQL, and a compare-and-set update everywhere), so each due run happens once.
The claim holds for the job's lease (its period, kept between 30 seconds and an hour); a scheduler
that dies mid-job leaves the lease to expire, and the job then runs again. A job must finish well
within its lease, or a second scheduler may start it while it is still running.
"""

from __future__ import annotations

import inspect
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import autodiscover_modules

from onegate.core.models import ScheduledJobLease

__all__ = [
    "JobRegistry",
    "JobRun",
    "PeriodicJob",
    "Scheduler",
    "discover_jobs",
    "periodic",
    "registry",
]

logger = logging.getLogger(__name__)

JobFunction = TypeVar("JobFunction", bound=Callable[[], object])

MIN_LEASE = timedelta(seconds=30)
MAX_LEASE = timedelta(hours=1)
# The shortest nap between two looks at the schedule, so a job another scheduler holds past its
# due time does not make this one spin.
MIN_WAIT_SECONDS = 0.05
# What a lease records when its job was stopped by something other than an exception.
INTERRUPTED = "Interrupted"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], object]
    every: timedelta
    lease: timedelta


class JobRegistry:
    """The periodic jobs by name (``module.function``). Tests use a fresh one."""

    def __init__(self) -> None:
        self._jobs: dict[str, PeriodicJob] = {}

    def register(
        self, func: Callable[[], object], *, every: timedelta, lease: timedelta | None = None
    ) -> PeriodicJob:
        if every <= timedelta(0):
            raise ImproperlyConfigured(f"{func.__qualname__}: every must be a positive interval")
        try:
            inspect.signature(func).bind()
        except TypeError as exc:
            raise ImproperlyConfigured(f"{func.__qualname__} must take no arguments") from exc
        name = f"{func.__module__}.{func.__qualname__}"
        known = self._jobs.get(name)
        if known is not None and known.func is not func:
            raise ImproperlyConfigured(f"Two periodic jobs are named {name}")
        job = PeriodicJob(name, func, every, lease or min(max(every, MIN_LEASE), MAX_LEASE))
        self._jobs[name] = job
        return job

    def __iter__(self) -> Iterator[PeriodicJob]:
        return iter(list(self._jobs.values()))

    def __len__(self) -> int:
        return len(self._jobs)

    def __contains__(self, name: object) -> bool:
        return name in self._jobs


registry = JobRegistry()


def periodic(
    *, every: timedelta, lease: timedelta | None = None
) -> Callable[[JobFunction], JobFunction]:
    """Register a zero-argument function to run every ``every``; the function is returned as is."""

    def decorate(func: JobFunction) -> JobFunction:
        registry.register(func, every=every, lease=lease)
        return func

    return decorate


def discover_jobs() -> None:
    """Import each installed app's ``jobs`` module, so its ``@periodic`` functions register."""
    autodiscover_modules("jobs")


@dataclass(frozen=True)
class JobRun:
    name: str
    error: str  # the exception class name, or "" when the job succeeded

    @property
    def ok(self) -> bool:
        return not self.error


class Scheduler:
    """Runs the due jobs of a registry, claiming each run so no other scheduler repeats it."""

    def __init__(
        self,
        *,
        registry: JobRegistry,
        scheduler_id: str = "",
        clock: Callable[[], datetime] = timezone.now,
    ) -> None:
        self.registry = registry
        self.id = scheduler_id or _new_scheduler_id()
        self.clock = clock
        self.stopping = False

    def stop(self) -> None:
        """Stop after the job running now; safe to call from a signal handler."""
        self.stopping = True

    def run_due(self) -> list[JobRun]:
        """Run, once each, the jobs due now that this scheduler manages to claim."""
        runs = []
        schedule = self._schedule()
        for job in self.registry:
            if self.stopping:
                break
            if _due_at(*schedule[job.name]) <= self.clock() and self._claim(job):
                runs.append(self._run(job))
        return runs

    def run_forever(self, *, interval: float) -> None:
        """Run due jobs until ``stop()``, looking at the schedule at least every ``interval`` s."""
        logger.info("Scheduler %s started with %d periodic jobs", self.id, len(self.registry))
        while not self.stopping:
            close_old_connections()
            try:
                self.run_due()
                wait = self._seconds_until_due()
            except DatabaseError as exc:
                # A database restart should not end the scheduler; try again shortly.
                logger.error("Scheduler %s lost the database: %s", self.id, type(exc).__name__)
                wait = interval
            self._sleep(min(max(wait, MIN_WAIT_SECONDS), interval))
        logger.info("Scheduler %s stopped", self.id)

    def _schedule(self) -> dict[str, tuple[datetime, datetime | None]]:
        """Each job's next run and lock expiry, creating the rows of jobs new to the database."""
        names = [job.name for job in self.registry]
        rows = ScheduledJobLease.objects.filter(name__in=names)
        schedule = {
            name: (due, locked)
            for name, due, locked in rows.values_list("name", "next_run_at", "locked_until")
        }
        missing = [name for name in names if name not in schedule]
        if missing:
            now = self.clock()
            ScheduledJobLease.objects.bulk_create(
                [ScheduledJobLease(name=name, next_run_at=now) for name in missing],
                ignore_conflicts=True,  # another scheduler may create them at the same moment
            )
            schedule.update({name: (now, None) for name in missing})
        return schedule

    def _seconds_until_due(self) -> float:
        schedule = self._schedule()
        if not schedule:
            return float("inf")
        soonest = min(_due_at(due, locked) for due, locked in schedule.values())
        return (soonest - self.clock()).total_seconds()

    def _claim(self, job: PeriodicJob) -> bool:
        now = self.clock()
        claimable = ScheduledJobLease.objects.filter(name=job.name, next_run_at__lte=now).filter(
            Q(locked_until__isnull=True) | Q(locked_until__lte=now)
        )
        with transaction.atomic():
            # PostgreSQL: skip a row another scheduler is claiming rather than wait for it.
            lease = claimable.select_for_update(skip_locked=True).first()
            if lease is None:
                return False
            # SQLite has no row locks, so the update repeats the conditions and counts: only one
            # scheduler's update can match.
            return bool(
                claimable.update(
                    next_run_at=_next_run(lease.next_run_at, every=job.every, now=now),
                    locked_until=now + job.lease,
                    locked_by=self.id,
                    last_started_at=now,
                )
            )

    def _run(self, job: PeriodicJob) -> JobRun:
        error = INTERRUPTED
        try:
            job.func()
            error = ""
        except Exception as exc:  # one failing job must not stop the others
            error = type(exc).__name__
            # The class name only: exception messages can carry personal data.
            logger.error("Periodic job %s failed with %s", job.name, error)
        finally:
            self._release(job, error=error)
        return JobRun(job.name, error)

    def _release(self, job: PeriodicJob, *, error: str) -> None:
        released = ScheduledJobLease.objects.filter(name=job.name, locked_by=self.id).update(
            locked_until=None, locked_by="", last_finished_at=self.clock(), last_error=error
        )
        if not released:
            logger.warning("Periodic job %s outlived its lease of %s", job.name, job.lease)

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.1))


def _due_at(next_run_at: datetime, locked_until: datetime | None) -> datetime:
    """When a job can next be claimed: when it is due and nobody holds it."""
    return max(next_run_at, locked_until) if locked_until else next_run_at


def _next_run(due: datetime, *, every: timedelta, now: datetime) -> datetime:
    """The next due time on the job's own cadence; after downtime, skip the missed runs."""
    following = due + every
    return following if following > now else now + every


def _new_scheduler_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(8)}"
