"""What the runner's page tests share: the demo services loaded, links to the runner's pages,
and the steps of a child health card a parent takes, as a browser without JavaScript does."""

from __future__ import annotations

import io
import re
from typing import Any

from django.test import Client
from django.urls import reverse
from pypdf import PdfWriter

from onegate.catalogue.selectors import catalogue_forget
from onegate.catalogue.services import DEMO_CATALOGUE, catalogue_load_file
from onegate.definitions.demo import load_demo_definitions
from onegate.identity.tests.acting_fixtures import Household
from onegate.runner.models import Application
from onegate.runner.services import application_page_save

CHILD_HEALTH = "child-health-card"
LICENCE = "renew-driving-licence"


def runner_url(name: str, **kwargs: Any) -> str:
    return reverse(f"runner:{name}", kwargs=kwargs)


def page_url(application: Application, page_id: str) -> str:
    return runner_url("page", application_id=application.pk, page_id=page_id)


def latest() -> Application:
    return Application.objects.order_by("-created_at")[0]


def hidden_inputs(html: str) -> dict[str, str]:
    found = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
    return {name: value for name, value in found if name != "csrfmiddlewaretoken"}


def start_children(client: Client, household: Household) -> Application:
    """Start a child health card for the ten-year-old and the one turning 18 tomorrow."""
    answer = client.post(
        runner_url("start", service_slug=CHILD_HEALTH),
        {"subjects": [household.child.pk, household.nearly_adult.pk]},
    )
    application = latest()
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert answer["Location"] == page_url(application, "health_centre")
    return application


def answer_child_pages(client: Client, application: Application) -> None:
    steps = [
        ("health_centre", {"health_centre_choice": "nearest"}, "health_needs"),
        ("health_needs", {"long_term_condition": "no", "allergies": ["none"]}, "contact"),
    ]
    for page_id, data, following in steps:
        answer = client.post(page_url(application, page_id), data)
        assert answer.status_code == 302, answer.content.decode()[:3000]
        assert answer["Location"] == page_url(application, following)
    answer = client.post(page_url(application, "contact"), {"parent_phone": "081 234 5678"})
    assert answer["Location"] == runner_url("check", application_id=application.pk)


def send(client: Client, application: Application, **extra: str) -> Any:
    check = client.get(runner_url("check", application_id=application.pk))
    assert check.status_code == 200
    data = hidden_inputs(check.content.decode()) | extra
    return client.post(runner_url("check", application_id=application.pk), data)


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def demo_services_load() -> None:
    """The demo catalogue with the five demo services' definitions published."""
    catalogue_load_file(path=DEMO_CATALOGUE)
    catalogue_forget()
    load_demo_definitions(warnings=io.StringIO())
    catalogue_forget()


def pages_saved(
    actor: Any, application: Application, pages: dict[str, dict[str, Any]]
) -> Application:
    """Each page's answers saved in turn by ``actor``, as pressing "Continue" on each does."""
    for page_id, answers in pages.items():
        application = application_page_save(
            actor=actor,
            application=application,
            page_id=page_id,
            answers=answers,
            complete=True,
            resume_page="",
        )
    return application
