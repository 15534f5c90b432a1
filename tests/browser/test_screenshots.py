"""Screenshots of the front door for people to look at (saved under test-artifacts/), and reflow.

The travel authority is live (its definition published) and the child health card coming soon,
so both kinds of service page are pictured.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from onegate.catalogue.tests.factories import definition_publish
from tests.browser.conftest import LANGUAGE_PREFIX, WIDTHS, screenshot

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("home", "/"),
        ("search", "/search/?q=driving"),
        ("service-live", "/services/electronic-travel-authority/"),
        ("service-coming-soon", "/services/child-health-card/"),
        ("cookies", "/cookies/"),
    ],
)
def test_pages_render_without_horizontal_scrolling(open_page, name, path, language, width):
    definition_publish("electronic-travel-authority")  # live, as its published definition makes it
    visit = open_page(LANGUAGE_PREFIX[language] + path, width=width)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot(visit.page, ARTIFACTS / f"{name}-{language}-{width}.png")
    # Reflow (WCAG 1.4.10): at 320 px nothing may force sideways scrolling.
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} ({language}) scrolls sideways by {overflow}px at {width}px"
