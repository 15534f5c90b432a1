"""``/healthz``: 200 when the database answers, 503 naming it when it does not, no internals."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from functools import partial

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client

from onegate.core import health

pytestmark = pytest.mark.django_db

UNREACHABLE = "unreachable"
SECRET_NAME = "onegate_secret_db_name"
SECRET_PASSWORD = "hunter2-not-a-real-password"


@pytest.fixture
def unreachable_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The database check pointed at a real connection to a database that cannot be reached."""
    default = connections[DEFAULT_DB_ALIAS]
    if default.vendor == "sqlite":
        broken = {"NAME": f"/nonexistent-onegate-dir/{SECRET_NAME}.sqlite3"}
    else:  # a server port nothing listens on: the connection is refused at once
        broken = {
            "NAME": SECRET_NAME,
            "HOST": "127.0.0.1",
            "PORT": "9",
            "PASSWORD": SECRET_PASSWORD,
        }
    wrapper = type(default)({**default.settings_dict, **broken}, alias=UNREACHABLE)
    connections[UNREACHABLE] = wrapper
    monkeypatch.setattr(
        health, "CHECKS", {"database": partial(health.check_database, using=UNREACHABLE)}
    )
    yield broken
    wrapper.close()
    del connections[UNREACHABLE]


def test_healthy_database_answers_200_with_each_check(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database"]["ms"] >= 0
    assert "failing" not in body
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_database_answers_503_naming_it_without_internals(
    client: Client, unreachable_database: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="onegate.core.health"):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failing"] == ["database"]
    assert body["checks"]["database"] == {
        "status": "error",
        "ms": body["checks"]["database"]["ms"],
        "error": "OperationalError",
    }
    text = json.dumps(body) + caplog.text
    for leak in ["Traceback", "File ", SECRET_NAME, SECRET_PASSWORD, "nonexistent", "127.0.0.1"]:
        assert leak not in text
    assert "database failed: OperationalError" in caplog.text


def test_head_works_and_writes_are_refused(client: Client) -> None:
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
