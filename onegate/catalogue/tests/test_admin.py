"""The catalogue admin: one box per language, and saving refreshes every process's catalogue."""

from __future__ import annotations

import pytest
from django.test import Client

from onegate.audit.models import AuditEvent
from onegate.catalogue.models import Service
from onegate.catalogue.selectors import catalogue_current
from onegate.catalogue.services import LoadReport
from onegate.identity.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_catalogue(demo_catalogue: LoadReport, client: Client) -> Client:
    user = User.objects.create_superuser("admin@example.gov", "password")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["agency", "lifeevent", "service"])
def test_lists_and_forms_open(admin_client_with_catalogue: Client, model: str) -> None:
    assert admin_client_with_catalogue.get(f"/admin/catalogue/{model}/").status_code == 200
    assert admin_client_with_catalogue.get(f"/admin/catalogue/{model}/add/").status_code == 200


def service_form(service: Service, **changes: str) -> dict[str, str]:
    data = {
        "slug": service.slug,
        "title_en": service.title["en"],
        "title_th": service.title["th"],
        "summary_en": service.summary["en"],
        "summary_th": service.summary["th"],
        "keywords_en": "\n".join(service.keywords["en"]),
        "keywords_th": "\n".join(service.keywords["th"]),
        "agency": str(service.agency_id),
        "level_of_assurance": service.level_of_assurance,
        "status": service.status,
        "popular_rank": str(service.popular_rank or ""),
    }
    return data | changes


def test_editing_a_title_shows_on_the_site_at_once(admin_client_with_catalogue: Client) -> None:
    service = Service.objects.get(slug="vehicle-tax")
    catalogue_current()  # warm the in-memory catalogue with the old title
    form = service_form(service, title_th="ต่อภาษีรถประจำปี", keywords_en="car tax\nroad tax\n\n")

    response = admin_client_with_catalogue.post(
        f"/admin/catalogue/service/{service.pk}/change/", form
    )

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.title == {"en": "Pay vehicle tax", "th": "ต่อภาษีรถประจำปี"}
    assert service.keywords["en"] == ["car tax", "road tax"]
    entry = catalogue_current().service("vehicle-tax")
    assert entry is not None
    assert entry.title["th"] == "ต่อภาษีรถประจำปี"


def test_a_missing_thai_title_is_refused(admin_client_with_catalogue: Client) -> None:
    service = Service.objects.get(slug="vehicle-tax")
    form = service_form(service, title_th="")
    response = admin_client_with_catalogue.post(
        f"/admin/catalogue/service/{service.pk}/change/", form
    )
    assert response.status_code == 200  # the form again, with an error
    service.refresh_from_db()
    assert service.title["th"] == "ชำระภาษีรถประจำปี"


def test_staff_cannot_make_a_service_live_without_its_definition(
    admin_client_with_catalogue: Client,
) -> None:
    service = Service.objects.get(slug="vehicle-tax")
    form = service_form(service, status="live")

    response = admin_client_with_catalogue.post(
        f"/admin/catalogue/service/{service.pk}/change/", form
    )

    assert response.status_code == 200  # the form again, with the reason
    assert (
        "A service goes live when its service definition is published. "
        "Until then, choose Coming soon." in response.content.decode()
    )
    service.refresh_from_db()
    assert service.status == "coming_soon"


def test_a_new_service_cannot_be_added_as_live(admin_client_with_catalogue: Client) -> None:
    template = Service.objects.get(slug="vehicle-tax")
    form = service_form(template, slug="pay-parking-fines", status="live")

    response = admin_client_with_catalogue.post("/admin/catalogue/service/add/", form)

    assert response.status_code == 200
    assert "A service goes live when its service definition is published." in (
        response.content.decode()
    )
    assert not Service.objects.filter(slug="pay-parking-fines").exists()


def test_definition_owned_fields_are_read_only(admin_client_with_catalogue: Client) -> None:
    service = Service.objects.get(slug="vehicle-tax")
    Service.objects.filter(pk=service.pk).update(has_definition=True)
    html = admin_client_with_catalogue.get(f"/admin/catalogue/service/{service.pk}/change/").content
    assert b'name="title_en"' not in html
    assert b'name="status"' not in html
    assert b'name="keywords_en"' in html


def test_staff_edits_and_deletions_are_audited(admin_client_with_catalogue: Client) -> None:
    # given a service edited, then deleted, by a member of staff
    service = Service.objects.get(slug="vehicle-tax")
    form = service_form(service, title_th="ต่อภาษีรถประจำปี")
    admin_client_with_catalogue.post(f"/admin/catalogue/service/{service.pk}/change/", form)
    admin_client_with_catalogue.post(
        f"/admin/catalogue/service/{service.pk}/delete/", {"post": "yes"}
    )

    # then the audit log says who did what to which record
    events = AuditEvent.objects.filter(subject_id=str(service.pk)).order_by("created_at")
    assert [e.action for e in events] == ["catalogue.record_saved", "catalogue.record_deleted"]
    staff = User.objects.get(email="admin@example.gov")
    assert {e.actor_id for e in events} == {str(staff.pk)}
    assert events[0].payload["slug"] == "vehicle-tax"
    assert "title" in events[0].payload["changed_fields"]
    assert not Service.objects.filter(slug="vehicle-tax").exists()
