"""The "acting for" line under the header: kept for a session acting for itself for
``ACTING_HEADER_SECONDS`` (no queries on the pages in between), worked out on every page while
acting for someone else, and at once for a new session."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from onegate.identity import context
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import (
    active_delegation,
    citizen,
    link_account,
    make_household,
    strong_session,
    years_ago,
)

pytestmark = pytest.mark.django_db

PAGE = "/privacy/"  # a page whose view asks nothing about acting: only the header does


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def acting_line(client: Client) -> tuple[str, list[str]]:
    """The "acting for" line's text ("" when there is none) and the tables the page read."""
    with CaptureQueriesContext(connection) as queries:
        body = client.get(PAGE).content.decode()
    start = body.find('class="govuk-width-container og-acting-for"')
    line = body[start : body.find("</div>", start)] if start >= 0 else ""
    return line, [query["sql"] for query in queries.captured_queries]


def reads_delegations(sql: list[str]) -> bool:
    return any("identity_delegation" in statement for statement in sql)


def test_acting_for_yourself_the_line_is_worked_out_once_then_kept():
    household = make_household()
    client = strong_session(Client(), household.parent_user)

    first, first_sql = acting_line(client)
    again, again_sql = acting_line(client)

    assert "Acting for:" in first and "yourself" in first
    assert again == first
    assert reads_delegations(first_sql)
    assert not reads_delegations(again_sql)
    assert not any("identity_identitylink" in statement for statement in again_sql)


def test_a_new_delegation_shows_once_the_kept_line_runs_out(monkeypatch):
    grantor = citizen("Grace", "Giver", years_ago(70))
    delegate = citizen("Dan", "Helper", years_ago(40))
    grantor_user = link_account(make_account("grace@example.test"), grantor)
    delegate_user = link_account(make_account("dan@example.test"), delegate)
    client = strong_session(Client(), delegate_user)
    assert acting_line(client)[0] == ""  # nobody else to act for: no line

    active_delegation(grantor, grantor_user, delegate_user, delegate)
    assert acting_line(client)[0] == ""  # kept for a few seconds, as the acting rules allow
    # A new session (signing in again, proving who you are) sees it at once.
    assert "yourself" in acting_line(strong_session(Client(), delegate_user))[0]

    monkeypatch.setattr(context, "ACTING_HEADER_SECONDS", 0)  # the kept answer runs out
    assert "yourself" in acting_line(client)[0]


def test_acting_for_someone_else_the_line_is_worked_out_on_every_page():
    household = make_household()
    client = strong_session(Client(), household.parent_user)
    acting_line(client)  # kept while acting for themselves

    client.post(reverse("identity:acting"), {"person": str(household.child.pk)})
    line, sql = acting_line(client)
    assert "Niran Jaidee" in line
    assert reads_delegations(sql)
    assert reads_delegations(acting_line(client)[1])

    client.post(reverse("identity:acting"), {"person": str(household.parent.pk)})
    line = acting_line(client)[0]
    assert "yourself" in line and "Niran Jaidee" not in line


def test_the_line_is_in_thai_under_th():
    household = make_household()
    client = strong_session(Client(), household.parent_user)
    client.post(reverse("identity:acting"), {"person": str(household.child.pk)})
    body = client.get("/th" + PAGE).content.decode()
    assert "นิรันดร์ ใจดี" in body
