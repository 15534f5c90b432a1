"""Publishing at the same moment (PostgreSQL): the definition's row lock makes publishes queue, so
no two versions get the same number and a draft published twice at once is published once.

Each thread has its own database connection, so the requests really overlap. SQLite serialises
writers whole, so there is nothing to race there.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from onegate.audit.constants import DefinitionAction
from onegate.audit.models import AuditEvent
from onegate.definitions.constants import VersionStatus
from onegate.definitions.models import DefinitionVersion
from onegate.definitions.services import (
    definition_draft_save,
    definition_publish,
    definition_rollback,
)
from onegate.definitions.tests.support import FISHING, retitled, service_owner

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(calls: list[Callable[[], Any]]) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=30)
            call()
            outcome = "done"
        except Exception as error:
            outcome = type(error).__name__
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_the_same_draft_published_at_once_by_five_requests_is_published_once():
    owner = service_owner()
    draft = definition_draft_save(actor=owner, source=FISHING)

    def publish() -> None:
        definition_publish(actor=owner, version=draft, note="Go")

    outcomes = _race([publish] * 5)

    assert outcomes == Counter({"done": 5})
    assert list(DefinitionVersion.objects.values_list("number", "status")) == [
        (1, VersionStatus.PUBLISHED)
    ]
    assert AuditEvent.objects.filter(action=DefinitionAction.VERSION_PUBLISHED).count() == 1


def _two_versions_and_a_draft(owner: Any) -> DefinitionVersion:
    for number in (1, 2):
        draft = definition_draft_save(actor=owner, source=retitled(f"Version {number}"))
        definition_publish(actor=owner, version=draft, note=str(number))
    return definition_draft_save(actor=owner, source=retitled("Version 3"))


def test_a_publish_and_rollbacks_at_once_get_different_numbers():
    owner = service_owner()
    draft = _two_versions_and_a_draft(owner)
    definition = draft.definition

    def publish() -> None:
        definition_publish(actor=owner, version=draft, note="Three")

    def roll_back() -> None:
        definition_rollback(actor=owner, definition=definition, to_number=1, note="Back")

    outcomes = _race([publish, roll_back, roll_back])

    # All three succeed, one after the other: the publish makes one version; a rollback makes one
    # unless the version just before it already has version 1's text (the other rollback).
    assert outcomes == Counter({"done": 3})
    versions = list(
        DefinitionVersion.objects.filter(number__isnull=False)
        .order_by("number")
        .values_list("number", "checksum", "based_on__number")
    )
    assert [number for number, _, _ in versions] == list(range(1, len(versions) + 1))
    checksums = [checksum for _, checksum, _ in versions]
    assert all(before != after for before, after in itertools.pairwise(checksums))
    assert checksums[2:].count(draft.checksum) == 1  # the draft, published once
    rollbacks = [number for number, _, based_on in versions if based_on == 1 and (number or 0) > 2]
    assert len(versions) == 3 + len(rollbacks) and len(rollbacks) in {1, 2}
    rolled_back = AuditEvent.objects.filter(action=DefinitionAction.VERSION_ROLLED_BACK)
    assert rolled_back.count() == len(rollbacks)


def test_the_same_rollback_sent_twice_at_once_publishes_once():
    owner = service_owner()
    definition = _two_versions_and_a_draft(owner).definition

    def roll_back() -> None:
        definition_rollback(actor=owner, definition=definition, to_number=1, note="Back")

    outcomes = _race([roll_back] * 3)

    assert outcomes == Counter({"done": 3})
    released = DefinitionVersion.objects.filter(number__isnull=False).order_by("number")
    assert [version.number for version in released] == [1, 2, 3]
    assert AuditEvent.objects.filter(action=DefinitionAction.VERSION_ROLLED_BACK).count() == 1
