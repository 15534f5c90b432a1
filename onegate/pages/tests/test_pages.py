"""Information pages and the designed error pages, in English and Thai."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["accessibility", "privacy", "cookies"])
@pytest.mark.parametrize("prefix", ["", "/th"])
def test_information_pages_render_in_both_languages(client, page, prefix):
    response = client.get(f"{prefix}/{page}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert 'href="#main-content"' in body  # skip link
    assert "/accessibility/" in body and "/privacy/" in body and "/cookies/" in body  # footer


@pytest.mark.parametrize(
    ("path", "date"),
    [("/accessibility/", "25 November 2026"), ("/th/accessibility/", "25 พฤศจิกายน 2569")],
)
def test_the_accessibility_statement_is_dated_in_each_language(client, path, date):
    assert date in client.get(path).content.decode()


def test_cookies_page_lists_every_cookie_the_site_sets(client):
    body = client.get("/cookies/").content.decode()
    for name in ("onegate_language", "csrftoken", "sessionid"):
        assert name in body


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/no-such-page/", "Page not found"), ("/th/no-such-page/", "ไม่พบหน้าที่ต้องการ")],
)
def test_unknown_urls_get_the_designed_not_found_page(client, path, heading):
    response = client.get(path)
    assert response.status_code == 404
    assert heading in response.content.decode()
    assert "og-header" in response.content.decode()


@override_settings(ROOT_URLCONF="onegate.pages.tests.failing_urls")
def test_server_errors_get_the_designed_page_without_details(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "Traceback" not in body and "RuntimeError" not in body and "secret detail" not in body


@override_settings(ROOT_URLCONF="onegate.pages.tests.failing_urls")
def test_permission_denied_gets_the_designed_page(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


def test_a_form_sent_without_its_security_token_gets_a_clear_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/th/cookies/", {"anything": "1"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "ส่งแบบฟอร์มของคุณไม่สำเร็จ" in body
    assert "CSRF" not in body


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/privacy/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    body = response.content.decode()
    assert "<script>" not in body and " style=" not in body
    assert response["X-Frame-Options"] == "DENY"


def test_methods_other_than_get_and_head_are_refused_on_information_pages(client):
    assert client.put("/privacy/").status_code == 405
