""" "Your applications": the ones not sent yet (continue, delete, kept until when, a newer version
of the service), the ones sent (reference, sent on, where each stands from the status providers),
the ones only a provider knows (sent by someone else), nothing for anyone else, and its cost."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onegate.catalogue.selectors import catalogue_forget
from onegate.definitions.demo import DEMO_SERVICES_DIR
from onegate.definitions.services import definition_draft_save, definition_publish
from onegate.definitions.tests.support import service_owner
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import (
    Household,
    citizen,
    link_account,
    make_household,
    strong_session,
    years_ago,
)
from onegate.runner.models import Application
from onegate.runner.status import StatusLine, status_providers_swap, statuses_for
from onegate.runner.tests.journey_support import (
    CHILD_HEALTH,
    LICENCE,
    answer_child_pages,
    demo_services_load,
    page_url,
    runner_url,
    send,
    start_children,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_services(db: None) -> Any:
    demo_services_load()
    yield
    catalogue_forget()


@pytest.fixture
def household(demo_services: Any) -> Household:
    return make_household()


@pytest.fixture
def parent(client: Client, household: Household) -> Client:
    return strong_session(client, household.parent_user)


APPLICATIONS = "/account/applications/"


def test_the_page_sits_among_the_account_pages(parent):
    assert runner_url("applications") == APPLICATIONS
    empty = parent.get(APPLICATIONS).content.decode()
    assert "You have no applications yet" in empty


def test_a_draft_can_be_continued_or_deleted_and_says_until_when_it_is_kept(parent, household):
    application = start_children(parent, household)
    parent.post(page_url(application, "health_centre"), {"health_centre_choice": "nearest"})

    page = parent.get(APPLICATIONS).content.decode()

    assert "Not sent yet" in page and "Get a health card for your child" in page
    assert "Niran Jaidee, Malee Jaidee" in page
    assert "Expires on" in page and "Last saved" in page
    assert f'href="{page_url(application, "health_needs")}"' in page  # continue where left
    delete = runner_url("delete", application_id=application.pk)
    assert f'href="{delete}"' in page
    assert "This service has changed since you started" not in page

    question = parent.get(delete).content.decode()
    done = parent.post(delete)

    assert "Delete this application?" in question
    assert done["Location"] == APPLICATIONS
    assert not Application.objects.filter(pk=application.pk).exists()
    assert "has been deleted" in parent.get(APPLICATIONS).content.decode()


def test_a_sent_application_shows_its_reference_and_day(parent, household):
    application = start_children(parent, household)
    answer_child_pages(parent, application)
    send(parent, application, declaration="yes")
    application.refresh_from_db()

    page = parent.get(APPLICATIONS).content.decode()

    assert "Sent on" in page and application.reference in page
    assert runner_url("delete", application_id=application.pk) not in page
    # a sent application cannot be deleted
    gone = parent.post(runner_url("delete", application_id=application.pk))
    assert gone["Location"] == runner_url("sent", application_id=application.pk)
    assert Application.objects.filter(pk=application.pk).exists()


def test_a_newer_version_of_the_service_is_mentioned(parent, household):
    application = start_children(parent, household)
    owner = service_owner("owner@health.test", agency="health")
    source = (DEMO_SERVICES_DIR / f"{CHILD_HEALTH}.yaml").read_text(encoding="utf-8")
    draft = definition_draft_save(
        actor=owner, source=source.replace("Get a health card for your child", "Get a child's card")
    )
    definition_publish(actor=owner, version=draft, note="Shorter title")

    page = parent.get(APPLICATIONS).content.decode()

    assert "This service has changed since you started" in page
    # the draft carries on with the questions it began with
    resumed = parent.get(page_url(application, "health_centre")).content.decode()
    assert "Get a health card for your child" in resumed


def test_nobody_else_sees_them(client, parent, household):
    start_children(parent, household)
    stranger = link_account(
        make_account("stranger@example.test"), citizen("Other", "Person", years_ago(30))
    )
    strong_session(client, stranger)

    page = client.get(APPLICATIONS).content.decode()

    assert "You have no applications yet" in page and "Niran" not in page


def test_signing_in_is_needed(client, demo_services):
    answer = client.get(APPLICATIONS)
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_more_applications_cost_no_more_queries(parent, household):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert parent.get(APPLICATIONS).status_code == 200
        return len(captured)

    start_children(parent, household)
    parent.post(runner_url("start", service_slug=LICENCE))
    queries()  # warm: the catalogue and the compiled definitions are cached
    before = queries()
    start_children_again(parent, household)  # another draft of a service already listed
    sent = start_children_again(parent, household, ward=False)
    answer_child_pages(parent, sent)
    send(parent, sent, declaration="yes")

    queries()
    assert queries() <= before


def start_children_again(client: Any, household: Any, *, ward: bool = True) -> Application:
    """Another child health card, for the ward alone (or the ten-year-old alone)."""
    child = household.ward if ward else household.child
    client.post(runner_url("start", service_slug=CHILD_HEALTH), {"subjects": [child.pk]})
    return Application.objects.order_by("-created_at")[0]


def test_the_account_page_links_are_not_taken_over(parent):
    # "account/applications/" is the runner's; the rest of "account/" is still identity's
    assert parent.get(reverse("identity:home")).status_code == 200


def test_each_sent_application_shows_where_it_stands_from_the_providers(parent, household):
    application = start_children(parent, household)
    answer_child_pages(parent, application)
    send(parent, application, declaration="yes")
    seen: list[Any] = []

    def provider(applications: Any, user: Any) -> list[StatusLine]:
        seen.append(([one.pk for one in applications], user))
        mine = str(application.pk)
        return [
            StatusLine(mine, "Niran Jaidee", "Approved", "green", "/niran/", "N-1",
                       decided_on=dt.date(2026, 3, 2)),
            StatusLine(mine, "Malee Jaidee", "Information needed", "orange", "/malee/", "M-1",
                       expected_on=dt.date(2026, 3, 9), answer_by=dt.date(2026, 3, 5)),
            StatusLine("elsewhere", "Anong Sukjai", "Received", url="/anong/",
                       expected_on=dt.date(2026, 3, 20), service_title="Register a birth",
                       sent_on=dt.date(2026, 3, 1)),
        ]  # fmt: skip

    with status_providers_swap([provider]):
        page = parent.get(APPLICATIONS).content.decode()

    assert seen == [([application.pk], household.parent_user)]
    assert "Where it stands" in page
    assert 'govuk-tag govuk-tag--green">Approved' in page and 'href="/niran/"' in page
    assert "Decided on 2 March 2026" in page
    assert "Information needed — answer by 5 March 2026" in page
    assert "Decision expected by 9 March 2026" in page
    # an application someone else sent for a person the parent acts for
    others = page.split("Sent by someone else for people you act for")[1]
    assert "Register a birth" in others and "Anong Sukjai" in others
    assert "Sent on 1 March 2026" in others and 'href="/anong/"' in others


def test_without_providers_the_page_is_as_before(parent, household):
    application = start_children(parent, household)
    answer_child_pages(parent, application)
    send(parent, application, declaration="yes")

    application.refresh_from_db()

    with status_providers_swap([]):
        page = parent.get(APPLICATIONS).content.decode()
        assert statuses_for([application], household.parent_user) == {}

    assert "Where it stands" not in page and "Sent by someone else" not in page
    assert application.reference in page
