"""Every figure of a month of known events, and the rank order, against hand-computed values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scorecards.assess import assess
from scorecards.figures import AssessLevel
from scorecards.tests.scenario import (
    CLOSE_AT,
    COUNTY_0,
    COUNTY_1,
    LEAD_UNIT,
    MONTH,
    OTHER_UNIT,
    TOWNSHIP_UNIT,
    build_november,
)
from scorecards.tests.scenario_duty import (
    COUNTY_0_DUTY,
    COUNTY_1_DUTY,
    GRID_POINT_RANKS,
    NO_DUTY_UNIT,
    OTHER_UNIT_DUTY,
    PLATFORM_DUTY,
    TOWNSHIP_RANKS,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(city):
    return build_november(city)


def rows(level):
    assessed, ranked_by = assess(month=MONTH, level=level, as_of=CLOSE_AT)
    return {a.node_id: a for a in assessed}, ranked_by


def test_counties_every_figure_and_rank(city, november):
    got, ranked_by = rows(AssessLevel.COUNTY)
    c0, c1 = got[city.counties[0].pk], got[city.counties[1].pk]
    assert c0.figures == COUNTY_0 | COUNTY_0_DUTY
    assert c1.figures == COUNTY_1 | COUNTY_1_DUTY
    assert ranked_by == "score"
    assert (c0.score, c1.score) == (Decimal("89.5"), Decimal("87"))  # 100 − 12.5 + 2, 100 − 13
    assert (c0.rank, c1.rank) == (1, 2)


def test_townships(city, november):
    got, _ = rows(AssessLevel.TOWNSHIP)
    t = [got[township.pk] for township in city.townships]
    # T0: A, B, C → filed 3, handled 2, closed 2. T1: D, E → handled 1, closed 0.
    # T2 (county 1): F, H → handled 1, closed 0. T3: nothing.
    assert [(x.figures["filed"], x.figures["handled"], x.figures["closed"]) for x in t] == [
        (3, 2, 2),
        (2, 1, 0),
        (2, 1, 0),
        (0, 0, 0),
    ]
    assert t[0].figures["routed"] == 1
    assert t[1].figures["routed"] == 2
    assert t[1].figures["bounces"] == 1
    # By score (scenario_duty): T0 95.5 first, T1, T2 and T3 94 share the second place.
    assert [x.rank for x in t] == [TOWNSHIP_RANKS[i] for i in range(4)]


def test_grid_points_ranked_by_score(city, november):
    got, ranked_by = rows(AssessLevel.GRID_POINT)
    points = [got[p.pk] for p in city.grid_points]
    assert ranked_by == "score"
    # gp0: A, B, C (B invalid); gp2: D, E; gp4: F; gp5: H (G is October's).
    assert [p.figures["filed"] for p in points] == [3, 0, 2, 0, 1, 1, 0, 0]
    assert [p.figures["valid"] for p in points] == [2, 0, 2, 0, 1, 1, 0, 0]
    assert [p.rank for p in points] == [GRID_POINT_RANKS[i] for i in range(8)]
    assert points[0].figures["completion_rate"] == 1.0  # A and C closed of A, C handled


def test_units(city, november):
    got, _ = rows(AssessLevel.UNIT)
    assert got[november.township_unit.pk].figures == TOWNSHIP_UNIT | NO_DUTY_UNIT
    assert got[november.cast.lead_unit.pk].figures == LEAD_UNIT | NO_DUTY_UNIT
    assert got[november.cast.other_unit.pk].figures == OTHER_UNIT | OTHER_UNIT_DUTY
    platform = got[november.duty.crew.platform.pk]
    assert platform.figures["handovers_missed"] == 1
    assert {k: platform.figures[k] for k in PLATFORM_DUTY} == PLATFORM_DUTY
    far = got[november.far_unit.pk].figures
    assert (far["handled"], far["closed"], far["completion_rate"]) == (1, 0, 0.0)
    ranks = {
        "township": got[november.township_unit.pk].rank,
        "lead": got[november.cast.lead_unit.pk].rank,
        "other": got[november.cast.other_unit.pk].rank,
        "far": got[november.far_unit.pk].rank,
        "idle": got[november.cast.co_unit.pk].rank,
        "platform": platform.rank,
    }
    # By score: everyone at 100 shares the first place; the other department (−0.5 for D's
    # late reply) and the city platform (−1, a handover missed) come last.
    last = len(got)
    assert ranks == {
        "township": 1,
        "lead": 1,
        "other": last - 1,
        "far": 1,
        "idle": 1,
        "platform": last,
    }


def test_the_queries_do_not_grow_with_the_cases(city, november, django_assert_max_num_queries):
    # One query for the nodes, one per source: handling, routings, urgings, owed submissions,
    # deductions (medians: one more each on SQLite).
    with django_assert_max_num_queries(10):
        assess(month=MONTH, level=AssessLevel.UNIT, as_of=CLOSE_AT)
