"""Every figure of a month of known events, and the rank order, against hand-computed values."""

from __future__ import annotations

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
    assert c0.figures == COUNTY_0
    assert c1.figures == COUNTY_1
    assert ranked_by == "completion_rate"
    assert (c0.rank, c1.rank) == (1, 2)
    assert c0.score is None  # no deductions measured yet: no score


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
    assert [x.rank for x in t] == [1, 2, 2, None]  # by completion; ties share; none unranked


def test_grid_points_ranked_by_valid_reports(city, november):
    got, ranked_by = rows(AssessLevel.GRID_POINT)
    points = [got[p.pk] for p in city.grid_points]
    assert ranked_by == "valid"
    # gp0: A, B, C (B invalid); gp2: D, E; gp4: F; gp5: H (G is October's).
    assert [p.figures["filed"] for p in points] == [3, 0, 2, 0, 1, 1, 0, 0]
    assert [p.figures["valid"] for p in points] == [2, 0, 2, 0, 1, 1, 0, 0]
    assert [p.rank for p in points] == [1, 5, 1, 5, 3, 3, 5, 5]
    assert points[0].figures["completion_rate"] == 1.0  # A and C closed of A, C handled


def test_units(city, november):
    got, _ = rows(AssessLevel.UNIT)
    assert got[november.township_unit.pk].figures == TOWNSHIP_UNIT
    assert got[november.cast.lead_unit.pk].figures == LEAD_UNIT
    assert got[november.cast.other_unit.pk].figures == OTHER_UNIT
    far = got[november.far_unit.pk].figures
    assert (far["handled"], far["closed"], far["completion_rate"]) == (1, 0, 0.0)
    ranks = {
        "township": got[november.township_unit.pk].rank,
        "lead": got[november.cast.lead_unit.pk].rank,
        "other": got[november.cast.other_unit.pk].rank,
        "far": got[november.far_unit.pk].rank,
        "idle": got[november.cast.co_unit.pk].rank,
    }
    assert ranks == {"township": 1, "lead": 2, "other": 3, "far": 3, "idle": None}


def test_the_queries_do_not_grow_with_the_cases(city, november, django_assert_max_num_queries):
    # One query for the nodes, one per source (medians: one more each on SQLite).
    with django_assert_max_num_queries(8):
        assess(month=MONTH, level=AssessLevel.UNIT, as_of=CLOSE_AT)
