"""Screenshots of the front door for people to look at (saved under test-artifacts/), and reflow."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import LANGUAGE_PREFIX, WIDTHS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("home", "/"),
        ("search", "/search/?q=driving"),
        ("service", "/services/child-health-card/"),
        ("cookies", "/cookies/"),
    ],
)
def test_pages_render_without_horizontal_scrolling(open_page, name, path, language, width):
    visit = open_page(LANGUAGE_PREFIX[language] + path, width=width)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=str(ARTIFACTS / f"{name}-{language}-{width}.png"), full_page=True)
    # Reflow (WCAG 1.4.10): at 320 px nothing may force sideways scrolling.
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} ({language}) scrolls sideways by {overflow}px at {width}px"
