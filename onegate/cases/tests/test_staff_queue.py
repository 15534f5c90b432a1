"""The back office's queues: scoped to the officer's agencies, filtered, sorted, paginated, in a
fixed number of queries; and "take next" from the page."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditEvent
from onegate.cases.constants import QUEUE_PAGE_SIZE, CaseStatus
from onegate.cases.models import Case
from onegate.cases.selectors import queue_for, queue_services
from onegate.cases.tests.factories import AGENCY, ETA, case_in, demo_services, staff  # noqa: F401
from onegate.identity.constants import StaffRole
from onegate.identity.tests.organisation_fixtures import grant

pytestmark = pytest.mark.usefixtures("demo_services")

_serial = itertools.count(1)


def copies(case: Case, count: int, **changes: Any) -> list[Case]:
    """``count`` more cases like ``case`` (other people on the same application): the queue only
    reads them, so they are written directly rather than sent through the runner."""
    made = []
    for _ in range(count):
        copy = Case.objects.get(pk=case.pk)
        copy.pk = uuid.uuid4()
        copy.reference = f"TQ{next(_serial):04d}-COPY"
        copy.subject_person_id = f"copy-{uuid.uuid4().hex[:16]}"
        for name, value in changes.items():
            setattr(copy, name, value)
        copy.save(force_insert=True)
        made.append(copy)
    return made


def references(page) -> list[str]:
    return [row.reference for row in page.rows]


@pytest.fixture
def waiting() -> Case:
    return case_in(CaseStatus.REFERRED)


def test_staff_of_another_agency_never_see_the_case(client, waiting):
    border = staff(StaffRole.CASE_WORKER, "immigration")

    assert queue_for(user=border).rows == []
    assert all(one.agency_slug == "immigration" for one in queue_services(user=border))
    client.force_login(border)
    listing = client.get(reverse("cases:queue"))
    assert listing.status_code == 200
    assert waiting.reference not in listing.content.decode()
    page = client.get(reverse("cases:staff_case", args=[waiting.reference]))
    assert page.status_code == 404
    refused = AuditEvent.objects.filter(action=CaseAction.CASE_ACCESS_REFUSED)
    assert refused.filter(subject_id=waiting.reference).exists()


def test_a_centre_officer_and_an_auditor_are_refused_the_queue(client):
    for role, agency in ((StaffRole.AUDITOR, "land-transport"), (StaffRole.SERVICE_OWNER, "x")):
        client.force_login(staff(role, agency))
        assert client.get(reverse("cases:queue")).status_code == 403


def test_the_officer_sees_their_agency_cases_with_what_the_row_needs(client, waiting):
    officer = staff(StaffRole.CASE_WORKER, waiting.agency_slug)

    page = queue_for(user=officer)

    [row] = page.rows
    assert row.reference == waiting.reference
    assert row.person_name == waiting.subject_names["en"]
    assert row.service_title == "Renew your driving licence"
    assert row.status_label == "Waiting for an officer"
    assert row.sla_due_on == waiting.sla_due_on
    assert row.sla_state in ("ok", "due_soon")
    assert row.assigned_to == ""
    assert (page.total, page.pages, page.capped) == (1, 1, False)


def test_filters_by_status_assignment_and_sla(waiting):
    officer = staff(StaffRole.CASE_WORKER, waiting.agency_slug)
    today = timezone.localdate()
    [late] = copies(waiting, 1, sla_due_on=today - dt.timedelta(days=3))
    [soon] = copies(waiting, 1, sla_due_on=today)
    [relaxed] = copies(waiting, 1, sla_due_on=today + dt.timedelta(days=40))
    [mine] = copies(
        waiting, 1, status=CaseStatus.IN_REVIEW, assigned_to=officer, sla_due_on=relaxed.sla_due_on
    )
    [withdrawn] = copies(waiting, 1, status=CaseStatus.WITHDRAWN, sla_due_on=late.sla_due_on)

    everything = references(queue_for(user=officer))
    assert withdrawn.reference not in everything  # not waiting for an officer
    assert references(queue_for(user=officer, sla="breached")) == [late.reference]
    assert references(queue_for(user=officer, sla="due_soon")) == [soon.reference]
    assert references(queue_for(user=officer, assigned="me")) == [mine.reference]
    assert mine.reference not in references(queue_for(user=officer, assigned="nobody"))
    assert references(queue_for(user=officer, status="withdrawn")) == [withdrawn.reference]
    assert references(queue_for(user=officer, service_slug="vehicle-tax")) == []
    assert relaxed.reference in everything


def test_sorting_by_due_day_and_by_day_sent(waiting):
    officer = staff(StaffRole.CASE_WORKER, waiting.agency_slug)
    now, today = timezone.now(), timezone.localdate()
    cases = [
        copies(
            waiting,
            1,
            sla_due_on=today + dt.timedelta(days=10 - n),
            submitted_at=now - dt.timedelta(days=n * 2 + 1),
        )[0]
        for n in range(4)
    ]
    Case.objects.filter(pk=waiting.pk).delete()
    by_due = [one.reference for one in sorted(cases, key=lambda one: one.sla_due_on)]
    by_sent = [one.reference for one in sorted(cases, key=lambda one: one.submitted_at)]

    assert references(queue_for(user=officer)) == by_due
    assert references(queue_for(user=officer, sort="-due")) == by_due[::-1]
    assert references(queue_for(user=officer, sort="sent")) == by_sent
    assert references(queue_for(user=officer, sort="-sent")) == by_sent[::-1]


def test_pages_of_the_queue(client, waiting):
    officer = staff(StaffRole.CASE_WORKER, waiting.agency_slug)
    copies(waiting, QUEUE_PAGE_SIZE + 4)

    first, second = queue_for(user=officer), queue_for(user=officer, page=2)
    beyond = queue_for(user=officer, page=99)

    assert (first.total, first.pages, len(first.rows)) == (QUEUE_PAGE_SIZE + 5, 2, QUEUE_PAGE_SIZE)
    assert len(second.rows) == 5 and not set(references(first)) & set(references(second))
    assert beyond.page == 2  # past the end: the last page
    client.force_login(officer)
    page = client.get(reverse("cases:queue"), {"page": 2, "sort": "-due"}).content.decode()
    assert 'aria-sort="descending"' in page
    assert "page=1" in page and "sort=-due" in page  # the links keep the sort
    assert "30 cases" in page


def test_the_count_is_capped(monkeypatch, waiting):
    monkeypatch.setattr("onegate.cases.selectors.QUEUE_COUNT_CAP", 3)
    officer = staff(StaffRole.CASE_WORKER, waiting.agency_slug)
    copies(waiting, 4)

    page = queue_for(user=officer)

    assert (page.total, page.capped, page.pages) == (3, True, 1)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_queue_page_costs_the_same_queries_for_5_and_for_30_cases(
    client, waiting, django_assert_num_queries
):
    lead = staff(StaffRole.TEAM_LEAD, waiting.agency_slug)
    others = [staff(StaffRole.CASE_WORKER, waiting.agency_slug) for _ in range(3)]
    for officer in others:
        copies(waiting, 1, status=CaseStatus.IN_REVIEW, assigned_to=officer)
    copies(waiting, 1)
    client.force_login(lead)
    url = reverse("cases:queue")
    _queries(client, url)  # warm: the session, the catalogue snapshot, templates

    few = _queries(client, url)
    for officer in others:
        copies(waiting, 8, status=CaseStatus.IN_REVIEW, assigned_to=officer)
    copies(waiting, 1)
    many = _queries(client, url)

    assert Case.objects.count() == 30
    assert few == many
    with django_assert_num_queries(4):  # scope, catalogue revision, capped count, rows
        queue_for(user=lead, sort="-due")


def test_queues_count_waiting_and_overdue_cases_per_service(client, waiting):
    officer = staff(StaffRole.CASE_WORKER, waiting.agency_slug)
    copies(waiting, 2, sla_due_on=timezone.localdate() - dt.timedelta(days=2))
    copies(waiting, 1, status=CaseStatus.IN_REVIEW, assigned_to=officer)

    found = {one.slug: one for one in queue_services(user=officer)}

    licence = found["renew-driving-licence"]
    assert (licence.waiting, licence.breached) == (3, 2)
    assert found["vehicle-tax"].waiting == 0
    client.force_login(officer)
    page = client.get(reverse("cases:queues")).content.decode()
    assert "Renew your driving licence" in page and "Take next case" in page


def test_take_next_hands_over_the_case_then_says_nothing_is_waiting(client, waiting):
    officer = staff(StaffRole.CASE_WORKER, waiting.agency_slug)
    client.force_login(officer)

    taken = client.post(reverse("cases:take_next"), {"service": waiting.service_slug})

    assert taken.status_code == 302
    assert taken["Location"] == reverse("cases:staff_case", args=[waiting.reference])
    waiting.refresh_from_db()
    assert (waiting.status, waiting.assigned_to_id) == (CaseStatus.IN_REVIEW, officer.pk)
    again = client.post(reverse("cases:take_next"), follow=True)
    assert again.redirect_chain[-1][0] == reverse("cases:queues")
    assert "No cases are waiting" in again.content.decode()


def test_take_next_is_post_only(client, waiting):
    client.force_login(staff(StaffRole.CASE_WORKER, waiting.agency_slug))
    assert client.get(reverse("cases:take_next")).status_code == 405


def test_an_officer_of_two_agencies_sees_both_queues_merged_in_order(waiting):
    officer = staff(StaffRole.CASE_WORKER, waiting.agency_slug)
    grant(officer, StaffRole.CASE_WORKER, AGENCY[ETA])
    visa = case_in(CaseStatus.REFERRED, service=ETA)
    today = timezone.localdate()
    Case.objects.filter(pk=visa.pk).update(sla_due_on=today + dt.timedelta(days=3))
    Case.objects.filter(pk=waiting.pk).update(sla_due_on=today + dt.timedelta(days=6))
    [early] = copies(waiting, 1, sla_due_on=today + dt.timedelta(days=1))
    [held] = copies(visa, 1, status=CaseStatus.IN_REVIEW, sla_due_on=today + dt.timedelta(days=4))

    page = queue_for(user=officer)

    assert references(page) == [early.reference, visa.reference, held.reference, waiting.reference]
    assert references(queue_for(user=officer, sort="-due", page=1))[0] == waiting.reference
