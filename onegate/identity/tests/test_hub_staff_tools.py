"""The account hub offers staff the tools of their role, and nobody else any."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onegate.catalogue.tests.factories import AgencyFactory
from onegate.identity.constants import StaffRole
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.organisation_fixtures import staff_member

pytestmark = pytest.mark.django_db


def hub(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("identity:home")).content.decode()


def test_a_service_owner_is_offered_the_designer_and_nothing_else_of_staff(client):
    AgencyFactory(slug="immigration")
    owner = staff_member("owner@immigration.test", StaffRole.SERVICE_OWNER, "immigration")

    page = hub(client, owner)

    assert "Your work in government" in page
    assert f'href="{reverse("definitions:services")}"' in page
    assert f'href="{reverse("registries:staff_search")}"' not in page
    assert f'href="{reverse("identity:staff_agencies")}"' not in page


def test_a_registry_officer_is_offered_the_register_not_the_designer(client):
    AgencyFactory(slug="civil-registration")
    officer = staff_member("clerk@civil.test", StaffRole.REGISTRY_OFFICER, "civil-registration")

    page = hub(client, officer)

    assert f'href="{reverse("registries:staff_search")}"' in page
    assert f'href="{reverse("definitions:services")}"' not in page


def test_a_citizen_has_no_staff_section(client):
    page = hub(client, make_account())

    assert "Your work in government" not in page
    assert reverse("definitions:services") not in page
