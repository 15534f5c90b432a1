"""Recording: a citizen's journey through the runner's pages gives exactly the events the
measures count, tagged with the service, the definition version and the channel, and nothing
that names anyone; a decision told twice is recorded once; a failure to count never fails the
journey."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onegate.cases.models import Case
from onegate.cases.signals import case_decided
from onegate.cases.tests.factories import case_in, demo_services, run_tasks  # noqa: F401
from onegate.definitions.models import DefinitionVersion
from onegate.definitions.services import definition_draft_save, definition_publish
from onegate.definitions.tests.support import FISHING, retitled, service_owner
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import (
    Household,
    citizen,
    link_account,
    make_household,
    strong_session,
    years_ago,
)
from onegate.insights import receivers
from onegate.insights.models import Event
from onegate.insights.services.recording import event_dedup_key, event_record
from onegate.runner.constants import ApplicationStatus
from onegate.runner.models import Application
from onegate.runner.services import drafts_expire
from onegate.runner.signals import journey_event
from onegate.runner.tests.journey_support import (
    CHILD_HEALTH,
    answer_child_pages,
    latest,
    page_url,
    runner_url,
    send,
    start_children,
)

pytestmark = pytest.mark.django_db

FISHING_SLUG = "fishing-permit"


@pytest.fixture
def household(demo_services: None) -> Household:  # noqa: F811
    return make_household()


@pytest.fixture
def parent(client: Client, household: Household) -> Client:
    return strong_session(client, household.parent_user)


@pytest.fixture
def fishing(demo_services: None) -> Any:  # noqa: F811
    """The designer's test service published once (version 1); its owner."""
    owner = service_owner()
    definition_publish(
        actor=owner, version=definition_draft_save(actor=owner, source=FISHING), note="First"
    )
    return owner


def events() -> list[tuple[str, str, int, str, str]]:
    """The events recorded, oldest first: (kind, service, version, channel, page)."""
    rows = Event.objects.order_by("id").values_list(
        "kind", "service_slug", "version", "channel", "page_id"
    )
    return list(rows)


def version_of(application: Application) -> int:
    number = DefinitionVersion.objects.get(pk=application.definition_version_id).number
    assert number is not None
    return number


# --- the journey --------------------------------------------------------------------------------


def test_a_journey_records_what_happened_and_nobody_it_happened_to(parent, household):
    # given a parent applying for a health card for two children
    application = start_children(parent, household)
    v = version_of(application)
    # when they open the first page, send it empty, then right, and answer the rest
    assert parent.get(page_url(application, "health_centre")).status_code == 200
    wrong = parent.post(page_url(application, "health_centre"), {})
    assert wrong.status_code == 200 and "govuk-error-summary" in wrong.content.decode()
    answer_child_pages(parent, application)
    sent = send(parent, application, declaration="yes")
    assert sent["Location"] == runner_url("sent", application_id=application.pk)

    # then each step is one event, for the service's version, online
    on = (CHILD_HEALTH, v, "online")
    assert events() == [
        ("started", *on, ""),
        ("page_viewed", *on, "health_centre"),
        ("page_invalid", *on, "health_centre"),
        ("page_completed", *on, "health_centre"),
        ("page_completed", *on, "health_needs"),
        ("page_completed", *on, "contact"),
        ("submitted", *on, ""),
    ]
    application.refresh_from_db()
    assert application.submitted_at is not None
    submitted = Event.objects.get(kind="submitted")
    took = int((application.submitted_at - application.created_at).total_seconds())
    assert submitted.seconds == took and submitted.bucket is not None
    # and no column of any event holds the account, a person, the application or its reference
    names = {
        str(household.parent_user.pk),
        str(household.parent.pk),
        str(household.child.pk),
        str(household.nearly_adult.pk),
        str(application.pk),
        application.pk.hex,
        str(application.reference),
        str(application.reference).replace("-", ""),
    }
    for row in Event.objects.values():
        for column, value in row.items():
            if column == "id":
                continue
            assert not any(name in str(value) for name in names), (column, value)


def test_a_page_shown_again_after_a_post_is_not_viewed_again(parent, household):
    application = start_children(parent, household)
    parent.post(page_url(application, "health_centre"), {})

    assert [kind for kind, *_rest in events()] == ["started", "page_invalid"]


def test_a_page_seen_or_refused_again_counts_once_per_application(parent, household):
    # given a person who reloads a page and sends it wrong three times
    application = start_children(parent, household)
    for _reload in range(2):
        parent.get(page_url(application, "health_centre"))
    for _try in range(3):
        parent.post(page_url(application, "health_centre"), {})

    # then the funnel counts one application that saw it and one that met an error
    assert [kind for kind, *_rest in events()] == ["started", "page_viewed", "page_invalid"]


def test_a_page_answered_again_counts_as_completed_once(parent, household):
    application = start_children(parent, household)
    choice = {"health_centre_choice": "nearest"}
    parent.post(page_url(application, "health_centre"), choice)
    parent.post(f"{page_url(application, 'health_centre')}?return=check", choice)

    completed = Event.objects.filter(kind="page_completed", page_id="health_centre")
    assert completed.count() == 1


def test_a_draft_keeps_counting_for_its_version_after_a_newer_one_is_published(parent, fishing):
    # given a draft started on version 1
    parent.post(runner_url("start", service_slug=FISHING_SLUG))
    first = latest()
    # when the owner publishes version 2 and someone else starts
    definition_publish(
        actor=fishing,
        version=definition_draft_save(actor=fishing, source=retitled("Fish with a permit")),
        note="Second",
    )
    parent.get(page_url(first, "trip"))
    other = citizen("Kasem", "Boonyarit", years_ago(30), given_th="เกษม")
    newcomer = strong_session(Client(), link_account(make_account("kasem@example.test"), other))
    newcomer.post(runner_url("start", service_slug=FISHING_SLUG))
    second = latest()
    newcomer.get(page_url(second, "trip"))

    # then the first draft's events say version 1, the new one's version 2
    assert [(kind, version, page) for kind, _s, version, _c, page in events()] == [
        ("started", 1, ""),
        ("page_viewed", 1, "trip"),
        ("started", 2, ""),
        ("page_viewed", 2, "trip"),
    ]


def test_told_they_cannot_apply_is_counted_once_at_the_page(parent, fishing):
    parent.post(runner_url("start", service_slug=FISHING_SLUG))
    application = latest()

    cannot = runner_url("cannot_apply", application_id=application.pk)
    for _again in range(2):
        answer = parent.post(page_url(application, "trip"), {"days": "45", "boat": "no"})
        assert answer["Location"].startswith(cannot)

    assert Event.objects.filter(kind="ineligible").values_list("page_id", flat=True).get() == "trip"


def test_a_draft_deleted_or_expired_is_abandoned_where_it_would_resume(parent, household):
    # given two drafts, one answered up to its second page
    deleted = start_children(parent, household)
    parent.post(page_url(deleted, "health_centre"), {"health_centre_choice": "nearest"})
    # when the person deletes it
    parent.post(runner_url("delete", application_id=deleted.pk))
    # and another draft runs out of time
    expired = start_children(parent, household)
    Application.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert drafts_expire() == 1

    abandoned = Event.objects.filter(kind="abandoned").order_by("id")
    assert list(abandoned.values_list("page_id", flat=True)) == ["health_needs", ""]
    assert not Application.objects.filter(status=ApplicationStatus.DRAFT).exists()


def test_the_designers_preview_counts_nothing(client, fishing):
    # the owner previews the draft of their next version, page by page
    definition_draft_save(actor=fishing, source=retitled("Fish with a permit"))
    client.force_login(fishing)
    preview = reverse("definitions:preview", kwargs={"slug": FISHING_SLUG, "ref": "draft"})

    assert client.get(preview, {"page": "trip"}).status_code == 200
    assert not Event.objects.exists()


def test_an_application_on_a_draft_version_is_not_counted(parent, household):
    application = start_children(parent, household)
    Event.objects.all().delete()
    draft = DefinitionVersion(status="draft", number=None)
    unsaved = Application(
        service_slug=application.service_slug, channel="online", definition_version=draft
    )

    journey_event.send(sender=Application, application=unsaved, kind="page_viewed", page_id="x")

    assert not Event.objects.exists()


def test_a_failure_to_count_never_fails_the_journey(parent, household, monkeypatch, caplog):
    # given recording breaks with a real database error (which, without a savepoint, would
    # leave PostgreSQL's transaction unusable)
    def broken(**_kwargs: Any) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM insights_no_such_table")
        return True

    monkeypatch.setattr(receivers, "event_record", broken)
    application = start_children(parent, household)

    with caplog.at_level(logging.WARNING, logger="onegate.insights.receivers"):
        answer_child_pages(parent, application)
        sent = send(parent, application, declaration="yes")

    # then the application is sent all the same, and the log names no one
    assert sent["Location"] == runner_url("sent", application_id=application.pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not Event.objects.exists()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Could not record a submitted event" in logged
    assert str(application.pk) not in logged and str(application.reference) not in logged


# --- the service --------------------------------------------------------------------------------


def test_an_event_told_twice_with_its_key_is_recorded_once_and_the_transaction_goes_on(db):
    key = event_dedup_key("decided", "case-1")
    told: dict[str, Any] = {
        "kind": "decided",
        "service_slug": "renew-driving-licence",
        "version": 3,
        "channel": "paper",
        "outcome": "approve",
        "decided_how": "officer",
        "sla": "met",
        "seconds": 7200.9,
        "dedup": key,
    }

    assert event_record(**told) is True
    assert event_record(**told) is False

    event = Event.objects.get()  # the transaction is still usable after the duplicate
    assert (event.seconds, event.bucket, event.version, event.channel) == (7200, 103, 3, "paper")


def test_a_dedup_key_is_a_keyed_hash_of_purpose_and_object():
    key = event_dedup_key("decided", "0f6c7c1e-0000-4000-8000-000000000001")

    assert re.fullmatch(r"[0-9a-f]{40}", key)
    assert key == event_dedup_key("decided", "0f6c7c1e-0000-4000-8000-000000000001")
    assert key != event_dedup_key("decided", "0f6c7c1e-0000-4000-8000-000000000002")
    assert key != event_dedup_key("rated", "0f6c7c1e-0000-4000-8000-000000000001")


def test_a_negative_duration_counts_as_none(db):
    event_record(kind="submitted", service_slug="s", version=1, channel="online", seconds=-5)

    assert Event.objects.values_list("seconds", "bucket").get() == (0, 0)


# --- decisions ----------------------------------------------------------------------------------


def test_a_decision_announced_twice_is_recorded_once(demo_services):  # noqa: F811
    # given a renewal the rules approved, announced by the worker
    case = case_in("approved")
    run_tasks()
    # when the announcement is retried
    case_decided.send(sender=Case, case_id=str(case.pk), outcome="approve")

    decided = Event.objects.get(kind="decided")
    case.refresh_from_db()
    assert (decided.service_slug, decided.version, decided.channel) == (
        "renew-driving-licence",
        case.definition_version.number,
        "online",
    )
    assert (decided.outcome, decided.decided_how, decided.sla) == ("approve", "rules", "met")
    assert case.decided_at is not None
    assert decided.seconds == int((case.decided_at - case.submitted_at).total_seconds())


def test_a_decision_after_its_due_day_missed_the_service_level(demo_services):  # noqa: F811
    case = case_in("refused")
    decided_on = timezone.localdate(case.decided_at)
    Case.objects.filter(pk=case.pk).update(sla_due_on=decided_on - dt.timedelta(days=1))

    case_decided.send(sender=Case, case_id=str(case.pk), outcome="refuse")

    decided = Event.objects.get(kind="decided")
    assert (decided.outcome, decided.decided_how, decided.sla) == ("refuse", "four_eyes", "missed")


def test_a_decision_on_its_due_day_met_the_service_level(demo_services):  # noqa: F811
    case = case_in("refused")
    Case.objects.filter(pk=case.pk).update(sla_due_on=timezone.localdate(case.decided_at))

    case_decided.send(sender=Case, case_id=str(case.pk), outcome="refuse")

    assert Event.objects.get(kind="decided").sla == "met"


@pytest.mark.django_db(transaction=True)
def test_a_page_view_outside_any_transaction_is_committed_on_its_own():
    # as in a GET of a question page: no transaction open when the event is told
    assert not connection.in_atomic_block
    published = DefinitionVersion(status="published", number=4)
    application = Application(
        service_slug="renew-driving-licence", channel="assisted", definition_version=published
    )

    journey_event.send(
        sender=Application, application=application, kind="page_viewed", page_id="medical"
    )

    assert list(Event.objects.values_list("kind", "version", "channel", "page_id")) == [
        ("page_viewed", 4, "assisted", "medical")
    ]
