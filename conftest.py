"""Test-wide fixtures and rules.

* ``@pytest.mark.postgres`` tests need PostgreSQL (``DATABASE_URL=postgres://...``). Outside CI
  they skip with a clear reason on SQLite; under ``CI=true`` a skip is a failure: CI must run them
  (the SQLite pass of CI deselects them with ``-m "not postgres"`` instead).
* ``@pytest.mark.browser`` tests follow the same rule for a missing Chromium.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from onegate.core import translations

# Lets SQLite transactional tests flush the append-only audit table (see the plugin).
pytest_plugins = ["onegate.audit.tests.plugin"]


def pytest_configure(config: pytest.Config) -> None:
    """Compile the Thai catalogues first, so a bare ``pytest`` on a fresh clone sees Thai too."""
    translations.compile_all()


IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip outside CI; in CI the thing this test needs must be there, so fail loudly."""
    if IN_CI:
        pytest.fail(f"CI must not skip: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _require_postgres(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _english_after_each_test() -> object:
    """A Thai page leaves Thai active in the test thread: start every test in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
