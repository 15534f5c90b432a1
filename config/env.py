"""The one object every setting is read through, and the checks that make bad values fail early.

Each variable read here is documented in docs/configuration.md. A bad value stops start-up with
one line naming the variable (see ``config.startup``), never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


class CheckedEnv(environ.Env):
    """``environ.Env`` whose bad values name their variable instead of raising a bare ValueError."""

    def get_value(self, var: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().get_value(var, *args, **kwargs)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(f"{var}: {type(exc).__name__}: {exc}") from exc


env = CheckedEnv()

SUPPORTED_DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


def database_from_env(default: str) -> dict[str, Any]:
    """Parse DATABASE_URL into Django's DATABASES entry, refusing anything we do not run on."""
    raw = env.str("DATABASE_URL", default=default)
    scheme = urlsplit(raw).scheme
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL: unsupported scheme {scheme or '(none)'!r}; "
            "use sqlite:///path/to/file.sqlite3 or postgres://user@host:port/name"
        )
    try:
        config: dict[str, Any] = environ.Env.db_url_config(raw)
    except Exception as exc:  # environ raises assorted errors on malformed URLs
        raise ImproperlyConfigured(
            f"DATABASE_URL: cannot be parsed ({type(exc).__name__})"
        ) from exc
    if scheme == "sqlite":
        if not config.get("NAME") or config["NAME"] == ":memory:":
            raise ImproperlyConfigured(
                "DATABASE_URL: a SQLite URL needs a file path, e.g. sqlite:///var/onegate.sqlite3"
            )
        config["OPTIONS"] = {
            # WAL lets the web server and the worker read while one of them writes; IMMEDIATE
            # transactions take the write lock up front so writers queue instead of deadlocking.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                " PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    else:
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


def secret_key_from_env(*, fallback_file: Path | None) -> str:
    """SECRET_KEY from the environment, or from a local file when one is allowed (demo only)."""
    value = env.str("SECRET_KEY", default="")
    if not value and fallback_file is not None and fallback_file.exists():
        value = fallback_file.read_text(encoding="utf-8").strip()
    if len(value) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY: missing or shorter than 32 characters; set it in the environment"
        )
    return value
