"""An officer opening a case is on the person's "who looked at my data"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from onegate.cases.tests.factories import demo_services, referred_case, staff  # noqa: F401
from onegate.identity.constants import StaffRole
from onegate.identity.tests.acting_fixtures import strong_session
from onegate.registries.selectors import access_log_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_services")]


def test_the_person_sees_which_officer_opened_their_case_and_why():
    case = referred_case()
    officer = staff(StaffRole.CASE_WORKER, case.agency_slug)
    before = access_log_for(person_id=case.subject_person_id).count()
    client = strong_session(Client(), officer)

    response = client.get(reverse("cases:staff_case", kwargs={"reference": case.reference}))

    assert response.status_code == 200
    records = list(access_log_for(person_id=case.subject_person_id))
    assert len(records) == before + 1
    newest = records[0]
    assert newest.accessor_label == officer.get_username()
    assert newest.organisation == "land-transport"
    assert case.reference in newest.purpose
    assert "person.date_of_birth" in newest.facts


def test_an_officer_of_another_agency_leaves_no_read_on_the_log():
    case = referred_case()
    outsider = staff(StaffRole.CASE_WORKER, "immigration")
    before = access_log_for(person_id=case.subject_person_id).count()
    client = strong_session(Client(), outsider)

    response = client.get(reverse("cases:staff_case", kwargs={"reference": case.reference}))

    assert response.status_code == 404
    assert access_log_for(person_id=case.subject_person_id).count() == before
