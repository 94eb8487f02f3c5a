"""Fixtures of the duty tests."""

import pytest

from duty.tests.factories import Crew, make_crew
from grid import hooks


@pytest.fixture
def crew(city) -> Crew:
    return make_crew(city)


@pytest.fixture
def told(monkeypatch):
    """The score events told during the test (whatever else is registered is set aside)."""
    monkeypatch.setattr(hooks, "_score_events", [])
    events: list[hooks.ScoreEvent] = []
    hooks.register_score_events(events.extend)
    return events
