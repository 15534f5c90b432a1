"""Publishing at the same moment (PostgreSQL): the definition's row lock makes publishes queue, so
no two versions get the same number and a draft published twice at once is published once.

Each thread has its own database connection, so the requests really overlap. SQLite serialises
writers whole, so there is nothing to race there.
"""

from __future__ import annotations

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


def test_a_publish_and_rollbacks_at_once_get_different_numbers():
    owner = service_owner()
    for number in (1, 2):
        draft = definition_draft_save(actor=owner, source=retitled(f"Version {number}"))
        definition_publish(actor=owner, version=draft, note=str(number))
    draft = definition_draft_save(actor=owner, source=retitled("Version 3"))
    definition = draft.definition

    def publish() -> None:
        definition_publish(actor=owner, version=draft, note="Three")

    def roll_back() -> None:
        definition_rollback(actor=owner, definition=definition, to_number=1, note="Back")

    outcomes = _race([publish, roll_back, roll_back])

    numbers = sorted(
        number
        for number in DefinitionVersion.objects.values_list("number", flat=True)
        if number is not None  # the draft, if the publish lost
    )
    assert numbers == list(range(1, len(numbers) + 1))  # no gap, no number twice
    assert outcomes["done"] >= 2  # the publish, and at least one rollback
    assert numbers[-1] == 2 + outcomes["done"]
