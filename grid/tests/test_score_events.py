"""The score-event hook: how reports, dispatch and duty tell whoever keeps the deductions."""

from datetime import UTC, datetime

import pytest

from grid import hooks
from grid.models import GridPoint, Unit


@pytest.fixture
def told(monkeypatch):
    monkeypatch.setattr(hooks, "_score_events", [])
    batches = []
    hooks.register_score_events(batches.append)
    hooks.register_score_events(batches.append)  # registering twice still calls once
    return batches


def test_events_reach_the_hook_in_one_batch(told):
    at = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
    events = [
        hooks.ScoreEvent("daily_report_missed", GridPoint, 1, GridPoint, 1, at),
        hooks.ScoreEvent("reply_late", Unit, 2, Unit, 2, at, responsibility="indirect"),
    ]
    hooks.score_events(iter(events))
    assert told == [events]


def test_nothing_to_tell_calls_nobody(told):
    hooks.score_events([])
    assert told == []


def test_an_event_named_by_instances():
    at = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
    point, unit = GridPoint(pk=7), Unit(pk=9)
    event = hooks.ScoreEvent.of("reply_late", source=point, target=unit, at=at, grade="major")
    assert (event.source_model, event.source_id) == (GridPoint, 7)
    assert (event.target_model, event.target_id, event.grade) == (Unit, 9, "major")
    assert event.responsibility == "primary"
