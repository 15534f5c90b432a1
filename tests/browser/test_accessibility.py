"""axe-core finds no violations on the front door's pages: English and Thai, 320 and 1280 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import LANGUAGE_PREFIX, WIDTHS, format_violations

PAGES = {
    "home": "/",
    "search results": "/search/?q=passport",
    "no search results": "/search/?q=zzzzqqq",
    "service": "/services/electronic-travel-authority/",
    "life event": "/life-events/having-a-baby/",
    "all services": "/services/",
    "accessibility statement": "/accessibility/",
    "cookies": "/cookies/",
    "not found": "/no-such-page/",
}


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations(open_page, name, language, width):
    visit = open_page(LANGUAGE_PREFIX[language] + PAGES[name], width=width, axe=True)
    assert visit.page.locator("html").get_attribute("lang") == language
    violations = visit.axe_violations()
    assert violations == [], f"{name} ({language}, {width}px):\n{format_violations(violations)}"
