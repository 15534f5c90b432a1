"""Fixtures for catalogue tests: the demo catalogue, in the database or read back into memory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from onegate.catalogue.models import Service
from onegate.catalogue.services import DEMO_CATALOGUE, LoadReport, catalogue_load_file
from onegate.catalogue.snapshot import Catalogue, catalogue_build
from onegate.catalogue.tests.factories import definition_publish


@pytest.fixture
def demo_catalogue(db: None) -> LoadReport:
    """The demo government's catalogue, loaded from ``data/demo_catalogue.yaml``."""
    return catalogue_load_file(path=DEMO_CATALOGUE)


@pytest.fixture(scope="module")
def demo_snapshot(django_db_setup: None, django_db_blocker: Any) -> Catalogue:
    """The demo catalogue loaded and read back once per module, then rolled back.

    For tests that only read the in-memory catalogue (search quality, speed), so dozens of them
    do not each load the file again.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        catalogue_load_file(path=DEMO_CATALOGUE)
        snapshot = catalogue_build()
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture
def publish_definition(db: None) -> Callable[[str], Service]:
    """``publish_definition(slug)``: open a catalogued service as publishing its definition will."""
    return definition_publish
