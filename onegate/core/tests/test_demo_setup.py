"""``manage.py demo_setup`` (``make run``, ``make demo``): a restart with nothing changed skips
the steps, anything changed runs them all, ``--fresh`` sets the demo's own database aside but
never touches anyone else's, and ``--banner`` says where to go."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from onegate.core.management.commands import demo_setup

pytestmark = pytest.mark.django_db

STEPS = ("migrate", "createcachetable", "collectstatic")


class Recorder:
    """Stands in for the steps (migrate, collectstatic, the loaders) and the system checks."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def call_command(self, name: str, *args: Any, **options: Any) -> None:
        if name == "demo_banner":
            call_command(name, *args, **options)
            return
        self.ran.append(name)

    def check(self, *args: Any, **options: Any) -> None:
        self.ran.append("check")


@pytest.fixture
def steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    """The steps recorded, not run; the last run's digest and the static files in ``tmp_path``."""
    recorder = Recorder()
    monkeypatch.setattr(demo_setup, "call_command", recorder.call_command)
    monkeypatch.setattr(demo_setup.Command, "check", recorder.check)
    monkeypatch.setattr(demo_setup, "DEMO_LOADERS", [("load_catalogue", []), ("load_demo_rp", [])])
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "staticfiles.json").write_text("{}")
    with override_settings(VAR_DIR=tmp_path, STATIC_ROOT=tmp_path / "static"):
        yield recorder


def run(*arguments: str) -> str:
    out = io.StringIO()
    call_command("demo_setup", *arguments, stdout=out)
    return out.getvalue()


def test_a_restart_with_nothing_changed_skips_every_step(steps: Recorder) -> None:
    run()
    steps.ran.clear()

    printed = run()

    assert "The demo government is up to date" in printed
    assert steps.ran == []


def test_the_first_run_checks_the_system_and_runs_every_step_in_order(steps: Recorder) -> None:
    printed = run()

    assert steps.ran == ["check", *STEPS, "load_catalogue", "load_demo_rp"]
    assert "Loading demo data (load_demo_rp)" in printed


@pytest.mark.parametrize(
    "change",
    ["settings", "day", "migrations due", "static files gone", "full asked for"],
)
def test_anything_changed_runs_every_step_again(
    steps: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    run()
    steps.ran.clear()
    arguments: list[str] = []

    # when something a load depends on changed since the last complete run
    if change == "settings":
        monkeypatch.setattr(demo_setup.settings, "SECRET_KEY", "another-secret-" * 4)
    elif change == "day":
        tomorrow = _tomorrow()
        monkeypatch.setattr(demo_setup.timezone, "localdate", lambda: tomorrow)
    elif change == "migrations due":
        monkeypatch.setattr(demo_setup, "_migrations_due", lambda: True)
    elif change == "static files gone":
        (tmp_path / "static" / "staticfiles.json").unlink()
    else:
        arguments.append("--full")
    printed = run(*arguments)

    assert "up to date" not in printed
    assert steps.ran[:4] == ["check", *STEPS]


def test_a_code_or_data_file_changed_runs_every_step_again(
    steps: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "project"
    (source / "onegate" / "tests").mkdir(parents=True)
    (source / "onegate" / "demo.yaml").write_text("people: 3\n")
    monkeypatch.setattr(demo_setup.settings, "BASE_DIR", source)
    run()
    steps.ran.clear()

    (source / "onegate" / "tests" / "test_demo.py").write_text("# tests are not read by a load")
    unchanged = run()
    (source / "onegate" / "demo.yaml").write_text("people: 4\n")
    changed = run()

    assert "up to date" in unchanged
    assert "up to date" not in changed
    assert "load_demo_rp" in steps.ran


def test_a_file_edited_while_the_steps_run_makes_the_next_run_load_again(
    steps: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "project"
    (source / "onegate").mkdir(parents=True)
    data = source / "onegate" / "demo.yaml"
    data.write_text("people: 3\n")
    monkeypatch.setattr(demo_setup.settings, "BASE_DIR", source)

    def edit_during(name: str, *args: Any, **options: Any) -> None:
        steps.call_command(name, *args, **options)
        if name == "load_demo_rp":  # someone saves a demo file while the loads run
            data.write_text("people: 40\n")

    monkeypatch.setattr(demo_setup, "call_command", edit_during)
    run()
    monkeypatch.setattr(demo_setup, "call_command", steps.call_command)
    steps.ran.clear()
    printed = run()

    assert "up to date" not in printed
    assert "load_demo_rp" in steps.ran


def test_a_run_that_stopped_half_way_is_not_taken_for_complete(
    steps: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    run()

    def fail(name: str, *args: Any, **options: Any) -> None:
        if name == "load_demo_rp":
            raise RuntimeError("stopped")

    monkeypatch.setattr(demo_setup, "call_command", fail)
    with pytest.raises(RuntimeError):
        run("--full")
    monkeypatch.setattr(demo_setup, "call_command", steps.call_command)
    steps.ran.clear()
    printed = run()

    assert "up to date" not in printed
    assert "load_demo_rp" in steps.ran


def test_fresh_never_drops_another_database_it_brings_it_up_to_date(steps: Recorder) -> None:
    run()
    steps.ran.clear()

    printed = run("--fresh")

    assert "Not starting afresh: the database is not the demo's own file" in printed
    assert "never drops a database" in printed
    assert steps.ran[:4] == ["check", *STEPS]


def test_fresh_sets_the_demo_file_aside_and_loads_a_new_demo(
    steps: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = tmp_path / "onegate.sqlite3"
    demo.write_text("the first demo")
    Path(f"{demo}-wal").write_text("its log")
    monkeypatch.setattr(demo_setup, "is_demo_file_database", lambda: True)
    # The test's own database stays open (the real one is closed before its file is renamed).
    monkeypatch.setattr(demo_setup.connection, "close", lambda: None)

    printed = run("--fresh")
    demo.write_text("the second demo")
    run("--fresh")  # within the same second, as likely as not: the first copy is kept too

    kept = list(tmp_path.glob("onegate.sqlite3.*.old"))
    assert "The demo database was moved to" in printed
    assert "loading a fresh demo" in printed
    assert sorted(path.read_text() for path in kept) == ["the first demo", "the second demo"]
    assert [path.read_text() for path in tmp_path.glob("onegate.sqlite3.*.old-wal")] == ["its log"]
    assert not demo.exists()
    assert steps.ran.count("load_demo_rp") == 2


def test_the_banner_says_where_to_go_after_the_steps_or_a_restart(steps: Recorder) -> None:
    first = run("--banner")
    restart = run("--banner")

    for printed in (first, restart):
        assert "OneGate demo government" in printed
        assert "/accounts/login/" in printed
        assert "emily.clarke@demo.onegate.test" in printed
    assert restart.index("up to date") < restart.index("OneGate demo government")


def _tomorrow() -> Any:
    import datetime as dt

    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=1)
