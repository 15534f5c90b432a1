"""The scheduler: due jobs run once, failures stay contained, leases stop double runs."""

from __future__ import annotations

import logging
import signal
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connections, transaction
from django.utils import timezone

from onegate.core import scheduling
from onegate.core.models import ScheduledJobLease
from onegate.core.scheduling import JobRegistry, PeriodicJob, Scheduler, periodic

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))


class Clock:
    """A settable clock for the scheduler, so tests move time instead of waiting."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class JobFailedError(Exception):
    pass


@pytest.fixture
def job_registry(monkeypatch: pytest.MonkeyPatch) -> JobRegistry:
    """An empty registry in place of the real one, after the real jobs modules are imported."""
    scheduling.discover_jobs()
    fresh = JobRegistry()
    monkeypatch.setattr(scheduling, "registry", fresh)
    return fresh


@pytest.fixture
def calls() -> Counter[str]:
    return Counter()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def counting_job(calls: Counter[str], name: str) -> Callable[[], None]:
    def job() -> None:
        calls[name] += 1

    job.__qualname__ = name
    return job


def failing_job(calls: Counter[str], name: str) -> Callable[[], None]:
    def job() -> None:
        calls[name] += 1
        raise JobFailedError("citizen 1234567890123 not found")

    job.__qualname__ = name
    return job


def lease_of(job: PeriodicJob) -> ScheduledJobLease:
    return ScheduledJobLease.objects.get(name=job.name)


class TestRegistering:
    def test_periodic_registers_the_function_and_returns_it_unchanged(
        self, job_registry: JobRegistry
    ) -> None:
        def chain_things() -> None: ...

        decorated = periodic(every=timedelta(seconds=1))(chain_things)

        assert decorated is chain_things
        [job] = job_registry
        assert job.name == f"{__name__}.{chain_things.__qualname__}"
        assert job.every == timedelta(seconds=1)
        assert job.lease == scheduling.MIN_LEASE

    def test_the_lease_follows_the_period_within_bounds(
        self, job_registry: JobRegistry, calls: Counter[str]
    ) -> None:
        often = job_registry.register(counting_job(calls, "often"), every=timedelta(minutes=5))
        assert often.lease == timedelta(minutes=5)
        daily = job_registry.register(counting_job(calls, "daily"), every=timedelta(days=1))
        assert daily.lease == scheduling.MAX_LEASE

    def test_two_jobs_may_not_share_a_name(
        self, job_registry: JobRegistry, calls: Counter[str]
    ) -> None:
        job_registry.register(counting_job(calls, "twin"), every=timedelta(minutes=1))
        with pytest.raises(ImproperlyConfigured, match="Two periodic jobs"):
            job_registry.register(counting_job(calls, "twin"), every=timedelta(minutes=1))

    def test_a_job_needing_arguments_is_refused(self, job_registry: JobRegistry) -> None:
        def needs(day: str) -> None: ...

        with pytest.raises(ImproperlyConfigured, match="no arguments"):
            job_registry.register(needs, every=timedelta(minutes=1))  # type: ignore[arg-type]

    def test_a_period_must_be_positive(self, job_registry: JobRegistry) -> None:
        with pytest.raises(ImproperlyConfigured, match="positive"):
            job_registry.register(lambda: None, every=timedelta(0))


class TestRunningDueJobs:
    def test_a_due_job_runs_once_and_then_waits_for_its_period(
        self, job_registry: JobRegistry, calls: Counter[str], clock: Clock
    ) -> None:
        job = job_registry.register(counting_job(calls, "tick"), every=timedelta(minutes=1))
        scheduler = Scheduler(registry=job_registry, clock=clock)

        assert [run.name for run in scheduler.run_due()] == [job.name]  # new jobs are due at once
        assert scheduler.run_due() == []
        clock.advance(timedelta(seconds=59))
        assert scheduler.run_due() == []
        clock.advance(timedelta(seconds=1))
        scheduler.run_due()

        assert calls["tick"] == 2
        lease = lease_of(job)
        assert lease.next_run_at == T0 + timedelta(minutes=2)
        assert lease.last_started_at == T0 + timedelta(minutes=1)
        assert lease.last_finished_at == T0 + timedelta(minutes=1)
        assert (lease.locked_until, lease.locked_by, lease.last_error) == (None, "", "")

    def test_a_job_not_yet_due_does_not_run(
        self, job_registry: JobRegistry, calls: Counter[str], clock: Clock
    ) -> None:
        job = job_registry.register(counting_job(calls, "later"), every=timedelta(minutes=1))
        ScheduledJobLease.objects.create(name=job.name, next_run_at=T0 + timedelta(seconds=1))

        assert Scheduler(registry=job_registry, clock=clock).run_due() == []
        assert calls["later"] == 0

    def test_after_downtime_missed_runs_are_skipped_not_replayed(
        self, job_registry: JobRegistry, calls: Counter[str], clock: Clock
    ) -> None:
        job = job_registry.register(counting_job(calls, "missed"), every=timedelta(minutes=1))
        ScheduledJobLease.objects.create(name=job.name, next_run_at=T0 - timedelta(hours=3))

        scheduler = Scheduler(registry=job_registry, clock=clock)
        scheduler.run_due()
        scheduler.run_due()

        assert calls["missed"] == 1
        assert lease_of(job).next_run_at == T0 + timedelta(minutes=1)

    def test_a_failing_job_records_its_error_and_the_others_still_run(
        self,
        job_registry: JobRegistry,
        calls: Counter[str],
        clock: Clock,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        broken = job_registry.register(failing_job(calls, "broken"), every=timedelta(minutes=1))
        healthy = job_registry.register(counting_job(calls, "healthy"), every=timedelta(minutes=1))

        with caplog.at_level(logging.ERROR, logger="onegate.core.scheduling"):
            runs = Scheduler(registry=job_registry, clock=clock).run_due()

        assert [(run.name, run.error) for run in runs] == [
            (broken.name, "JobFailedError"),
            (healthy.name, ""),
        ]
        assert calls == {"broken": 1, "healthy": 1}
        assert lease_of(broken).last_error == "JobFailedError"
        assert lease_of(broken).locked_until is None
        assert lease_of(healthy).last_error == ""
        assert "JobFailedError" in caplog.text
        assert "1234567890123" not in caplog.text  # the class name only, never the message

    def test_a_later_success_clears_the_last_error(
        self, job_registry: JobRegistry, clock: Clock
    ) -> None:
        outcomes = iter([JobFailedError(), None])

        def sometimes() -> None:
            if (outcome := next(outcomes)) is not None:
                raise outcome

        job = job_registry.register(sometimes, every=timedelta(minutes=1))
        scheduler = Scheduler(registry=job_registry, clock=clock)
        scheduler.run_due()
        clock.advance(timedelta(minutes=1))
        scheduler.run_due()

        assert lease_of(job).last_error == ""


class TestSeveralSchedulers:
    def test_a_job_runs_once_when_two_schedulers_look_in_turn(
        self, job_registry: JobRegistry, calls: Counter[str], clock: Clock
    ) -> None:
        job_registry.register(counting_job(calls, "shared"), every=timedelta(minutes=1))
        first = Scheduler(registry=job_registry, scheduler_id="a", clock=clock)
        second = Scheduler(registry=job_registry, scheduler_id="b", clock=clock)

        first.run_due()
        second.run_due()

        assert calls["shared"] == 1

    def test_a_held_lease_keeps_other_schedulers_off_until_it_expires(
        self, job_registry: JobRegistry, calls: Counter[str], clock: Clock
    ) -> None:
        job = job_registry.register(counting_job(calls, "held"), every=timedelta(seconds=1))
        # Scheduler "a" claimed the run and is still running it (or died while running it).
        ScheduledJobLease.objects.create(
            name=job.name,
            next_run_at=T0 - timedelta(seconds=5),
            locked_until=T0 + timedelta(seconds=30),
            locked_by="a",
        )
        other = Scheduler(registry=job_registry, scheduler_id="b", clock=clock)

        assert other.run_due() == []
        clock.advance(timedelta(seconds=30))
        assert [run.name for run in other.run_due()] == [job.name]
        assert calls["held"] == 1

    def test_a_job_that_outlives_its_lease_does_not_release_the_new_holders_lease(
        self, job_registry: JobRegistry, clock: Clock, caplog: pytest.LogCaptureFixture
    ) -> None:
        def slow() -> None:
            # While this runs past its lease, scheduler "b" takes the job over.
            ScheduledJobLease.objects.filter(name=job.name).update(locked_by="b")

        job = job_registry.register(slow, every=timedelta(minutes=1))
        with caplog.at_level(logging.WARNING, logger="onegate.core.scheduling"):
            Scheduler(registry=job_registry, scheduler_id="a", clock=clock).run_due()

        assert lease_of(job).locked_by == "b"
        assert lease_of(job).locked_until is not None
        assert "outlived its lease" in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_scheduler_skips_a_lease_another_is_claiming_without_waiting(
    job_registry: JobRegistry, calls: Counter[str]
) -> None:
    """On PostgreSQL a row another scheduler has locked is skipped, not waited for."""
    job = job_registry.register(counting_job(calls, "contested"), every=timedelta(minutes=1))
    ScheduledJobLease.objects.create(name=job.name, next_run_at=timezone.now())
    locked, release = threading.Event(), threading.Event()

    def other_scheduler_claiming() -> None:
        try:
            with transaction.atomic():
                ScheduledJobLease.objects.select_for_update().get(name=job.name)
                locked.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    other = threading.Thread(target=other_scheduler_claiming)
    other.start()
    try:
        assert locked.wait(timeout=10)
        assert Scheduler(registry=job_registry).run_due() == []  # returns at once: no deadlock
    finally:
        release.set()
        other.join()
    assert [run.name for run in Scheduler(registry=job_registry).run_due()] == [job.name]
    assert calls["contested"] == 1


@pytest.mark.django_db(transaction=True)  # the loop closes stale connections, as in production
class TestStopping:
    def test_stop_ends_the_loop_after_the_current_job(
        self, job_registry: JobRegistry, calls: Counter[str]
    ) -> None:
        scheduler = Scheduler(registry=job_registry)

        def stops() -> None:
            calls["stops"] += 1
            scheduler.stop()

        job_registry.register(stops, every=timedelta(seconds=1))
        job_registry.register(counting_job(calls, "after"), every=timedelta(seconds=1))

        scheduler.run_forever(interval=0.01)  # returns rather than looping forever

        assert calls == {"stops": 1}
        assert ScheduledJobLease.objects.get(name__endswith="stops").locked_until is None

    @pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
    def test_the_command_exits_cleanly_on_a_signal_after_finishing_the_job(
        self, job_registry: JobRegistry, calls: Counter[str], signum: signal.Signals
    ) -> None:
        def signalled() -> None:
            signal.raise_signal(signum)  # arrives while this job is running
            calls["signalled"] += 1

        periodic(every=timedelta(seconds=1))(signalled)
        periodic(every=timedelta(seconds=1))(counting_job(calls, "after"))
        before = signal.getsignal(signum)

        call_command("scheduler", "--interval", "0.01")  # returns: exit status 0

        assert calls == {"signalled": 1}
        assert signal.getsignal(signum) is before


class TestOnce:
    def test_once_runs_the_due_jobs_and_exits(
        self, job_registry: JobRegistry, calls: Counter[str]
    ) -> None:
        periodic(every=timedelta(minutes=1))(counting_job(calls, "cron"))

        call_command("scheduler", "--once")
        call_command("scheduler", "--once")

        assert calls["cron"] == 1

    def test_once_fails_when_a_job_failed_after_running_the_others(
        self, job_registry: JobRegistry, calls: Counter[str]
    ) -> None:
        periodic(every=timedelta(minutes=1))(failing_job(calls, "broken"))
        periodic(every=timedelta(minutes=1))(counting_job(calls, "fine"))

        with pytest.raises(CommandError, match="broken"):
            call_command("scheduler", "--once")
        assert calls == {"broken": 1, "fine": 1}
