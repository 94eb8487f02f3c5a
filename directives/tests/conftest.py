"""Fixtures of the directives tests."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from grid import hooks
from grid.models import Role
from grid.tests.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SH)


@pytest.fixture
def told(monkeypatch):
    """The score events told during the test (whatever else is registered is set aside)."""
    monkeypatch.setattr(hooks, "_score_events", [])
    events: list[hooks.ScoreEvent] = []
    hooks.register_score_events(events.extend)
    return events


@pytest.fixture
def officer(city):
    return city.city_user(Role.DUTY_OFFICER, username="officer")


@pytest.fixture
def people(city):
    """Two informants at each grid point (villages 0..7: county 0 has 0..3) and a liaison of
    each unit."""
    informants = [city.informant(i) for i in range(len(city.grid_points)) for _ in range(2)]
    liaisons = [
        UserFactory(role=Role.UNIT_LIAISON, region=unit.region, unit=unit) for unit in city.units
    ]
    return informants, liaisons


def deadlines(hours_ack=4, hours_report=24):
    return {
        "needs_ack": True,
        "ack_due_at": NOW + timedelta(hours=hours_ack),
        "needs_report": True,
        "report_due_at": NOW + timedelta(hours=hours_report),
    }
