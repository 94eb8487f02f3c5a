"""``seed_demo``'s closed months hold duty's figures and the score."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from grid.workdays import SHANGHAI
from scorecards.demo import seed_demo
from scorecards.models import MonthSnapshot, ScoreRow
from scorecards.tests.scenario import build_november

pytestmark = pytest.mark.django_db


def test_the_demo_months_hold_the_duty_figures_and_the_score(city):
    build_november(city)
    # A month closed before duty's figures existed: closed again, with them.
    MonthSnapshot.objects.create(
        month=date(2026, 11, 1),
        computed_at=datetime(2026, 12, 1, 1, 10, tzinfo=SHANGHAI),
        columns={"county": ["filed"]},
        ranked_by={"county": "completion_rate"},
    )
    with time_machine.travel(datetime(2026, 12, 3, 9, tzinfo=SHANGHAI), tick=False):
        seed_demo(scale="city", log=lambda *a: None)
        seed_demo(scale="city", log=lambda *a: None)  # a second run leaves them as they are
    november = MonthSnapshot.objects.get(month=date(2026, 11, 1))
    assert "deductions" in november.columns["county"]
    assert "daily_missed" in november.columns["grid_point"]
    assert november.ranked_by["county"] == "score"
    row = ScoreRow.objects.get(snapshot=november, level="county", node_id=city.counties[0].pk)
    assert (float(row.score), row.figures["deductions"], row.figures["daily_missed"]) == (
        89.5,
        12.5,
        4,
    )
    assert MonthSnapshot.objects.count() == 2  # October (case G) and November
