"""The designer's "Import a form.io form" page: the report first, then the draft is saved."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from onegate.definitions.constants import VersionStatus
from onegate.definitions.models import DefinitionVersion
from onegate.definitions.tests.support import FISHING, service_owner

pytestmark = pytest.mark.django_db
PAGE = reverse("definitions:import_formio")
FORM = {
    "display": "form",
    "components": [
        {"type": "textfield", "key": "fullName", "label": "Full name", "input": True},
        {
            "type": "radio",
            "key": "colour",
            "label": "Favourite colour",
            "input": True,
            "values": [{"label": "Red", "value": "red"}, {"label": "Blue", "value": "blue"}],
        },
        {"type": "htmlelement", "key": "intro", "content": "<p>Hello</p>", "input": False},
        {"type": "button", "key": "submit", "label": "Submit", "input": True},
    ],
}
ASKED = {
    "step": "import",
    "service": "colour-survey",
    "title_en": "Tell us your colour",
    "title_th": "บอกสีที่คุณชอบ",
    "agency": "immigration",
}


@pytest.fixture
def owner_client(client):
    client.force_login(service_owner())
    return client


def test_the_report_is_shown_before_the_draft_is_saved(owner_client):
    response = owner_client.post(PAGE, {**ASKED, "json": json.dumps(FORM)})

    page = response.content.decode()
    assert response.status_code == 200
    assert "What the import did" in page and "full_name" in page
    assert "service: colour-survey" in page
    assert not DefinitionVersion.objects.exists()

    found = re.search(r'<textarea[^>]*id="id_source"[^>]*>(.*?)</textarea>', page, re.S)
    assert found is not None
    source = html.unescape(found[1])
    saved = owner_client.post(PAGE, {"step": "save", "source": source})

    assert saved.status_code == 302
    assert saved.url == reverse("definitions:definition", kwargs={"slug": "colour-survey"})
    draft = DefinitionVersion.objects.get()
    assert draft.status == VersionStatus.DRAFT and draft.definition.agency_slug == "immigration"


def test_a_file_that_is_not_formio_is_refused_with_its_problems(owner_client):
    response = owner_client.post(PAGE, {**ASKED, "json": json.dumps({"hello": "world"})})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not DefinitionVersion.objects.exists()


def test_only_the_users_agencies_can_be_chosen(owner_client):
    response = owner_client.post(PAGE, {**ASKED, "agency": "health", "json": json.dumps(FORM)})
    assert response.status_code == 400
    assert not DefinitionVersion.objects.exists()


def test_a_refused_save_heads_the_page_with_the_error_summary(owner_client):
    broken = FISHING.replace("level_of_assurance: substantial", "level_of_assurance: extreme")

    response = owner_client.post(PAGE, {"step": "save", "source": broken})

    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page and 'href="#id_source"' in page
    assert "level_of_assurance" in page
    assert not DefinitionVersion.objects.exists()


def test_a_draft_saved_without_a_note_says_it_was_imported(owner_client):
    response = owner_client.post(PAGE, {"step": "save", "source": FISHING, "note": ""})

    assert response.status_code == 302
    assert DefinitionVersion.objects.get().change_note == "Imported from a form.io form"


def test_each_missing_detail_is_named_in_the_error_summary(owner_client):
    response = owner_client.post(PAGE, {"json": json.dumps(FORM)})

    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    for message in (
        "Enter the web address name of the new service",
        "Enter the service's title in English",
        "Enter the service's title in Thai",
        "Choose the agency that owns it",
    ):
        assert message in page
    assert "This field is required." not in page
