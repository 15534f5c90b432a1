"""The provider's pages in Debian's Chromium: the consent page answered with JavaScript off, in
English and Thai at 320 and 1,280 pixels, checked with axe-core; the refusal and sign-out pages.
Screenshots go to ``test-artifacts/screenshots/oidc-*.png``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from conftest import skip_or_fail
from onegate.identity.tests.oidc_fixtures import (
    REDIRECT_URI,
    authorize_path,
    client_app,
    oidc_provider,  # noqa: F401  (the fixture)
    person_account,
    pkce_pair,
    sign_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("oidc_provider"),
]
ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_TAGS = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM}")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield browser
        browser.close()


@pytest.fixture
def signed_in_page(chromium: Any, live_server: Any) -> Iterator[Any]:
    """``signed_in_page(width, javascript)``: a page whose browser is signed in to OneGate."""
    contexts = []
    user = person_account(level="substantial")
    django_client = Client()
    sign_in(django_client, user, second_factor="totp")
    cookie = django_client.cookies[settings.SESSION_COOKIE_NAME].value

    def _open(*, width: int = 1280, javascript: bool = True) -> Any:
        context = chromium.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            bypass_csp=True,
        )
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def axe_violations(page: Any) -> list[Any]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document,"
        f" {{runOnly: {{type: 'tag', values: {AXE_TAGS}}}, resultTypes: ['violations']}})"
    )
    return [(v["id"], [node["target"] for node in v["nodes"]][:3]) for v in result["violations"]]


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if os.environ.get("ONEGATE_SCREENSHOTS", "1") != "0":  # .ci/run turns them off
        page.screenshot(path=str(SCREENSHOTS / f"oidc-{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "th"])
@pytest.mark.parametrize("width", [320, 1280])
def test_the_consent_page_reads_well_and_works_without_javascript(
    signed_in_page, live_server, language, width
):
    application, _ = client_app(scopes=("openid", "profile", "email"))
    _, challenge = pkce_pair()
    prefix = "/th" if language == "th" else ""
    url = live_server.url + prefix + authorize_path(application, challenge=challenge)
    page = signed_in_page(width=width)

    page.goto(url)

    assert ("ภาษีออนไลน์" if language == "th" else "e-Tax") in page.locator("h1").inner_text()
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []
    screenshot(page, f"consent-{language}-{width}")
    without_javascript = signed_in_page(width=width, javascript=False)
    without_javascript.goto(url)
    with without_javascript.expect_response(lambda r: r.request.method == "POST") as answer:
        without_javascript.locator('button[name="decision"][value="allow"]').click()
    back = answer.value.headers["location"]  # the relying party is not running: not followed
    assert back.startswith(REDIRECT_URI) and "code" in parse_qs(urlsplit(back).query)


@pytest.mark.parametrize("language", ["en", "th"])
def test_the_refusal_and_sign_out_pages(signed_in_page, live_server, language):
    application, _ = client_app()
    _, challenge = pkce_pair()
    prefix = "/th" if language == "th" else ""
    page = signed_in_page(width=320)

    page.goto(
        live_server.url
        + prefix
        + authorize_path(application, challenge=challenge, redirect_uri="https://evil.example/cb")
    )
    assert page.locator("#refusal").is_visible()
    assert axe_violations(page) == []
    screenshot(page, f"refused-{language}-320")

    page.goto(f"{live_server.url}{prefix}/o/logout/?client_id={application.client_id}")
    assert page.locator("main form button").count() == 2
    assert axe_violations(page) == []
    screenshot(page, f"logout-{language}-320")
