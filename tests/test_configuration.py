"""Start-up configuration: a bad setting stops with one line naming it; production fails closed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://user@host/db", "unsupported scheme 'mysql'"),
        ("not a url", "unsupported scheme"),
        ("postgres://user@host:notaport/db", "cannot be parsed"),
        ("sqlite://", "needs a file path"),
    ],
)
def test_a_bad_database_url_stops_start_up_with_one_line_naming_it(url, expected):
    result = manage("check", DATABASE_URL=url, SECRET_KEY="x" * 40)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL" in lines[0]
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "variable",
    ["AUDIT_UNCHAINED_ALERT_SECONDS", "CATALOGUE_REVISION_CHECK_SECONDS", "SECURE_HSTS_SECONDS"],
)
def test_a_bad_number_stops_start_up_with_one_line_naming_it(variable):
    result = manage(
        "check", DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY="x" * 40,
        **{variable: "not-a-number"},
    )  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"onegate: configuration error: {variable}:")


def test_an_unreachable_database_is_one_line_too():
    result = manage(
        "migrate", DATABASE_URL="postgres://nobody@127.0.0.1:1/none", SECRET_KEY="x" * 40
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "DATABASE_URL" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_SETTINGS_MODULE="config.settings.production")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("onegate: configuration error: SECRET_KEY")
    assert len(result.stderr.strip().splitlines()) == 1


def test_production_settings_fail_closed():
    code = (
        "import django, json; from django.conf import settings; django.setup();"
        "print(json.dumps([settings.DEBUG, settings.SESSION_COOKIE_SECURE,"
        " settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS,"
        " settings.SECURE_SSL_REDIRECT]))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    environment.update(SECRET_KEY="y" * 50, DEBUG="true")
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # DEBUG stays off in production even when the environment asks for it.
    assert result.stdout.strip() == "[false, true, true, 31536000, true]"
