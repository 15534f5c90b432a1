"""Fixtures of the versions and designer tests: every test starts with no compiled definition
cached, so a cached version from another test's (rolled back) database cannot answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from onegate.definitions.selectors import definition_cache_clear


@pytest.fixture
def real_language() -> None:
    """The language's compiler and rules tests are there (a stand-in used to stand for them
    before they were; ``test_demo_services`` still names this fixture)."""


@pytest.fixture(autouse=True)
def _fresh_compiled_cache() -> Iterator[None]:
    definition_cache_clear()
    yield
    definition_cache_clear()
