"""The journey suite's fixtures: the demo government on a live server, and people at browsers.

``government`` is the live server with what ``make run`` loads, less the bulk that no story
needs (the 10,000 generated people, the 40 seeded visitors and the performance history): the
catalogue, the registries' named demo people and the agencies told about moves, the demo staff
and centres, the demo citizens' accounts, the centres' appointment slots, the demo agency
system's OpenID Connect client, the demo services (published) and the verification API's
clients. Afterwards everything a story made is deleted in the order the database's protections
need.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.cases_support import cases_site_fixture  # noqa: F401 (fixture)
from tests.browser.journeys.support import Browsers, demo_government_load
from tests.browser.test_runner_journey import runner_site_fixture  # noqa: F401 (fixture)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/journeys/" in str(item.fspath):
            item.add_marker(pytest.mark.journey)


@pytest.fixture(name="government")
def government_fixture(cases_site: str) -> str:
    """The live server's address, with the demo government loaded."""
    demo_government_load()
    return cases_site


@pytest.fixture(name="browsers")
def browsers_fixture(browser: Any, government: str) -> Iterator[Browsers]:
    """``browsers.person(language="en", width=1280, javascript=True)``: a person at a device of
    their own; every context is closed afterwards."""
    opened = Browsers(browser=browser, site=government)
    yield opened
    opened.close()
