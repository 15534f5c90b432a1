"""``python -m onegate.core.after_web COMMAND ...``: start COMMAND once the web server answers.

``make run`` starts the web server, task worker, scheduler and mail catcher at once; on a small
machine the four Django start-ups share the CPU and the web server answers seconds later than it
would alone. The Procfile starts the others through this module: it waits until
``$SITE_URL/healthz`` answers (at most ``ONEGATE_AFTER_WEB_SECONDS``, 60 by default), then
becomes COMMAND. Without ``SITE_URL`` it starts COMMAND at once. Standard library only: it starts
in a few milliseconds and never imports Django.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request

POLL_SECONDS = 0.25
# Our own server on this machine: never through a proxy that HTTP(S)_PROXY may name.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def web_answers(url: str) -> bool:
    try:
        with _DIRECT.open(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_for_web(site_url: str, longest: float) -> bool:
    """True once ``site_url``'s /healthz answers 200; False after ``longest`` seconds."""
    url = site_url.rstrip("/") + "/healthz"
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        if web_answers(url):
            return True
        time.sleep(POLL_SECONDS)
    return False


def main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write("usage: python -m onegate.core.after_web COMMAND [ARGUMENT ...]\n")
        return 2
    site_url = os.environ.get("SITE_URL", "")
    if site_url:
        try:
            wait_for_web(site_url, float(os.environ.get("ONEGATE_AFTER_WEB_SECONDS", "60")))
        except KeyboardInterrupt:
            return 130
    os.execvp(argv[0], argv)  # noqa: S606 (the Procfile's own command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
