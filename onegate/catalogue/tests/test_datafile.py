"""Catalogue data files: every problem is reported at once, naming its entry and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from onegate.catalogue.datafile import (
    CatalogueDataError,
    catalogue_data_parse,
    catalogue_data_read,
)


def a_document(**service: Any) -> dict[str, Any]:
    """A small valid catalogue, with the service's fields overridden by ``service``."""
    return {
        "agencies": [
            {
                "slug": "land-transport",
                "name": {"en": "Department of Land Transport", "th": "กรมการขนส่งทางบก"},
                "description": {"en": "Driving licences.", "th": "ใบขับขี่"},
            }
        ],
        "life_events": [
            {
                "slug": "driving",
                "title": {"en": "Driving", "th": "การขับรถ"},
                "summary": {"en": "Cars.", "th": "รถ"},
                "order": 1,
            }
        ],
        "services": [
            {
                "slug": "renew-driving-licence",
                "title": {"en": "Renew your driving licence", "th": "ต่ออายุใบขับขี่"},
                "summary": {"en": "Renew it online.", "th": "ต่ออายุทางออนไลน์"},
                "keywords": {"en": ["driving license"], "th": ["ต่อใบขับขี่"]},
                "agency": "land-transport",
                "life_events": ["driving"],
                "level_of_assurance": "substantial",
                "status": "coming_soon",
                "popular": 2,
                **service,
            }
        ],
    }


def problems_of(document: Any) -> list[str]:
    with pytest.raises(CatalogueDataError) as raised:
        catalogue_data_parse(document)
    return raised.value.problems


def test_a_valid_document_becomes_typed_records() -> None:
    data = catalogue_data_parse(a_document())
    service = data.services[0]
    assert service.title == {"en": "Renew your driving licence", "th": "ต่ออายุใบขับขี่"}
    assert service.life_events == ("driving",)
    assert service.popular_rank == 2
    assert data.agencies[0].website == ""


def test_missing_thai_title_names_the_entry_and_field() -> None:
    problems = problems_of(a_document(title={"en": "Renew your driving licence"}))
    assert problems == ['services[0] "renew-driving-licence": title: The Thai text is missing.']


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"title": {"en": "Renew", "th": " "}}, "title: The Thai text is empty."),
        ({"summary": None}, "summary: is required"),
        ({"status": "open"}, "status: 'open' is not one of coming_soon, retired"),
        ({"level_of_assurance": "medium"}, "level_of_assurance: 'medium' is not one of"),
        ({"popular": 0}, "popular: must be a whole number from 1"),
        ({"popular": "first"}, "popular: must be a whole number from 1"),
        ({"life_events": "driving"}, "life_events: must be a list of slugs"),
        ({"keywords": {"en": "licence", "th": []}}, "keywords: The English keywords must be"),
        ({"agnecy": "land-transport"}, "agnecy: unknown field"),
        ({"slug": "Renew Licence"}, "slug: 'Renew Licence' is not a slug"),
    ],
)
def test_each_bad_field_is_reported(override: dict[str, Any], expected: str) -> None:
    problems = problems_of(a_document(**override))
    assert len(problems) == 1
    assert problems[0].startswith("services[0]")
    assert expected in problems[0]


def test_a_file_cannot_make_a_service_live() -> None:
    assert problems_of(a_document(status="live")) == [
        "services[0] \"renew-driving-licence\": status: 'live' cannot be set in a catalogue file: "
        "a service goes live when its definition is published; use coming_soon"
    ]


@pytest.mark.parametrize(
    ("written", "status"), [({}, "coming_soon"), ({"status": "retired"}, "retired")]
)
def test_a_file_lists_services_as_coming_soon_or_retired(
    written: dict[str, Any], status: str
) -> None:
    document = a_document(**written)
    if not written:
        del document["services"][0]["status"]
    assert catalogue_data_parse(document).services[0].status == status


def test_all_problems_are_reported_together() -> None:
    document = a_document(title={"en": "Renew"}, status="open")
    document["agencies"][0]["website"] = "not a web address"
    problems = problems_of(document)
    assert len(problems) == 3
    assert any(problem.startswith('agencies[0] "land-transport": website:') for problem in problems)


def test_duplicate_slugs_are_refused() -> None:
    document = a_document()
    document["services"].append(dict(document["services"][0]))
    assert problems_of(document) == [
        "services[1] \"renew-driving-licence\": slug: 'renew-driving-licence' is used by an "
        "earlier entry"
    ]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (["not", "a", "map"], "the file must be a map with agencies, life_events and services"),
        ({"service": []}, "service: unknown section"),
        ({"services": {"slug": "x"}}, "services: must be a list of entries"),
        ({"services": ["renew-driving-licence"]}, "services[0]: must be a map of fields"),
    ],
)
def test_wrong_shapes_are_explained(document: Any, expected: str) -> None:
    assert any(expected in problem for problem in problems_of(document))


def test_yaml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text("services:\n  - slug: renew\n    title: {en: Renew, th: ต่ออายุ\n", "utf-8")
    with pytest.raises(CatalogueDataError) as raised:
        catalogue_data_read(path)
    assert "is not valid YAML" in str(raised.value)
    assert "line 4" in str(raised.value)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CatalogueDataError, match="cannot be read"):
        catalogue_data_read(tmp_path / "nowhere.yaml")
