"""Reading the version people apply on: one indexed query a call, compiled once per version."""

from __future__ import annotations

import uuid

import pytest

from onegate.definitions import selectors
from onegate.definitions.selectors import (
    _CompiledCache,
    definition_cache_clear,
    definition_published_current,
    definition_version_compiled,
    definitions_for_designer,
)
from onegate.definitions.services import definition_draft_save, definition_publish
from onegate.definitions.tests.support import FISHING, SLUG, retitled, service_owner

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return service_owner()


def test_nothing_is_current_before_publishing(owner):
    assert definition_published_current(slug=SLUG) is None
    definition_draft_save(actor=owner, source=FISHING)
    assert definition_published_current(slug=SLUG) is None


def test_a_published_version_is_seen_by_the_next_call_in_one_query(
    owner, django_assert_num_queries
):
    first = definition_draft_save(actor=owner, source=FISHING)
    definition_publish(actor=owner, version=first, note="One")
    current = definition_published_current(slug=SLUG)
    assert current is not None and current.model.title["en"] == "Get a fishing permit"
    with django_assert_num_queries(1):  # compiled version cached: only "which is current?"
        definition_published_current(slug=SLUG)

    # another process publishes: nothing tells this one, and the next call sees it anyway
    second = definition_draft_save(actor=owner, source=retitled("Version two"))
    definition_publish(actor=owner, version=second, note="Two")
    current = definition_published_current(slug=SLUG)
    assert current is not None and current.model.title["en"] == "Version two"


def test_a_draft_is_compiled_afresh_and_never_cached(owner):
    draft = definition_draft_save(actor=owner, source=FISHING)
    compiled = definition_version_compiled(version_id=draft.pk)
    assert compiled.model.title["en"] == "Get a fishing permit"
    definition_draft_save(actor=owner, source=retitled("Changed"))
    compiled = definition_version_compiled(version_id=draft.pk)
    assert compiled.model.title["en"] == "Changed"
    assert len(selectors._compiled) == 0


def test_the_cache_keeps_the_most_recently_used_versions_only():
    cache = _CompiledCache(2)
    keys = [uuid.uuid4() for _ in range(3)]
    for key in keys:
        cache.put(key, object())  # type: ignore[arg-type]
        cache.get(keys[0])  # the first one stays in use
    assert len(cache) == 2
    assert cache.get(keys[0]) is not None and cache.get(keys[1]) is None
    definition_cache_clear()


def test_the_designer_list_holds_only_the_users_agencies(owner, django_assert_max_num_queries):
    definition_draft_save(actor=owner, source=FISHING)
    nurse = service_owner("owner@health.test", agency="health")
    definition_draft_save(
        actor=nurse,
        source=FISHING.replace(SLUG, "clinic-pass").replace(
            "agency: immigration", "agency: health"
        ),
    )
    assert [row.slug for row in definitions_for_designer(user=owner)] == [SLUG]
    assert [row.slug for row in definitions_for_designer(user=nurse)] == ["clinic-pass"]
    with django_assert_max_num_queries(4):
        rows = definitions_for_designer(user=owner)
    assert rows[0].has_draft and rows[0].current_number is None
