"""Rendered page parts: reused while the catalogue is unchanged, fresh as soon as it changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from markupsafe import Markup

from onegate.catalogue import fragments, selectors
from onegate.catalogue.fragments import FragmentStore
from onegate.catalogue.models import Service
from onegate.catalogue.services import LoadReport, catalogue_revision_bump


def test_a_part_is_rendered_once_per_key() -> None:
    store, renders = FragmentStore(), []

    def render() -> Markup:
        renders.append(1)
        return Markup("<p>Renew your driving licence</p>")

    first = store.get_or_render(("en", "/", "service", "renew"), render)
    again = store.get_or_render(("en", "/", "service", "renew"), render)
    store.get_or_render(("th", "/", "service", "renew"), render)
    assert first == again == Markup("<p>Renew your driving licence</p>")
    assert len(renders) == 2


def test_plain_text_from_a_caller_is_escaped() -> None:
    html = FragmentStore().get_or_render(("k",), lambda: "<script>")
    assert html == Markup("&lt;script&gt;")


def test_parts_keyed_by_what_people_type_are_bounded() -> None:
    store = FragmentStore()
    for number in range(fragments.VOLATILE_LIMIT * 3):
        store.get_or_render(("search", str(number)), lambda: Markup("<p>x</p>"), volatile=True)
    assert len(store._volatile) <= fragments.VOLATILE_LIMIT


@pytest.mark.django_db
def test_an_edit_shows_on_the_next_page_view(demo_catalogue: LoadReport, client: Client) -> None:
    assert "Pay vehicle tax" in client.get("/services/vehicle-tax/").content.decode()
    service = Service.objects.get(slug="vehicle-tax")
    service.title = {"en": "Pay your road tax", "th": "ชำระภาษีรถ"}
    service.save()
    html = client.get("/services/vehicle-tax/").content.decode()
    assert "Pay your road tax" in html
    assert "Pay vehicle tax" not in html


@pytest.mark.django_db
def test_with_a_check_interval_warm_pages_need_no_query(
    demo_catalogue: LoadReport,
    client: Client,
    settings: Any,
    django_assert_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.CATALOGUE_REVISION_CHECK_SECONDS = 60
    now = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: now[0])
    client.get("/")
    with django_assert_num_queries(0):
        client.get("/")
        client.get("/services/vehicle-tax/")

    # Another process changes the catalogue: the database row moves, this process's memory not.
    Service.objects.filter(slug="vehicle-tax").update(title={"en": "Road tax", "th": "ภาษีรถ"})
    catalogue_revision_bump()
    assert "Road tax" not in client.get("/services/vehicle-tax/").content.decode()
    now[0] += 61
    assert "Road tax" in client.get("/services/vehicle-tax/").content.decode()


@pytest.mark.django_db
def test_with_a_check_interval_this_processs_own_edits_show_at_once(
    demo_catalogue: LoadReport, client: Client, settings: Any
) -> None:
    settings.CATALOGUE_REVISION_CHECK_SECONDS = 60
    client.get("/services/vehicle-tax/")
    service = Service.objects.get(slug="vehicle-tax")
    service.title = {"en": "Road tax", "th": "ภาษีรถ"}
    service.save()
    assert "Road tax" in client.get("/services/vehicle-tax/").content.decode()
