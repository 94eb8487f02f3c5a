"""Fixtures of the dispatch tests."""

import pytest

from dispatch.tests.factories import Cast, make_cast


@pytest.fixture
def cast(city) -> Cast:
    return make_cast(city)
