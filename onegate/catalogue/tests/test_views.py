"""Catalogue pages in English and Thai: content, states, 404s, odd queries and query counts.

Pages are checked against the demo catalogue with two definitions published, the driving
licence renewal and service-centre appointments, so both live and coming-soon services show.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from onegate.catalogue.constants import SEARCH_QUERY_MAX_LENGTH
from onegate.catalogue.models import Service
from onegate.catalogue.selectors import catalogue_current
from onegate.catalogue.services import LoadReport

pytestmark = pytest.mark.django_db

TITLE_SUFFIX = "\u2013 OneGate"
THAI_LETTERS = re.compile(r"[\u0e00-\u0e7f]+")
PAGES = [
    "/",
    "/search/?q=passport",
    "/search/",
    "/services/",
    "/services/renew-driving-licence/",
    "/services/apply-for-a-passport/",
    "/services/renew-driving-licence/start/",
    "/life-events/having-a-baby/",
    "/agencies/land-transport/",
]


class PageParser(HTMLParser):
    """Collects what the tests look at: headings, links, the title and inline code."""

    def __init__(self) -> None:
        super().__init__()
        self.h1_count = 0
        self.links: list[str] = []
        self.inline_scripts = 0
        self.style_attributes = 0
        self.html_lang = ""
        self._in_title = False
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.h1_count += tag == "h1"
        self.style_attributes += "style" in values or tag == "style"
        if tag == "html":
            self.html_lang = values.get("lang") or ""
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "script" and not values.get("src"):
            self.inline_scripts += 1
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False if tag == "title" else self._in_title

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def parse(content: bytes) -> PageParser:
    parser = PageParser()
    parser.feed(content.decode())
    return parser


def text_of(content: bytes) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", content.decode()).split())


PUBLISHED = ("renew-driving-licence", "book-service-centre-appointment")


@pytest.fixture
def client_with_catalogue(
    demo_catalogue: LoadReport, publish_definition: Callable[[str], Service], client: Client
) -> Client:
    for slug in PUBLISHED:
        publish_definition(slug)
    return client


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("language", ["en", "th"])
def test_every_page_is_well_formed(client_with_catalogue: Client, path: str, language: str) -> None:
    url = path if language == "en" else f"/th{path}"
    response = client_with_catalogue.get(url)
    assert response.status_code == 200
    page = parse(response.content)
    assert page.html_lang == language
    assert page.h1_count == 1
    assert page.title.strip().endswith(TITLE_SUFFIX)
    assert len(page.title.strip()) > len(TITLE_SUFFIX) + 3
    assert page.inline_scripts == 0
    assert page.style_attributes == 0
    thai_text = THAI_LETTERS.findall(text_of(response.content).replace("ไทย", ""))
    if language == "en":
        assert not thai_text, "an English page shows Thai only in the language switch"
    else:
        assert thai_text


@pytest.mark.parametrize("start", ["/", "/th/"])
def test_every_catalogue_link_works(client_with_catalogue: Client, start: str) -> None:
    catalogue_prefixes = ("/services/", "/life-events/", "/agencies/", "/search/")
    seen: set[str] = set()
    queue = [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client_with_catalogue.get(url)
        assert response.status_code in (200, 302), url
        for link in parse(response.content).links if response.status_code == 200 else []:
            path = link.removeprefix("/th")
            if path.startswith(catalogue_prefixes) and link.startswith(start.rstrip("/") + "/"):
                queue.append(link)
    assert len(seen) > 30


def test_home_page_in_english(client_with_catalogue: Client) -> None:
    response = client_with_catalogue.get("/")
    text = text_of(response.content)
    html = response.content.decode()
    assert "Government services in one place" in text
    # The hero is a named region, so its heading and search box sit in a landmark.
    assert '<section class="og-hero" aria-labelledby="home-heading">' in html
    assert 'action="/search/" method="get" role="search"' in html
    assert 'href="/life-events/having-a-baby/"' in html
    assert 'href="/services/"' in html
    popular = re.findall(r'<li><a class="govuk-link[^"]*" href="/services/([^/]+)/"', html)
    assert popular[:3] == [
        "electronic-travel-authority",
        "renew-driving-licence",
        "tell-us-you-have-moved",
    ]


def test_home_page_in_thai(client_with_catalogue: Client) -> None:
    response = client_with_catalogue.get("/th/")
    text = text_of(response.content)
    assert "บริการภาครัฐครบในที่เดียว" in text
    assert "มีลูก" in text  # a life event
    assert "ต่ออายุใบขับขี่" in text  # a popular service
    assert 'action="/th/search/"' in response.content.decode()


def test_search_results_show_title_summary_and_agency(client_with_catalogue: Client) -> None:
    response = client_with_catalogue.get("/search/", {"q": "driving licence"})
    text = text_of(response.content)
    html = response.content.decode()
    assert "services found for “driving licence”" in text
    first = html.index('href="/services/renew-driving-licence/"')
    assert first < html.index('href="/services/book-driving-test/"')
    assert "Renew a licence that has expired" in text
    assert "Department of Land Transport" in text
    assert 'value="driving licence"' in html


def test_search_in_thai(client_with_catalogue: Client) -> None:
    response = client_with_catalogue.get("/th/search/", {"q": "ต่อใบขับขี่"})
    text = text_of(response.content)
    assert "พบ 1 บริการสำหรับ “ต่อใบขับขี่”" in text
    assert "กรมการขนส่งทางบก" in text
    assert 'href="/th/services/renew-driving-licence/"' in response.content.decode()


def test_misspelling_offers_did_you_mean(client_with_catalogue: Client) -> None:
    response = client_with_catalogue.get("/search/", {"q": "pasport"})
    assert 'Did you mean <a class="govuk-link" href="/search/?q=passport">passport</a>?' in (
        response.content.decode()
    )


def test_no_results_page_helps(client_with_catalogue: Client) -> None:
    response = client_with_catalogue.get("/search/", {"q": "xylophone lessons"})
    text = text_of(response.content)
    assert response.status_code == 200
    assert "No services found for “xylophone lessons”" in text
    assert "check the spelling of your search words" in text
    assert "Browse by life event" in text
    assert "Popular services" in text


def test_empty_search_explains_what_to_do(client_with_catalogue: Client) -> None:
    text = text_of(client_with_catalogue.get("/search/", {"q": "  "}).content)
    assert "Type what you need in your own words" in text
    assert "There is a problem" not in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "x" * (SEARCH_QUERY_MAX_LENGTH + 1),
            f"Search words must be {SEARCH_QUERY_MAX_LENGTH} characters",
        ),
        ("!!! ???", "Enter words to search for, using letters or numbers"),
        ("\x00\x07", "Enter words to search for, using letters or numbers"),
    ],
)
def test_unsearchable_queries_get_an_error_message(
    client_with_catalogue: Client, query: str, message: str
) -> None:
    response = client_with_catalogue.get("/search/", {"q": query})
    page = parse(response.content)
    assert response.status_code == 200
    assert page.title.startswith("Error:")
    assert "There is a problem" in text_of(response.content)
    assert message in text_of(response.content)


@pytest.mark.parametrize(
    "raw_query",
    [
        "q=%ED%A0%80",  # an encoded lone surrogate: not UTF-8
        "q=%FF%FE%00",
        "q=%C3",  # a truncated UTF-8 sequence
        "q=passport&q=%00",
        "q=" + "%E0%B8%81" * 300,  # 300 Thai letters
        "q=%F0%9F%9B%82",  # an emoji
    ],
)
def test_odd_encodings_never_fail(client_with_catalogue: Client, raw_query: str) -> None:
    response = client_with_catalogue.get(f"/search/?{raw_query}")
    assert response.status_code == 200


def test_queries_are_escaped(client_with_catalogue: Client) -> None:
    response = client_with_catalogue.get("/search/", {"q": '<script>alert("x")</script>'})
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_live_service_has_a_start_button(client_with_catalogue: Client) -> None:
    response = client_with_catalogue.get("/services/renew-driving-licence/")
    html = response.content.decode()
    text = text_of(response.content)
    assert re.search(
        r'href="/services/renew-driving-licence/start/" role="button"[^>]*govuk-button--start', html
    )
    assert "Start now" in text
    assert "You need to prove your identity online first" in text
    assert 'href="/agencies/land-transport/"' in html
    assert 'href="/life-events/driving/"' in html
    assert "Coming soon" not in text


def test_coming_soon_service_has_a_tag_and_no_start_button(client_with_catalogue: Client) -> None:
    response = client_with_catalogue.get("/services/apply-for-a-passport/")
    text = text_of(response.content)
    assert "Coming soon" in text
    assert "Start now" not in text
    assert "/start/" not in response.content.decode()
    assert "book an appointment at a service centre" in text
    assert "in person at a service centre" in text  # high level of assurance, in plain words


def test_coming_soon_page_offers_an_appointment_only_when_booking_is_live(
    demo_catalogue: LoadReport, client: Client
) -> None:
    text = text_of(client.get("/services/apply-for-a-passport/").content)
    assert "Coming soon" in text
    assert "book an appointment at a service centre" not in text


def test_nothing_can_be_started_before_a_definition_is_published(
    demo_catalogue: LoadReport, client: Client
) -> None:
    text = text_of(client.get("/services/renew-driving-licence/").content)
    assert "Coming soon" in text
    assert "Start now" not in text
    response = client.get("/services/renew-driving-licence/start/")
    assert response.status_code == 302
    assert response["Location"] == "/services/renew-driving-licence/"


def test_publishing_a_definition_opens_the_service_at_once(
    demo_catalogue: LoadReport, publish_definition: Callable[[str], Service], client: Client
) -> None:
    assert "Start now" not in text_of(client.get("/services/child-health-card/").content)

    publish_definition("child-health-card")

    text = text_of(client.get("/services/child-health-card/").content)
    assert "Start now" in text
    assert "Coming soon" not in text
    assert client.get("/services/child-health-card/start/").status_code == 200


def test_service_page_in_thai(client_with_catalogue: Client) -> None:
    text = text_of(client_with_catalogue.get("/th/services/renew-driving-licence/").content)
    assert "ต่ออายุใบขับขี่" in text
    assert "เริ่มใช้บริการ" in text
    assert "กรมการขนส่งทางบก" in text
    assert "การขับรถและการมีรถ" in text


def test_start_page_says_what_happens_next(client_with_catalogue: Client) -> None:
    text = text_of(client_with_catalogue.get("/services/renew-driving-licence/start/").content)
    assert "The online form for this service will open on this page." in text
    thai = text_of(client_with_catalogue.get("/th/services/renew-driving-licence/start/").content)
    assert "แบบฟอร์มออนไลน์ของบริการนี้จะเปิดที่หน้านี้" in thai


def test_start_of_a_coming_soon_service_goes_back_to_its_page(
    client_with_catalogue: Client,
) -> None:
    response = client_with_catalogue.get("/th/services/apply-for-a-passport/start/")
    assert response.status_code == 302
    assert response["Location"] == "/th/services/apply-for-a-passport/"


def test_life_event_page_lists_its_services(client_with_catalogue: Client) -> None:
    response = client_with_catalogue.get("/life-events/having-a-baby/")
    html = response.content.decode()
    for slug in ("register-a-birth", "child-health-card", "child-vaccination-record"):
        assert f'href="/services/{slug}/"' in html
    thai = text_of(client_with_catalogue.get("/th/life-events/having-a-baby/").content)
    assert "มีลูก" in thai and "แจ้งเกิด" in thai


def test_agency_page_lists_its_services(client_with_catalogue: Client) -> None:
    response = client_with_catalogue.get("/agencies/immigration/")
    text = text_of(response.content)
    html = response.content.decode()
    assert "Immigration Bureau" in text
    assert 'href="https://immigration.onegate.example"' in html
    assert 'href="/services/electronic-travel-authority/"' in html
    assert 'href="/services/renew-driving-licence/"' not in html


def test_all_services_lists_every_listed_service(client_with_catalogue: Client) -> None:
    html = client_with_catalogue.get("/th/services/").content.decode()
    listed = catalogue_current().listed_services
    assert all(f'href="/th/services/{service.slug}/"' in html for service in listed)
    assert f"มีทั้งหมด {len(listed)} บริการ" in text_of(html.encode())


@pytest.mark.parametrize(
    "path",
    [
        "/services/no-such-service/",
        "/services/no-such-service/start/",
        "/life-events/getting-married/",
        "/agencies/ministry-of-magic/",
        "/th/services/no-such-service/",
        "/services/bad%20slug/",
    ],
)
def test_unknown_slugs_get_the_designed_404(client_with_catalogue: Client, path: str) -> None:
    response = client_with_catalogue.get(path)
    page = parse(response.content)
    assert response.status_code == 404
    assert "404" in text_of(response.content)
    assert page.h1_count == 1
    assert "/" in page.links or "/th/" in page.links, "the designed page links to the home page"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search/?q=passport",
        "/search/?q=pasport",
        "/th/search/?q=ใบขับขี่",
        "/services/",
        "/th/services/",
        "/life-events/moving-to-the-country/",
        "/agencies/immigration/",
        "/services/renew-driving-licence/",
    ],
)
def test_pages_cost_one_query_once_the_catalogue_is_warm(
    client_with_catalogue: Client, django_assert_num_queries: Any, path: str
) -> None:
    with django_assert_num_queries(5):
        client_with_catalogue.get("/")  # cold: the revision check plus building the catalogue
    with django_assert_num_queries(1):
        response = client_with_catalogue.get(path)
    assert response.status_code == 200


def test_post_is_refused(client_with_catalogue: Client) -> None:
    assert client_with_catalogue.post("/search/", {"q": "passport"}).status_code == 405
