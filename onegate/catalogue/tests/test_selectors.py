"""The in-memory catalogue: one cheap query per use, rebuilt whenever the catalogue changes."""

from __future__ import annotations

from typing import Any

import pytest

from onegate.catalogue.constants import SEARCH_QUERY_MAX_LENGTH
from onegate.catalogue.models import Service
from onegate.catalogue.selectors import (
    SearchProblem,
    catalogue_current,
    catalogue_service_agency,
    services_search,
)
from onegate.catalogue.services import LoadReport, catalogue_revision_bump
from onegate.catalogue.tests.factories import AgencyFactory, LifeEventFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_a_warm_catalogue_costs_one_query(
    demo_catalogue: LoadReport, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(5):  # revision, agencies, life events, links, services
        catalogue_current()
    with django_assert_num_queries(1):
        catalogue = catalogue_current()
    assert len(catalogue.listed_services) == Service.objects.count()


def test_a_new_service_shows_up_at_once() -> None:
    before = catalogue_current()
    ServiceFactory(slug="register-a-birth")
    after = catalogue_current()
    assert before.service("register-a-birth") is None
    assert after.service("register-a-birth") is not None


def test_a_bulk_update_shows_up_after_a_bump() -> None:
    ServiceFactory(slug="vehicle-tax", title={"en": "Vehicle tax", "th": "ภาษีรถ"})
    catalogue_current()
    Service.objects.filter(slug="vehicle-tax").update(title={"en": "Road tax", "th": "ภาษีรถ"})
    catalogue_revision_bump()
    service = catalogue_current().service("vehicle-tax")
    assert service is not None
    assert service.title["en"] == "Road tax"


def test_retired_services_are_not_listed_or_found_but_keep_their_page() -> None:
    ServiceFactory(slug="fax-a-form", title={"en": "Fax a form", "th": "ส่งแฟกซ์"}, retired=True)
    catalogue = catalogue_current()
    assert catalogue.services_a_to_z("en") == []
    assert catalogue.search("fax")[0] == []
    assert catalogue.service("fax-a-form") is not None


def test_popular_services_follow_their_rank() -> None:
    ServiceFactory(slug="second", popular_rank=2)
    ServiceFactory(slug="first", popular_rank=1)
    ServiceFactory(slug="not-popular")
    assert [s.slug for s in catalogue_current().popular_services] == ["first", "second"]


def test_thai_a_to_z_files_by_consonant_not_leading_vowel() -> None:
    for slug, thai in [("a", "แจ้งเกิด"), ("b", "ขอหนังสือเดินทาง"), ("c", "จองคิว")]:
        ServiceFactory(slug=slug, title={"en": slug, "th": thai})
    titles = [s.title["th"] for s in catalogue_current().services_a_to_z("th")]
    assert titles == ["ขอหนังสือเดินทาง", "จองคิว", "แจ้งเกิด"]


def test_life_event_lists_its_listed_services() -> None:
    event = LifeEventFactory(slug="driving")
    ServiceFactory(slug="renew", life_events=[event])
    ServiceFactory(slug="old", life_events=[event], retired=True)
    catalogue = catalogue_current()
    entry = catalogue.life_event("driving")
    assert entry is not None
    assert [s.slug for s in catalogue.services_for_life_event(entry, "en")] == ["renew"]


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("", SearchProblem.EMPTY),
        ("   ", SearchProblem.EMPTY),
        ("x" * (SEARCH_QUERY_MAX_LENGTH + 1), SearchProblem.TOO_LONG),
        ("!!! ???", SearchProblem.NO_WORDS),
        ("\x00\x01", SearchProblem.NO_WORDS),
    ],
)
def test_queries_that_cannot_be_searched_say_why(query: str, problem: SearchProblem) -> None:
    outcome = services_search(catalogue=catalogue_current(), query=query)
    assert outcome.problem == problem
    assert outcome.results == []
    assert len(outcome.query) <= SEARCH_QUERY_MAX_LENGTH


def test_a_query_of_exactly_the_maximum_length_is_searched() -> None:
    outcome = services_search(catalogue=catalogue_current(), query="x" * SEARCH_QUERY_MAX_LENGTH)
    assert outcome.problem is None


def test_the_query_shown_back_has_no_control_characters_or_lone_surrogates() -> None:
    outcome = services_search(catalogue=catalogue_current(), query="pass\ud800port\x00\x1b ")
    assert outcome.query == "passport"
    outcome.query.encode("utf-8")  # would raise on a lone surrogate


def test_the_agency_of_a_service_is_read_from_the_database() -> None:
    ServiceFactory(slug="register-a-birth", agency=AgencyFactory(slug="civil-registration"))
    catalogue_current()
    Service.objects.filter(slug="register-a-birth").update(
        agency=AgencyFactory(slug="local-government")
    )  # no bump: the snapshot does not know yet

    assert catalogue_service_agency(slug="register-a-birth") == "local-government"
    assert catalogue_service_agency(slug="no-such-service") is None
