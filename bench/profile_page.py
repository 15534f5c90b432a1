"""Where one page's time goes: call OneGate's WSGI application in-process and profile it.

    .venv/bin/python bench/profile_page.py /th/ [--requests 1000] [--top 30]

A signed-in page, e.g. the runner's question page on the database ``make bench-runner``
prepares (``{draft}`` is the account's newest draft application):

    .venv/bin/python bench/profile_page.py /apply/{draft}/page/health_centre/ \
        --database-url postgres://postgres@127.0.0.1:5432/runner_bench \
        --sign-in runner-bench-0@example.test

No server and no network: the request goes straight to ``config.wsgi.application`` with the
settings ``make bench`` uses (``config.settings.local``, the bench database), so the time per
request printed here is the cost of the page on one core (wall time, and the process's CPU time,
which is what counts on a busy machine), with the number of SQL statements it sends; the
cProfile listing (sorted by cumulative time) says which functions spend it. ``--sign-in`` makes a
fresh session for that existing account, as a password and an authenticator app leave it, and
sends its cookie. Run ``make bench`` (or ``make bench-runner``) once first: it prepares the
database. Standard library only, like ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from harness import environment

ROOT = Path(__file__).resolve().parent.parent
WARM_UP_REQUESTS = 200
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/onegate_bench"

WsgiApplication = Callable[..., Iterable[bytes]]


def wsgi_environ(url: str, cookie: str = "") -> dict[str, object]:
    parts = urlsplit(url)
    environ: dict[str, object] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def call(application: WsgiApplication, url: str, cookie: str = "") -> str:
    """One request; returns the status line."""
    statuses: list[str] = []

    def start_response(status: str, headers: object, exc_info: object = None) -> None:
        statuses.append(status)

    # The body, read as a server would.
    b"".join(application(wsgi_environ(url, cookie), start_response))
    return statuses[0]


def signed_in(email: str, url: str) -> tuple[str, str]:
    """A fresh session for the account ``email`` (its cookie) and ``url`` with ``{draft}``
    replaced by the account's newest draft application."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from onegate.identity.middleware import LAST_SEEN_KEY, SIGNED_IN_AT_KEY
    from onegate.identity.models import User

    user = User.objects.filter(email=email.lower()).first()
    if user is None:
        raise SystemExit(f"bench/profile_page: no account {email} in this database")
    if "{draft}" in url:
        from onegate.runner.models import Application

        draft = Application.objects.filter(user=user, status="draft").order_by("-created_at")
        found = draft.first()
        if found is None:
            raise SystemExit(f"bench/profile_page: {email} has no draft application")
        url = url.replace("{draft}", str(found.pk))
    now = time.time()
    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            AUTHENTICATION_METHODS_SESSION_KEY: [
                {"method": "password", "at": now, "email": user.email},
                {"method": "mfa", "at": now, "type": "totp"},
            ],
            "account_authentication_methods_user": str(user.pk),
            SIGNED_IN_AT_KEY: now,
            LAST_SEEN_KEY: now,
        }
    )
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}", url


def statements_sent(application: WsgiApplication, url: str, cookie: str) -> int:
    """How many SQL statements one request sends."""
    from django.db import connection

    sent = 0

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal sent
        sent += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        call(application, url, cookie)
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="path and query, e.g. /search/?q=passport")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--database-url", help="default: DATABASE_URL, else the bench database")
    parser.add_argument("--sign-in", metavar="EMAIL", help="as this account, in a new session")
    args = parser.parse_args()

    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    database_url = args.database_url or os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    # The servers' environment (a fresh key, a throwaway var/ folder), static files collected
    # into it so that pages can name them.
    os.environ.update(environment(database_url, Path(tempfile.mkdtemp(prefix="profile-page-"))))
    from django.core.management import call_command

    from config.wsgi import application

    call_command("collectstatic", interactive=False, verbosity=0)

    url, cookie = args.url, ""
    if args.sign_in:
        cookie, url = signed_in(args.sign_in, url)
    for _ in range(WARM_UP_REQUESTS):
        status = call(application, url, cookie)
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(args.requests):
        call(application, url, cookie)
    per_request = (time.perf_counter() - started) / args.requests
    cpu_per_request = (time.process_time() - cpu_started) / args.requests
    statements = statements_sent(application, url, cookie)
    print(
        f"{url}: HTTP {status}, {per_request * 1000:.2f} ms per request on one core "
        f"({cpu_per_request * 1000:.2f} ms CPU), {statements} SQL statements"
    )

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        call(application, url, cookie)
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
