"""What the benchmarks that run the real server share: a free port, the demo's settings on a
bench database with a fresh signing key, creating that PostgreSQL database, the Procfile's own
web command line, and waiting for ``/healthz``."""

from __future__ import annotations

import os
import secrets
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(database_url: str, workdir: Path) -> dict[str, str]:
    """The server's environment: the demo's settings on a bench database and a fresh key."""
    key_file = workdir / "oidc_rsa_key.pem"
    subprocess.run(
        [sys.executable, "-m", "onegate.identity.oidc.keys", str(key_file)], cwd=ROOT, check=True
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "OIDC_RSA_PRIVATE_KEY": str(key_file),
        "ONEGATE_VAR_DIR": str(workdir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }


def database_create(database_url: str, say: Callable[[str], None]) -> None:
    """Create the PostgreSQL database named in ``database_url`` if it is missing."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            say(f"creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')


def granian_command(port: int) -> list[str]:
    """The Procfile's web line, on ``port``."""
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    command = shlex.split(line.removeprefix("web:").replace("$PORT", str(port)))
    command[0] = str(Path(sys.executable).parent / command[0])
    return command


def wait_until_up(port: int, *, name: str, tries: int = 150) -> None:
    """Wait for the server's ``/healthz``; stop the bench named ``name`` if it never answers."""
    for _ in range(tries):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"bench/{name}: the server did not start")


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` (0 to 1) of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def python_reference_ms() -> float:
    """How fast this machine runs Python now: the best of five runs of a fixed loop, in ms.

    Compare CPU figures between runs or machines only in proportion to this.
    """
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        total = 0
        for number in range(1_000_000):
            total += number
        best = min(best, time.process_time() - started)
    return best * 1000
