"""Whole-app rule: odd requests get a designed answer, never a traceback or a 500."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ODD_REQUESTS = [
    "/?%zz=%zz&&==&q",
    "/search/?q=%ff%fe%00",
    "/search/?q=" + "a" * 10_000,
    "/search/?q=%E0%B8",  # a Thai character cut in half
    "/search/?q=%ED%A0%80",  # a lone surrogate, encoded
    "/search/?q=<script>alert(1)</script>",
    "/search/?q=1&q=2&q=3",
    "/th/search/?q=%%%%",
    "/services/%00/",
    "/services/" + "x" * 2_000 + "/",
    "/life-events/..%2F..%2Fetc%2Fpasswd/",
    "/th/%E0%B8%AB%E0%B8%99%E0%B9%89%E0%B8%B2/",
    "/api/v1/%ff",
]


@pytest.mark.parametrize("path", ODD_REQUESTS)
def test_odd_requests_get_a_designed_answer(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (200, 400, 404), f"{path} answered {response.status_code}"
    body = response.content.decode("utf-8", errors="replace")
    assert "Traceback" not in body
    assert "<script>alert(1)</script>" not in body  # reflected input is escaped
    if response["Content-Type"].startswith("text/html"):
        assert "og-header" in body, "an HTML answer uses the site's design"


def test_a_host_we_do_not_serve_gets_a_designed_bad_request(client: Client) -> None:
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()
