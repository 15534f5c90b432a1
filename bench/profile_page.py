"""Where one page's time goes: call OneGate's WSGI application in-process and profile it.

    .venv/bin/python bench/profile_page.py /th/ [--requests 1000] [--top 30]

No server and no network: the request goes straight to ``config.wsgi.application`` with the
settings ``make bench`` uses (``config.settings.local``, the bench database), so the time per
request printed here is the CPU cost of the page on one core, and the cProfile listing (sorted by
cumulative time) says which functions spend it. Run ``make bench`` once first: it prepares the
database. Standard library only, like ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
WARM_UP_REQUESTS = 200

WsgiApplication = Callable[..., Iterable[bytes]]


def wsgi_environ(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }


def call(application: WsgiApplication, url: str) -> str:
    """One request; returns the status line."""
    statuses: list[str] = []

    def start_response(status: str, headers: object, exc_info: object = None) -> None:
        statuses.append(status)

    b"".join(application(wsgi_environ(url), start_response))  # the body, read as a server would
    return statuses[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="path and query, e.g. /search/?q=passport")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()

    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onegate_bench")
    from config.wsgi import application

    for _ in range(WARM_UP_REQUESTS):
        status = call(application, args.url)
    started = time.perf_counter()
    for _ in range(args.requests):
        call(application, args.url)
    per_request = (time.perf_counter() - started) / args.requests
    print(f"{args.url}: HTTP {status}, {per_request * 1000:.2f} ms per request on one core")

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        call(application, args.url)
    profiler.disable()
    listing = io.StringIO()
    pstats.Stats(profiler, stream=listing).sort_stats("cumulative").print_stats(args.top)
    print(shorten_paths(listing.getvalue()))


def shorten_paths(text: str) -> str:
    """Paths relative to the project or to site-packages, so each line says whose code it is."""
    for prefix in sorted({p for p in sys.path if p.endswith("site-packages")}, key=len)[::-1]:
        text = text.replace(prefix + os.sep, "")
    return text.replace(str(ROOT) + os.sep, "")


if __name__ == "__main__":
    main()
