"""The browser harness: a live server, Debian's Chromium driven by Playwright, and axe-core.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``make test`` when missing); Playwright
never downloads a browser. axe-core comes from npm (``node_modules/axe-core``). Where Chromium is
missing the tests skip with a loud reason, and under ``CI=true`` that skip is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.servers.basehttp import ServerHandler

from conftest import skip_or_fail
from tests.browser.contexts import ContextPool

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"mobile": 320, "desktop": 1280}
LANGUAGE_PREFIX = {"en": "", "th": "/th"}
# Screenshots are for people to look at; CI has nobody to, so .ci/run turns them off.
SCREENSHOTS_ON = os.environ.get("ONEGATE_SCREENSHOTS", "1") != "0"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM}: run `make test` as root to install it")
    # Playwright's sync API runs an event loop in this thread; the Django test database calls
    # made by fixtures alongside it are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, pytest.MonkeyPatch.context() as patch:
        # Contexts are reused across tests: starting one is most of a short test's time. The
        # live server closes each connection after its response, so that no connection a
        # reused context kept alive outlives its test.
        patch.setattr(ServerHandler, "cleanup_headers", _cleanup_headers_and_close)
        browser = ContextPool(
            playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        )
        yield browser
        browser.close()


_django_cleanup_headers = ServerHandler.cleanup_headers


def _cleanup_headers_and_close(handler: Any) -> None:
    _django_cleanup_headers(handler)
    handler.headers["Connection"] = "close"
    handler.request_handler.close_connection = True


@pytest.fixture
def demo_site(live_server: Any, transactional_db: None) -> str:
    """The live server's address, with the demo catalogue loaded and nothing in the cache (a
    rate limit counted in an earlier test of this process must not refuse this one)."""
    cache.clear()
    call_command("load_catalogue", verbosity=0)
    return str(live_server.url)


@dataclass
class Visit:
    """A page opened at one width and language, ready for axe."""

    page: Any
    url: str

    def axe_violations(self) -> list[dict[str, Any]]:
        return axe_violations(self.page)


@pytest.fixture
def open_page(browser: Any, demo_site: str) -> Iterator[Any]:
    """``open_page(path, width=1280, javascript=True, axe=False, session=None)``: a page in a
    fresh context; ``session`` is a session cookie's value, to open it signed in."""
    contexts = []

    def _open(
        path: str,
        *,
        width: int = 1280,
        javascript: bool = True,
        axe: bool = False,
        session: str | None = None,
    ) -> Visit:
        # axe is injected as a script, which the site's strict CSP would (rightly) refuse.
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            bypass_csp=axe,
        )
        if session is not None:
            cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": demo_site}
            context.add_cookies([cookie])
        contexts.append(context)
        page = context.new_page()
        page.goto(demo_site + path)
        return Visit(page=page, url=demo_site + path)

    yield _open
    for context in contexts:
        context.close()


def screenshot(page: Any, path: Path | str, *, full_page: bool = True) -> None:
    """Save the page as a PNG at ``path`` (its folder made), unless ONEGATE_SCREENSHOTS=0."""
    if SCREENSHOTS_ON:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=full_page)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page, on the rule tags every browser test uses. The page's
    context must bypass CSP: axe goes in as a script, which the site's strict CSP refuses. Only
    violations are collected in full (``resultTypes``), which makes a run about twice as quick."""
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        "async (tags) => await axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]


def format_violations(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, indent=2, ensure_ascii=False)
