"""What the cases browser tests share: the live server with the demo services published (and the
cases deleted before the applications they keep), people and officers at their own browsers,
the background worker run in this process, and looking at a page (axe, sideways scrolling, a
screenshot into test-artifacts/screenshots/cases-<name>-<lang>-<width>.png).

There is no worker process beside the live server: once a person has sent an application, the
test runs the queued tasks itself (``run_tasks``: the runner's announcement, the case's opening
and its automatic decision, the messages), as ``manage.py db_worker`` would.
"""

from __future__ import annotations

import fcntl
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from onegate.cases.models import Case
from onegate.cases.tests.factories import run_tasks
from onegate.definitions.selectors import definition_cache_clear
from tests.browser.conftest import axe_violations, format_violations, screenshot
from tests.browser.test_runner_journey import (  # noqa: F401 (fixtures)
    SCREENSHOTS,
    Person,
    person_at_fixture,
    runner_site_fixture,
    session_cookie,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

__all__ = [
    "ARTIFACTS",
    "Person",
    "accessibility_problems",
    "artifact_update",
    "cases_delete",
    "error_summary",
    "main_text",
    "run_tasks",
    "session_cookie",
    "shoot",
    "sideways",
    "sideways_culprits",
]


def cases_delete() -> None:
    """Every case, reviews before what they review (``review_of`` protects the refused case),
    so the runner's fixture can then delete the applications. Entitlements go first: an
    approval grants one, and it protects the case that granted it."""
    from onegate.credentials.models import Entitlement

    Entitlement.objects.all().delete()
    while Case.objects.exists():
        Case.objects.filter(reviews__isnull=True).delete()


@pytest.fixture(name="cases_site")
def cases_site_fixture(runner_site: str) -> Iterator[str]:
    """The live server with the demo catalogue and services; nothing of cases left after."""
    cache.clear()
    definition_cache_clear()
    yield runner_site
    cases_delete()
    definition_cache_clear()
    cache.clear()


def artifact_update(name: str, entries: dict[str, Any]) -> None:
    """Add ``entries`` to the JSON object in test-artifacts/``name`` (what other tests wrote is
    kept; a lock, because ``pytest -n`` runs tests side by side)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / name
    with (ARTIFACTS / f".{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = json.loads(target.read_text()) if target.exists() else {}
        found.update(entries)
        text = json.dumps(dict(sorted(found.items())), indent=2, ensure_ascii=False)
        target.write_text(text + "\n")


# --- looking at pages ---------------------------------------------------------------------------


def main_text(person: Person) -> str:
    return str(person.page.locator("main").inner_text())


def error_summary(person: Person) -> str:
    """The error summary's text ('' when there is none)."""
    summary = person.page.locator(".govuk-error-summary")
    return str(summary.inner_text()) if summary.count() else ""


def sideways(page: Any) -> int:
    """How far the page scrolls sideways (0: not at all)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


# The innermost elements that reach past the window's right edge, as tag#id.class (at most 5).
_CULPRITS = """() => {
  const wide = [...document.querySelectorAll('body *')].filter(
    (e) => e.getBoundingClientRect().right > window.innerWidth + 1);
  const inner = wide.filter((e) => ![...e.children].some((c) => wide.includes(c)));
  return inner.slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (e.className && typeof e.className === 'string'
       ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
    + ' "' + (e.textContent || '').trim().slice(0, 30) + '"');
}"""


def sideways_culprits(page: Any) -> list[str]:
    """What sticks out to the right (for the report of a page that scrolls sideways)."""
    return list(page.evaluate(_CULPRITS))


def shoot(page: Any, name: str, language: str, width: int) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"cases-{name}-{language}-{width}.png"
    screenshot(page, path)
    return path


def accessibility_problems(page: Any, name: str) -> list[str]:
    """axe-core's violations on the page (the other browser tests' rule tags), as lines."""
    violations = axe_violations(page)
    return [f"{name}:\n{format_violations(violations)}"] if violations else []


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)
