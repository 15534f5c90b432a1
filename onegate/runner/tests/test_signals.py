"""The "application submitted" event: sent by the worker once the submission committed, once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from onegate.identity.tests.acting_fixtures import make_household
from onegate.registries.tests.events_support import run_worker_until_idle
from onegate.runner.models import Application
from onegate.runner.signals import application_submitted
from onegate.runner.tests.test_services import (
    child_card_filled,
    published,  # noqa: F401  (fixture)
)
from onegate.runner.tests.test_submit import submit

pytestmark = pytest.mark.usefixtures("published")


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker runs inside this test's transaction: its ``close_old_connections`` would close
    the connection on PostgreSQL (autocommit is off inside a transaction)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def heard() -> Any:
    """What a receiver (the Cases module's, say) is told."""
    calls: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        calls.append({"sender": sender, **kwargs})

    application_submitted.connect(receiver, dispatch_uid="runner-test-receiver")
    yield calls
    application_submitted.disconnect(dispatch_uid="runner-test-receiver")


def test_a_receiver_hears_of_a_submission_once(heard: list):
    household = make_household()
    parent = household.parent_user
    application = child_card_filled(parent, household.child)
    submit(parent, application)
    submit(parent, application)  # the same "Accept and send" twice
    assert heard == []  # nothing in the person's request: the worker tells

    run_worker_until_idle()

    assert heard == [
        {
            "sender": Application,
            "signal": application_submitted,
            "application_id": str(application.pk),
        }
    ]
    run_worker_until_idle()
    assert len(heard) == 1


def test_a_submission_rolled_back_is_never_announced(heard: list):
    household = make_household()
    parent = household.parent_user
    application = child_card_filled(parent, household.child)

    def send_then_fail() -> None:
        with transaction.atomic():
            submit(parent, application)
            raise RuntimeError("the request failed after sending")

    with pytest.raises(RuntimeError):
        send_then_fail()

    run_worker_until_idle()
    assert heard == []
