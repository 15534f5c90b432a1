"""The OpenAPI document and the interactive docs, which must work under the strict CSP, offline."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser

import pytest
from django.http import FileResponse
from django.test import Client

from conftest import skip_or_fail
from onegate.api.constants import API_VERSION
from onegate.api.docs import DOCS_ASSETS
from onegate.api.tests.problem_checks import assert_problem

DOCS_URL = "/api/v1/docs"


class PageParts(HTMLParser):
    """The scripts, stylesheets and inline styles of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.stylesheets: list[str] = []
        self.inline_styles = 0
        self.data_blocks: dict[str, str] = {}
        self._in_data_block: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "style" in attributes or tag == "style":
            self.inline_styles += 1
        if tag == "script":
            self.scripts.append(attributes)
            if attributes.get("type") == "application/json":
                self._in_data_block = attributes.get("id") or ""
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_data_block = None

    def handle_data(self, data: str) -> None:
        if self._in_data_block is not None:
            self.data_blocks[self._in_data_block] = data


def page_parts(html: str) -> PageParts:
    parts = PageParts()
    parts.feed(html)
    return parts


def test_the_openapi_document_describes_the_api(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"] == {"title": "OneGate API", "version": API_VERSION, "description": ""}
    assert "/api/v1/status" in document["paths"]


def test_the_status_endpoint_answers_publicly(client: Client) -> None:
    response = client.get("/api/v1/status")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": API_VERSION}


class TestDocsPage:
    def test_the_page_has_no_inline_script_or_style_and_the_strict_policy_applies(
        self, client: Client
    ) -> None:
        response = client.get(DOCS_URL)

        assert response.status_code == 200
        directives = dict(
            directive.strip().split(" ", 1)
            for directive in response["Content-Security-Policy"].split(";")
        )
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert "unsafe" not in response["Content-Security-Policy"]
        parts = page_parts(response.content.decode())
        assert parts.inline_styles == 0
        executable = [s for s in parts.scripts if s.get("type") != "application/json"]
        assert executable and all(s.get("src") for s in executable)

    def test_nothing_comes_from_another_origin(self, client: Client) -> None:
        html = client.get(DOCS_URL).content.decode()
        parts = page_parts(html)

        urls = [str(s["src"]) for s in parts.scripts if s.get("src")] + parts.stylesheets
        assert urls and all(url.startswith("/api/v1/docs/assets/") for url in urls)
        assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html)

    def test_swagger_ui_is_configured_by_a_json_data_block(self, client: Client) -> None:
        parts = page_parts(client.get(DOCS_URL).content.decode())

        settings = json.loads(parts.data_blocks["swagger-settings"])
        assert settings["url"] == "/api/v1/openapi.json"
        assert settings["validatorUrl"] is None  # no badge fetched from swagger.io

    def test_every_asset_the_page_uses_is_served_with_its_type_and_cached(
        self, client: Client
    ) -> None:
        parts = page_parts(client.get(DOCS_URL).content.decode())

        for url in [str(s["src"]) for s in parts.scripts if s.get("src")] + parts.stylesheets:
            response = client.get(url)
            name = url.split("/")[-1].split("?")[0]
            assert response.status_code == 200, url
            assert response["Content-Type"] == DOCS_ASSETS[name]
            assert "max-age=" in response["Cache-Control"]
            assert isinstance(response, FileResponse)
            assert b"".join(response.streaming_content)

    @pytest.mark.parametrize("name", ["swagger-ui-bundle.js.map", "..%2F__init__.py", "redoc.js"])
    def test_only_the_listed_assets_are_served(self, client: Client, name: str) -> None:
        assert_problem(client.get(f"/api/v1/docs/assets/{name}"), 404)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_runs_in_a_browser_under_the_policy(live_server: object) -> None:
    """Chromium shows the docs with no Content-Security-Policy violation."""
    chromium = shutil.which("chromium")
    if chromium is None:
        skip_or_fail("needs Chromium for browser tests (make chromium)")
    from playwright.sync_api import sync_playwright

    violations: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_page()
            page.on(
                "console",
                lambda message: (
                    violations.append(message.text)
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            page.goto(f"{live_server}{DOCS_URL}")
            page.wait_for_selector(".opblock-summary-path", timeout=15000)
            title = page.inner_text(".swagger-ui .info .title")
            paths = page.locator(".opblock-summary-path").all_inner_texts()
            # Try the status endpoint from the page: the request goes to our own origin.
            page.get_by_text("/api/v1/status", exact=True).click()
            page.get_by_role("button", name="Try it out").click()
            page.get_by_role("button", name="Execute").click()
            answer = page.locator(
                ".live-responses-table tbody .response-col_status"
            ).first.inner_text()
        finally:
            browser.close()

    assert title.startswith("OneGate API")
    assert "/api/v1/status" in paths
    assert answer.strip() == "200"
    assert violations == []


def test_the_openapi_document_has_no_duplicate_keys(client: Client) -> None:
    # Swagger UI refuses a document with a repeated key (e.g. "200" from an extra and from the
    # framework), though Python's json module quietly keeps the last one.
    def refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), f"duplicate keys: {keys}"
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=refuse_duplicates)
