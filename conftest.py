"""Shared pytest fixtures."""

import pytest

from grid.tests.factories import City, make_city


@pytest.fixture
def city(db) -> City:
    """A small city of two counties (see grid.tests.factories.make_city)."""
    return make_city()


@pytest.fixture
def other_city(db) -> City:
    return make_city(prefix="3299")
