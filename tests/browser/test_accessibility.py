"""axe-core finds no violations on the front door's pages: English and Thai, 320 and 1280 px.

Both states of a service page are checked: the travel authority is made live by publishing its
definition, as the platform does, and the child health card stays coming soon. So are the
designed error pages: 403 and 500, from views that fail on purpose, and the page for a form sent
without its security token.
"""

from __future__ import annotations

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.test import override_settings
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from onegate.catalogue.tests.factories import definition_publish
from onegate.pages.tests import failing_urls
from tests.browser.conftest import LANGUAGE_PREFIX, WIDTHS, format_violations

PAGES = {
    "home": "/",
    "search results": "/search/?q=passport",
    "no search results": "/search/?q=zzzzqqq",
    "live service": "/services/electronic-travel-authority/",
    "start": "/services/electronic-travel-authority/start/",
    "coming-soon service": "/services/child-health-card/",
    "life event": "/life-events/having-a-baby/",
    "all services": "/services/",
    "accessibility statement": "/accessibility/",
    "cookies": "/cookies/",
    "not found": "/no-such-page/",
}

# This module is also the URLconf of the error-page checks: the views of ``failing_urls`` under
# the language prefixes too, since ``failing_urls`` serves them at /boom/ and /forbidden/ only,
# where every page is English. The live server reads ROOT_URLCONF on each request.
urlpatterns = [
    *i18n_patterns(
        path("boom/", failing_urls.boom),
        path("forbidden/", failing_urls.forbidden),
        prefix_default_language=False,
    ),
    *site_urlpatterns,
]
handler403 = failing_urls.handler403
handler404 = failing_urls.handler404
handler500 = failing_urls.handler500

ERROR_PAGES = {"forbidden": ("/forbidden/", 403), "server error": ("/boom/", 500)}
FORM_REFUSED_HEADINGS = {"en": "Your form could not be sent", "th": "ส่งแบบฟอร์มของคุณไม่สำเร็จ"}


@pytest.fixture
def travel_authority_live(demo_site: str) -> None:
    definition_publish("electronic-travel-authority")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations(travel_authority_live, open_page, name, language, width):
    visit = open_page(LANGUAGE_PREFIX[language] + PAGES[name], width=width, axe=True)
    assert visit.page.locator("html").get_attribute("lang") == language
    if name == "live service":
        assert visit.page.locator(".govuk-button--start").count() == 1
    if name == "start":  # a live service's start page, not a redirect back to the service
        assert visit.page.url.endswith("/start/")
    violations = visit.axe_violations()
    assert violations == [], f"{name} ({language}, {width}px):\n{format_violations(violations)}"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
@pytest.mark.parametrize("name", ERROR_PAGES)
def test_no_axe_violations_on_error_pages(open_page, name, language, width):
    error_path, status = ERROR_PAGES[name]
    with override_settings(ROOT_URLCONF=__name__):
        visit = open_page(LANGUAGE_PREFIX[language] + error_path, width=width, axe=True)
        # The designed page says which error it is; a 404 here would mean the route was missed.
        assert str(status) in visit.page.locator(".og-meta").inner_text()
        assert visit.page.locator("html").get_attribute("lang") == language
        violations = visit.axe_violations()
    assert violations == [], f"{name} ({language}, {width}px):\n{format_violations(violations)}"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
def test_no_axe_violations_when_a_form_is_refused(open_page, language, width):
    cookies = LANGUAGE_PREFIX[language] + "/cookies/"
    visit = open_page(cookies, width=width, axe=True)
    # A form posted without its security token, as when it sat open until the token expired.
    with visit.page.expect_navigation() as navigation:
        visit.page.evaluate(
            """action => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                document.body.append(form);
                form.submit();
            }""",
            cookies,
        )
    assert navigation.value.status == 403
    assert visit.page.locator("h1").inner_text() == FORM_REFUSED_HEADINGS[language]
    assert visit.page.locator("html").get_attribute("lang") == language
    violations = visit.axe_violations()
    where = f"form refused ({language}, {width}px)"
    assert violations == [], f"{where}:\n{format_violations(violations)}"
