"""The service designer in a real browser: axe finds nothing and nothing scrolls sideways at 320 px,
in English and Thai, on every page (a draft with problems included); a service owner edits the
draft and publishes it with JavaScript off. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from onegate.definitions.constants import VersionStatus
from onegate.definitions.models import DefinitionVersion
from onegate.definitions.services import definition_draft_save, definition_publish
from onegate.definitions.tests.support import (
    FISHING,
    SLUG,
    released_versions_delete,
    retitled,
    service_owner,
)
from tests.browser.conftest import LANGUAGE_PREFIX, WIDTHS, Visit, format_violations, screenshot

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESIGN = "/service-design/"
SERVICE = f"{DESIGN}{SLUG}/"
PAGES = {
    "services": DESIGN,
    "definition": SERVICE,
    "draft": f"{SERVICE}draft/",
    "publish": f"{SERVICE}publish/",
    "compare": f"{SERVICE}compare/?old=1&new=draft",
    "preview-en": f"{SERVICE}versions/2/preview/?lang=en",
    "preview-th": f"{SERVICE}versions/2/preview/?lang=th",
    "tests": f"{SERVICE}versions/draft/tests/",
    "rollback": f"{SERVICE}versions/1/rollback/",
    "retire": f"{SERVICE}versions/1/retire/",
    "new": f"{DESIGN}new/",
    "import-formio": f"{DESIGN}import-formio/",
}


@pytest.fixture(autouse=True)
def _versions_flushable(transactional_db: None) -> Iterator[None]:
    """Set up after the database, so this runs before its flush: released versions refuse the
    flush's DELETE on SQLite."""
    yield
    released_versions_delete()


@pytest.fixture
def owner_page(open_page: Any):
    """``owner_page(path, width, javascript=True)``: a page opened by the immigration service
    owner, whose service has two published versions and a draft."""
    owner = service_owner()
    owner.display_name = "Somchai Rakdee"
    owner.save(update_fields=["display_name"])
    for number, source in ((1, FISHING), (2, retitled("Get a permit to fish"))):
        draft = definition_draft_save(actor=owner, source=source)
        definition_publish(actor=owner, version=draft, note=f"Version {number}")
    definition_draft_save(actor=owner, source=retitled("Fish with a permit"), note="Shorter")
    client = Client()
    client.force_login(owner)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    def _open(path: str, width: int, javascript: bool = True) -> Visit:
        return open_page(path, width=width, javascript=javascript, axe=True, session=session)

    return _open


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
def test_designer_pages_are_accessible(owner_page, language, width):
    prefix = LANGUAGE_PREFIX[language]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        visit = owner_page(f"{prefix}{path}", width)
        _check(visit, f"designer-{name}-{language}-{width}")
    errors = owner_page(f"{prefix}{SERVICE}draft/", width)
    broken = FISHING.replace("level_of_assurance: substantial", "level_of_assurance: extreme")
    errors.page.locator("#id_source").fill(broken)
    errors.page.locator("main form .govuk-button").first.click()
    assert errors.page.locator(".govuk-error-summary").is_visible()
    _check(errors, f"designer-draft-errors-{language}-{width}")


def _check(visit: Visit, name: str) -> None:
    screenshot(visit.page, ARTIFACTS / f"{name}.png")
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
    violations = visit.axe_violations()
    assert not violations, f"{name}:\n{format_violations(violations)}"


def test_a_service_owner_edits_and_publishes_without_javascript(owner_page):
    page = owner_page(f"{SERVICE}draft/", 1280, javascript=False).page
    page.locator("#id_source").fill(retitled("Fishing permits for parks"))
    page.get_by_label("What you changed (optional)").fill("Say parks")
    page.get_by_role("button", name="Save the draft").click()
    assert "The draft is saved" in page.content()
    page.get_by_role("button", name="Publish the draft").click()
    page.get_by_label("Change note").fill("Say which parks")
    page.get_by_role("button", name="Publish").click()
    assert "Version 3 is published" in page.content()
    version = DefinitionVersion.objects.get(number=3)
    assert version.status == VersionStatus.PUBLISHED and "parks" in version.source
