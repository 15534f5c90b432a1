"""English at /, Thai under /th/, Accept-Language honoured once, the switch keeps the page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "page has no <html lang>"
    return match.group(1)


def test_english_at_root_and_thai_under_th(client):
    english = client.get("/cookies/")
    thai = client.get("/th/cookies/")
    assert english.status_code == thai.status_code == 200
    assert html_lang(english) == "en"
    assert html_lang(thai) == "th"
    assert "คุกกี้" in thai.content.decode()


def test_first_visit_with_thai_browser_is_sent_to_the_thai_page(client):
    response = client.get("/cookies/?x=1", HTTP_ACCEPT_LANGUAGE="th-TH,th;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/th/cookies/?x=1"
    assert "Accept-Language" in response["Vary"]


def test_first_visit_with_english_browser_stays_in_english(client):
    response = client.get("/cookies/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9,th;q=0.5")
    assert response.status_code == 200
    assert html_lang(response) == "en"


@pytest.mark.parametrize(
    "header", ["", "garbage;;;q=zz", "x" * 5000, "th;q=abc", "*", "zz-ZZ", "\u0e44\u0e17\u0e22"]
)
def test_odd_accept_language_headers_get_an_ordinary_english_page(client, header):
    response = client.get("/cookies/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert html_lang(response) == "en"


def test_a_chosen_language_sticks_and_is_not_overridden_by_the_browser(client):
    client.get("/cookies/")  # chose English: the cookie records it
    assert client.cookies[COOKIE].value == "en"
    response = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 200
    assert html_lang(response) == "en"


def test_visiting_a_thai_page_records_thai(client):
    client.get("/th/privacy/")
    assert client.cookies[COOKIE].value == "th"


def test_language_switch_links_to_the_same_page_in_the_other_language(client):
    english = client.get("/privacy/?ref=footer").content.decode()
    thai = client.get("/th/privacy/?ref=footer").content.decode()
    assert 'href="/th/privacy/?ref=footer"' in english
    assert 'lang="th"' in english and "ไทย" in english
    assert 'href="/privacy/?ref=footer"' in thai
    assert 'hreflang="en"' in thai


def test_machine_endpoints_are_never_redirected_by_language(client):
    response = client.get("/healthz", HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 200
    assert COOKIE not in response.cookies


@pytest.mark.parametrize("path", ["//evil.example/", "//evil.example/th/", "/%2F%2Fevil.example/"])
def test_the_switch_never_points_off_the_site(client, path):
    body = client.get(path).content.decode()
    assert "evil.example" not in re.findall(r'class="og-header__language"[^>]*', body)[0]
    assert 'href="/th/"' in body


def test_on_a_thai_page_that_does_not_exist_the_switch_leads_to_the_english_home(client):
    response = client.get("/th/no-such-page/")
    assert response.status_code == 404
    link = re.search(r'<a href="([^"]*)" class="og-header__language"', response.content.decode())
    assert link is not None
    assert link.group(1) == "/"
