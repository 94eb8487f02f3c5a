"""Fixtures of the duty tests."""

import pytest

from duty.tests.factories import Crew, make_crew


@pytest.fixture
def crew(city) -> Crew:
    return make_crew(city)
