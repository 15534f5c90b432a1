"""Migrations that change catalogue data: catalogues loaded under older rules still migrate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_LIVE_RULE = [("catalogue", "0001_initial")]
LIVE_RULE = [("catalogue", "0002_service_live_needs_definition")]


@pytest.fixture
def executor(transactional_db: None) -> Iterator[MigrationExecutor]:
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    yield executor
    # Whatever happened, leave the schema as the rest of the tests expect it.
    MigrationExecutor(connection).migrate(leaves)


def a_service(apps: Any, slug: str, **fields: Any) -> Any:
    agency, _created = apps.get_model("catalogue", "Agency").objects.get_or_create(
        slug="land-transport",
        defaults={"name": {"en": "Transport", "th": "ขนส่ง"}, "description": {"en": "-", "th": "-"}},
    )
    return apps.get_model("catalogue", "Service").objects.create(
        slug=slug,
        title={"en": slug, "th": slug},
        summary={"en": slug, "th": slug},
        agency=agency,
        **fields,
    )


def test_services_live_without_a_definition_become_coming_soon(executor: MigrationExecutor) -> None:
    # given a catalogue loaded when a data file could still mark a service live
    executor.migrate(BEFORE_LIVE_RULE)
    old = executor.loader.project_state(BEFORE_LIVE_RULE).apps
    a_service(old, "renew-driving-licence", status="live", has_definition=False)
    a_service(old, "vehicle-tax", status="live", has_definition=True)
    a_service(old, "fax-a-form", status="retired", has_definition=False)

    # when the rule arrives
    executor = MigrationExecutor(connection)
    executor.migrate(LIVE_RULE)

    # then only the service with a published definition is still live, and processes refresh
    new = executor.loader.project_state(LIVE_RULE).apps
    statuses = dict(new.get_model("catalogue", "Service").objects.values_list("slug", "status"))
    assert statuses == {
        "renew-driving-licence": "coming_soon",
        "vehicle-tax": "live",
        "fax-a-form": "retired",
    }
    assert new.get_model("catalogue", "CatalogueRevision").objects.exists()
