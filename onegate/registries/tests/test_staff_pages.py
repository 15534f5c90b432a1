"""Registry staff pages: permission, a purpose before any data, search by ID, passport or name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onegate.identity.constants import StaffRole
from onegate.identity.services.organisations import staff_role_end
from onegate.identity.tests.organisation_fixtures import service_centre, staff_member
from onegate.registries.models import AccessRecord

pytestmark = pytest.mark.django_db

SEARCH = reverse("registries:staff_search")


@pytest.fixture
def officer():
    return staff_member("officer@example.test", StaffRole.REGISTRY_OFFICER, "civil-registration")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_staff_without_the_registry_permission_are_refused(client, family):
    # A case worker is staff, but the role does not carry registry access.
    client.force_login(staff_member("clerk@example.test", StaffRole.CASE_WORKER, "health"))
    assert client.get(SEARCH).status_code == 403
    assert (
        client.get(reverse("registries:staff_person", args=[family.parent.pk])).status_code == 403
    )


def test_a_search_without_a_reason_is_refused_and_reads_nothing(officer_client, family):
    response = officer_client.get(SEARCH, {"national_id": family.parent.national_id})
    assert response.status_code == 400
    assert "Select why you are looking at registry records" in response.content.decode()
    assert 'href="#id_purpose"' in response.content.decode()
    assert not AccessRecord.objects.exists()


def test_a_bad_national_id_is_named(officer_client, family):
    response = officer_client.get(
        SEARCH, {"purpose": "application", "national_id": "1234567890123"}
    )
    assert response.status_code == 400
    assert "correct check digit" in response.content.decode()


def test_search_by_national_id_shows_the_person_and_logs_the_reason(officer_client, family):
    response = officer_client.get(
        SEARCH, {"purpose": "application", "national_id": family.parent.national_id}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Somchai Jaidee" in page
    assert "purpose=application" in page  # links keep the reason
    record = AccessRecord.objects.get(person=family.parent)
    assert record.purpose == "Processing an application"
    assert record.accessor_label == "officer@example.test"
    assert record.organisation == "civil-registration"  # the officer's own agency


def test_search_by_name_in_thai_and_by_passport(officer_client, family):
    thai = officer_client.get(SEARCH, {"purpose": "identity-check", "name": "ใจดี"}).content.decode()
    assert "3 people found" in thai
    passport = officer_client.get(
        SEARCH,
        {"purpose": "identity-check", "passport_number": "X1234567", "passport_state": "GBR"},
    ).content.decode()
    assert "John Smith" in passport


def test_an_investigation_needs_its_case_reference(officer_client, family):
    response = officer_client.get(SEARCH, {"purpose": "investigation", "name": "jaidee"})
    assert response.status_code == 400
    assert "Enter the case reference" in response.content.decode()


def test_the_person_page_asks_why_first(officer_client, family):
    url = reverse("registries:staff_person", args=[family.parent.pk])
    response = officer_client.get(url)
    assert response.status_code == 400
    assert "Why are you looking at this record?" in response.content.decode()
    assert not AccessRecord.objects.exists()


def test_the_person_page_shows_links_documents_and_address_and_logs_each_person_read(
    officer_client, family
):
    url = reverse("registries:staff_person", args=[family.parent.pk])
    page = officer_client.get(url, {"purpose": "correction", "reference": "CR-1"}).content.decode()
    assert "Malee Jaidee" in page
    assert "Niran Jaidee" in page
    assert "10200" in page
    assert AccessRecord.objects.filter(
        person=family.child, purpose="Handling a correction request (CR-1)"
    ).exists()


def test_the_thai_page_is_in_thai(officer_client, family):
    page = officer_client.get("/th" + SEARCH).content.decode()
    assert 'lang="th"' in page


def test_a_service_centre_officer_may_search_for_identity_checks(client, family):
    centre = service_centre("lak-si")
    client.force_login(
        staff_member(
            "counter@example.test", StaffRole.CENTRE_OFFICER, "service-centres", centre=centre
        )
    )
    response = client.get(SEARCH, {"purpose": "identity-check", "name": "jaidee"})
    assert response.status_code == 200
    assert "Somchai Jaidee" in response.content.decode()
    # The people found see the service-centre network, not the registry, on their access log.
    assert set(AccessRecord.objects.values_list("organisation", flat=True)) == {"service-centres"}


def test_a_registry_officer_who_left_is_refused(officer, officer_client, family):
    staff_role_end(actor=None, membership=officer.staff_memberships.get())
    assert officer_client.get(SEARCH).status_code == 403
