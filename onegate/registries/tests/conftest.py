"""Fixtures shared by the registries' tests."""

from __future__ import annotations

import pytest

from .registry_fixtures import Family, make_family


@pytest.fixture
def family(db) -> Family:
    return make_family()
