"""``python -m onegate.core.after_web``: the Procfile's worker, scheduler and mail catcher start
once the web server answers, and start anyway when it does not."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from django.conf import settings


def start(site_url: str, seconds: str = "1") -> tuple[str, float]:
    environment = {**os.environ, "SITE_URL": site_url, "ONEGATE_AFTER_WEB_SECONDS": seconds}
    began = time.monotonic()
    found = subprocess.run(
        [sys.executable, "-m", "onegate.core.after_web", sys.executable, "-c", "print('started')"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return found.stdout.strip(), time.monotonic() - began


def test_it_starts_the_command_once_the_web_server_answers(live_server: object) -> None:
    printed, seconds = start(str(live_server), seconds="30")

    assert printed == "started"
    assert seconds < 30  # it did not wait out its longest wait


def test_without_a_web_server_it_starts_the_command_after_its_longest_wait() -> None:
    printed, seconds = start("http://127.0.0.1:9", seconds="1")  # nothing listens on port 9

    assert printed == "started"
    assert seconds >= 1


def test_without_site_url_it_starts_the_command_at_once() -> None:
    printed, seconds = start("", seconds="30")

    assert printed == "started"
    assert seconds < 10  # it did not wait for a web server
