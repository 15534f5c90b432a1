"""Whole-app rule: every background task goes to a queue that a worker of ``make run`` consumes.

Tasks are found by importing each app's ``tasks`` module (and the samples the tests use); each
task's queue must be one the task backend accepts and one the Procfile's worker line consumes.
"""

from __future__ import annotations

import importlib
import shlex
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings
from django_tasks.base import Task

ROOT = Path(__file__).resolve().parent.parent
TASK_MODULES = [
    *(f"onegate.{path.parent.name}.tasks" for path in sorted(ROOT.glob("onegate/*/tasks.py"))),
    "onegate.core.tests.task_samples",
]


def tasks_in(module: ModuleType) -> list[Task]:
    return [value for value in vars(module).values() if isinstance(value, Task)]


def worker_queues(procfile: str) -> set[str]:
    line = next(line for line in procfile.splitlines() if line.startswith("worker:"))
    words = shlex.split(line.removeprefix("worker:"))
    return set(words[words.index("--queue-name") + 1].split(","))


def consumed(queue: str, queues: set[str]) -> bool:
    return "*" in queues or queue in queues


ALL_TASKS = [task for name in TASK_MODULES for task in tasks_in(importlib.import_module(name))]


def test_tasks_are_found():
    assert len(ALL_TASKS) >= 3  # the samples at least: the discovery itself works


@pytest.mark.parametrize("task", ALL_TASKS, ids=lambda task: task.module_path)
def test_every_task_has_a_worker(task):
    allowed = set(settings.TASKS["default"].get("QUEUES", []))
    assert task.queue_name in allowed, f"{task.module_path}: queue {task.queue_name!r} not in TASKS"
    queues = worker_queues((ROOT / "Procfile").read_text())
    assert consumed(task.queue_name, queues), f"no worker consumes {task.queue_name!r}"


def test_the_check_notices_an_unconsumed_queue():
    assert consumed("audit", {"default", "audit"})
    assert consumed("anything", {"*"})
    assert not consumed("reports", {"default"})
    assert worker_queues("web: x\nworker: manage.py db_worker --queue-name 'a,b'\n") == {"a", "b"}
