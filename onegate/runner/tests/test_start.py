"""Starting an application: only a POST starts one (a GET of the start page, with one person to
apply for, is a page with one button), the register is read before anything is locked, and two
starts at once (two tabs, a double click) make one draft."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from onegate.audit.models import AuditEvent
from onegate.identity.acting import people_i_act_for
from onegate.identity.tests.acting_fixtures import strong_session
from onegate.registries.adapters import adapter_override
from onegate.registries.adapters.local import LocalAdapter
from onegate.registries.models import AccessRecord
from onegate.runner.constants import ApplicationStatus, AppliesAs
from onegate.runner.models import Application
from onegate.runner.services import application_start
from onegate.runner.tests.journey_support import page_url, runner_url
from onegate.runner.tests.test_services import (
    LICENCE,
    driver,
    published,  # noqa: F401  (fixture)
    start_for,
)

pytestmark = pytest.mark.usefixtures("published")

FIRST_PAGE = "your_licence"


@pytest.fixture
def kanya(client: Client) -> tuple[Client, Any]:
    user, _person = driver(40)
    return strong_session(client, user), user


def _runner_events() -> int:
    return AuditEvent.objects.filter(action__startswith="runner.").count()


def test_the_start_page_starts_nothing_until_its_button_is_pressed(kanya):
    client, user = kanya
    reads = AccessRecord.objects.count()

    page = client.get(runner_url("start", service_slug=LICENCE))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Start your application" in html and 'method="post"' in html
    assert not Application.objects.exists()
    assert _runner_events() == 0
    assert AccessRecord.objects.count() == reads  # no facts read for a page view

    started = client.post(runner_url("start", service_slug=LICENCE))

    application = Application.objects.get()
    assert started.status_code == 302
    assert started["Location"] == page_url(application, FIRST_PAGE)
    assert application.user == user and application.applies_as == AppliesAs.SELF


def test_the_start_page_offers_the_draft_not_sent_yet(kanya):
    client, user = kanya
    draft = start_for(user, service=LICENCE)

    html = client.get(runner_url("start", service_slug=LICENCE)).content.decode()

    assert "You have an application you have not sent yet" in html
    assert page_url(draft, FIRST_PAGE) in html or "Continue your application" in html
    assert Application.objects.count() == 1


def test_a_second_start_for_the_same_people_gives_the_same_draft():
    user, _person = driver(40)

    first = start_for(user, service=LICENCE)
    second = start_for(user, service=LICENCE)

    assert second.pk == first.pk
    assert Application.objects.filter(user=user, status=ApplicationStatus.DRAFT).count() == 1


class Watching(LocalAdapter):
    """The local register, noting how many transactions were open when a person was read."""

    def __init__(self) -> None:
        super().__init__()
        self.depths: list[int] = []

    def person_get(self, **kwargs: Any) -> Any:
        self.depths.append(len(connection.atomic_blocks))
        return super().person_get(**kwargs)


def test_the_register_is_read_before_the_transaction_opens():
    user, _person = driver(40)
    register = Watching()

    outside = len(connection.atomic_blocks)  # the test's own transaction

    with adapter_override(register):
        start_for(user, service=LICENCE)

    assert register.depths and set(register.depths) == {outside}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_starts_at_the_same_moment_make_one_draft():
    user, _person = driver(40)
    me = next(option for option in people_i_act_for(user) if option.is_self)
    barrier = threading.Barrier(2)
    made: list[str] = []
    lock = threading.Lock()

    def start() -> None:
        try:
            barrier.wait(timeout=30)
            application = application_start(
                actor=user,
                service_slug=LICENCE,
                subjects=[me],
                applies_as=AppliesAs.SELF,
                language="en",
            )
            with lock:
                made.append(str(application.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(made) == 2 and len(set(made)) == 1
    assert Application.objects.filter(user=user, service_slug=LICENCE).count() == 1
