"""The front door works with JavaScript off, and with it on the enhancements run under the CSP."""

from __future__ import annotations

import re

from onegate.catalogue.tests.factories import definition_publish


def test_search_works_with_javascript_off(open_page):
    visit = open_page("/", javascript=False)
    visit.page.get_by_role("searchbox").first.fill("passport")
    visit.page.get_by_role("button", name=re.compile("Search", re.IGNORECASE)).first.click()
    visit.page.wait_for_url(re.compile(r"/search/\?q=passport"))
    assert visit.page.get_by_role("link", name=re.compile("passport", re.IGNORECASE)).count() > 0


def test_language_switch_keeps_the_page(open_page):
    visit = open_page("/services/electronic-travel-authority/", javascript=False)
    visit.page.get_by_role("link", name=re.compile("ไทย")).click()
    visit.page.wait_for_url(re.compile(r"/th/services/electronic-travel-authority/$"))
    assert visit.page.locator("html").get_attribute("lang") == "th"


def test_a_live_service_starts_with_javascript_off(open_page, demo_site):
    definition_publish("electronic-travel-authority")
    visit = open_page("/services/electronic-travel-authority/", javascript=False)
    visit.page.get_by_role("button", name=re.compile("Start now")).click()
    visit.page.wait_for_url(re.compile(r"/services/electronic-travel-authority/start/$"))
    assert visit.page.locator("h1").count() == 1


def test_enhancements_run_under_the_strict_csp_without_violations(open_page, browser):
    messages: list[str] = []
    visit = open_page("/")
    visit.page.on("console", lambda message: messages.append(message.text))
    visit.page.reload()
    visit.page.wait_for_function("document.body.classList.contains('js-enabled')")
    assert not [m for m in messages if "Content Security Policy" in m], messages
