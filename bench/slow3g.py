"""``python bench/slow3g.py``: how soon a person on a slow mobile network can use the runner's
pages — the child health card's first question page and its "check your answers".

What it measures, for each page, ``--runs`` times (default 5) with a cold cache, reporting the
median (and the fastest and slowest):

* DOMContentLoaded and load (the Navigation Timing marks, from the start of navigation);
* "interactive": the first animation frame at which the page has been painted (its first
  contentful paint is recorded), its main button ("Continue", "Accept and send") is enabled and
  its first answer takes the focus;
* first contentful paint and the bytes transferred, to explain the rest.

The network is Chromium's own throttling through the DevTools protocol
(``Network.emulateNetworkConditions``), the "Slow 3G" profile: 400 ms round trip, 400 kbit/s
down, 400 kbit/s up; the browser cache is disabled and every run has a new browser context.

How: a fresh SQLite database in a temporary folder (``--database-url`` for another; a
PostgreSQL one is created when missing) gets the demo catalogue and definitions, a parent with
a child, a signed-in session and two drafts, through bench/runner.py's own preparation (one
draft started, one complete up to "check your answers"). The Procfile's granian serves OneGate
on 127.0.0.1 with the demo's production settings (whitenoise's compressed static files); Debian's
Chromium (``/usr/bin/chromium``, through Playwright) opens the pages. The server is stopped
whatever happens.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from harness import database_create, environment, free_port, granian_command, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"]
PROFILE = {"name": "Slow 3G", "latency_ms": 400, "down_kbit_s": 400, "up_kbit_s": 400}
SESSION_COOKIE = "sessionid"
CONTINUE = "main form button[name=action][value=continue]:not(.govuk-visually-hidden)"
SEND = "main form[action$='/check-answers/'] button.govuk-button"

# When the page can be used (ms from the start of navigation), else false: painted (its first
# contentful paint recorded), the button enabled and the first answer focusable. Polled on
# animation frames.
INTERACTIVE = """(selector) => {
  const button = document.querySelector(selector);
  const first = document.querySelector(
    "main form input:not([type=hidden]), main form select, main form textarea");
  const painted = performance.getEntriesByName("first-contentful-paint").length > 0;
  if (!painted || !button || button.disabled || !first) return false;
  first.focus({preventScroll: true});
  const ok = document.activeElement === first;
  first.blur();
  return ok ? performance.now() : false;
}"""

TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const resources = performance.getEntriesByType("resource");
  return {
    dom_content_loaded: nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd,
    first_contentful_paint: paint ? paint.startTime : null,
    bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    requests: 1 + resources.length,
  };
}"""


def say(message: str) -> None:
    print(f"bench/slow3g: {message}", file=sys.stderr, flush=True)


def prepared() -> dict[str, str]:
    """The demo data, a signed-in parent, a started draft and a complete one (bench/runner.py's
    preparation, for one parent)."""
    import runner

    parent = runner.prepare(1)[0]
    [(_index, complete, _token, _checksum)] = runner.complete_drafts([parent], 1)
    return {
        "session": parent["session"],
        "question page": f"/apply/{parent['draft']}/page/{runner.PAGE}/",
        "check your answers": f"/apply/{complete}/check-answers/",
    }


def visit(browser: Any, origin: str, session: str, path: str, button: str) -> dict[str, float]:
    """One cold visit of ``path`` on the throttled network; its timings in ms."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_cookies([{"name": SESSION_COOKIE, "value": session, "url": origin}])
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": PROFILE["latency_ms"],
                "downloadThroughput": PROFILE["down_kbit_s"] * 1000 / 8,
                "uploadThroughput": PROFILE["up_kbit_s"] * 1000 / 8,
            },
        )
        response = page.goto(origin + path, wait_until="commit", timeout=120_000)
        if response is None or response.status != 200:
            raise SystemExit(f"bench/slow3g: {path} answered {response and response.status}")
        interactive = page.wait_for_function(
            INTERACTIVE, arg=button, polling="raf", timeout=120_000
        ).json_value()
        page.wait_for_load_state("load", timeout=120_000)
        timings = dict(page.evaluate(TIMINGS))
        timings["interactive"] = float(interactive)
        return timings
    finally:
        context.close()


def warm_up(origin: str, pages: dict[str, str]) -> None:
    """Both of granian's workers have served both pages (and the static files) once."""
    import httpx

    with httpx.Client(base_url=origin, timeout=30) as client:
        client.cookies.set(SESSION_COOKIE, pages["session"])
        for _ in range(8):
            for label in ("question page", "check your answers"):
                client.get(pages[label]).raise_for_status()
            client.get("/static/onegate.css").raise_for_status()


def measure(origin: str, pages: dict[str, str], runs: int) -> dict[str, list[dict[str, float]]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, list[dict[str, float]]] = {}
    buttons = {"question page": CONTINUE, "check your answers": SEND}
    warm_up(origin, pages)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        say(f"Chromium {browser.version}")
        try:
            for label, button in buttons.items():
                visit(browser, origin, pages["session"], pages[label], button)  # browser warm-up
                results[label] = []
                for run in range(runs):
                    timings = visit(browser, origin, pages["session"], pages[label], button)
                    results[label].append(timings)
                    say(f"{label}, run {run + 1}: interactive {timings['interactive']:.0f} ms")
        finally:
            browser.close()
    return results


def report(results: dict[str, list[dict[str, float]]], runs: int) -> None:
    print(
        f"\n### Runner on {PROFILE['name']} ({PROFILE['latency_ms']} ms round trip, "
        f"{PROFILE['down_kbit_s']} kbit/s down, {PROFILE['up_kbit_s']} kbit/s up; cold cache; "
        f"median of {runs} runs, fastest to slowest)\n"
    )
    print("| page | DOMContentLoaded | load | interactive | first paint | transferred |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, visits in results.items():

        def cell(key: str, visits: list[dict[str, float]] = visits) -> str:
            values = [v[key] for v in visits if v[key] is not None]
            if not values:
                return "n/a"
            return (
                f"{statistics.median(values) / 1000:.2f} s "
                f"({min(values) / 1000:.2f} to {max(values) / 1000:.2f})"
            )

        size = statistics.median(v["bytes"] for v in visits) / 1024
        requests = int(statistics.median(v["requests"] for v in visits))
        print(
            f"| {label} | {cell('dom_content_loaded')} | {cell('load')} | "
            f"{cell('interactive')} | {cell('first_contentful_paint')} | "
            f"{size:,.0f} KiB in {requests} requests |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"bench/slow3g: no Chromium at {CHROMIUM} (apt-get install chromium)")

    workdir = Path(tempfile.mkdtemp(prefix="slow3g-bench-"))
    database_url = options.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = environment(database_url, workdir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    if database_url.startswith("postgres"):
        database_create(database_url, say)
    say("preparing the demo services, a parent and two drafts")
    pages = prepared()
    from django.db import connections

    connections.close_all()

    port = free_port()
    server = subprocess.Popen(granian_command(port), cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_until_up(port, name="slow3g")
        say(f"{PROFILE['name']}: {options.runs} cold visits of each page")
        results = measure(f"http://127.0.0.1:{port}", pages, options.runs)
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server started here, and its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    report(results, options.runs)


if __name__ == "__main__":
    main()
