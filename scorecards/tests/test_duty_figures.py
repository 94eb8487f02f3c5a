"""Duty's figures in the assessment: daily reports, risk-point lists and handovers owed,
deductions by kind and bonuses, the score and the rank, against hand-computed values
(:mod:`scorecards.tests.scenario_duty`); frozen when the month closes; opened to the rows
behind them, scoped."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from duty.models import Deduction
from grid.models import Role
from grid.tests.factories import UserFactory
from scorecards.assess import assess
from scorecards.figures import AssessLevel
from scorecards.models import ScoreRow
from scorecards.selectors import drill_for
from scorecards.services import month_close, month_recompute
from scorecards.tests.scenario import CLOSE_AT, MONTH, at, build_november
from scorecards.tests.scenario_duty import (
    COUNTY_SCORES,
    DAILY,
    GRID_POINT_RANKS,
    GRID_POINT_SCORES,
    HANDOVERS,
    POINTS,
    RISKS,
    TOWNSHIP_OWN,
    TOWNSHIP_RANKS,
    TOWNSHIP_SCORES,
    after_close,
    duty_figures,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(city):
    return build_november(city)


def expected_point(i: int) -> dict:
    on_time, late, missed = DAILY[i]
    r_on_time, r_late, r_missed = RISKS[i]
    return duty_figures(
        "grid_point",
        POINTS[i][2],
        daily_on_time=on_time,
        daily_late=late,
        daily_missed=missed,
        risk_on_time=r_on_time,
        risk_late=r_late,
        risk_missed=r_missed,
        handovers_missed=HANDOVERS.get(i, 0),
    )


def duty_part(figures: dict, level: str) -> dict:
    return {k: figures[k] for k in duty_figures(level)}


def by_node(level):
    assessed, ranked_by = assess(month=MONTH, level=level, as_of=CLOSE_AT)
    assert ranked_by == "score"
    return {a.node_id: a for a in assessed}


def test_every_grid_points_duty_figures_score_and_rank(city, november):
    got = by_node(AssessLevel.GRID_POINT)
    for i, point in enumerate(city.grid_points):
        row = got[point.pk]
        assert duty_part(row.figures, "grid_point") == expected_point(i), i
        assert (row.figures["deductions"], row.figures["bonuses"]) == POINTS[i][:2], i
        assert row.score == Decimal(str(GRID_POINT_SCORES[i])), i
        assert row.rank == GRID_POINT_RANKS[i], i


def test_a_township_adds_its_grid_points_and_its_own(city, november):
    got = by_node(AssessLevel.TOWNSHIP)
    for t, township in enumerate(city.townships):
        row = got[township.pk]
        members = [2 * t, 2 * t + 1]  # two grid points per township
        points: dict[str, float] = {}
        for i in members:
            for kind, value in POINTS[i][2].items():
                points[kind] = points.get(kind, 0.0) + value
        for kind, value in TOWNSHIP_OWN.get(t, (0, {}))[1].items():
            points[kind] = points.get(kind, 0.0) + value
        sums = {
            name: sum(expected_point(i)[name] for i in members)
            for name in (
                "daily_on_time",
                "daily_late",
                "daily_missed",
                "risk_on_time",
                "risk_late",
                "risk_missed",
                "handovers_missed",
            )
        }
        assert duty_part(row.figures, "township") == duty_figures("township", points, **sums), t
        assert row.score == Decimal(str(TOWNSHIP_SCORES[t])), t
        assert row.rank == TOWNSHIP_RANKS[t], t


def test_counties_and_their_rank(city, november):
    got = by_node(AssessLevel.COUNTY)
    scores = [got[c.pk].score for c in city.counties]
    assert scores == [Decimal(str(COUNTY_SCORES[0])), Decimal(str(COUNTY_SCORES[1]))]
    assert [got[c.pk].rank for c in city.counties] == [1, 2]


def test_cancelled_deductions_stop_counting_upheld_and_appealed_ones_count(city, november):
    g7 = by_node(AssessLevel.GRID_POINT)[city.grid_points[7].pk].figures
    # Two misses; the 3 Nov one cancelled on appeal: one point, and two for its risk list.
    assert (g7["daily_missed"], g7["deductions"]) == (2, 3.0)
    assert Deduction.objects.filter(grid_point=city.grid_points[7], status="cancelled").count()
    g4 = by_node(AssessLevel.GRID_POINT)[city.grid_points[4].pk].figures
    assert g4["points_report_late"] == -1.0  # appealed, upheld
    g6 = by_node(AssessLevel.GRID_POINT)[city.grid_points[6].pk].figures
    assert g6["deductions"] == 3.0  # 1 under appeal at the close (still counting) + 2


def test_the_frozen_month_does_not_move_and_a_recomputation_takes_the_later_events(city, november):
    snapshot = month_close(month=MONTH, now=CLOSE_AT)
    points = city.grid_points

    def row(i):
        return ScoreRow.objects.get(snapshot=snapshot, level="grid_point", node_id=points[i].pk)

    frozen = {i: (row(i).figures, row(i).score, row(i).rank) for i in range(8)}
    county = ScoreRow.objects.get(snapshot=snapshot, level="county", node_id=city.counties[1].pk)
    # December: G6's appeal cancelled, G5 files November's risk list, G3 given a November
    # deduction by hand.
    after_close(november.duty)
    assert month_close(month=MONTH, now=at(4, 1, month=12)) is None
    assert {i: (row(i).figures, row(i).score, row(i).rank) for i in range(8)} == frozen
    # What the frozen figures were made of still opens: G6's deduction as it counted then.
    leader = city.city_user(Role.LEADER)
    listed = drill_for(
        user=leader,
        snapshot=snapshot,
        level="grid_point",
        node_id=points[6].pk,
        figure="deductions",
    )
    assert {d.kind for d in listed} == {"daily_report_missed", "risk_points_missed"}
    (cancelled,) = [d for d in listed if d.pk == november.duty.cancelled_after_close.pk]
    assert cancelled.status == "cancelled"
    missed = drill_for(
        user=leader,
        snapshot=snapshot,
        level="grid_point",
        node_id=points[5].pk,
        figure="risk_missed",
    )
    assert missed.count() == 1  # filed on 3 December: missed when the month closed
    # A city admin recomputes: G6 loses its daily deduction, G5's list is late (November's:
    # its late filing's point replaces the miss's two), G3 loses two more.
    admin = city.city_user(Role.SYS_ADMIN)
    month_recompute(month=MONTH, by=admin, reason="申诉已处理", now=at(4, 9, month=12))
    assert (row(6).figures["deductions"], row(6).score) == (2.0, Decimal("98"))
    assert (row(5).figures["risk_missed"], row(5).figures["risk_late"]) == (0, 1)
    assert (row(5).figures["points_risk_points_late"], row(5).score) == (-1.0, Decimal("97"))
    assert row(3).figures["points_report_missed"] == -2.0
    assert row(3).score == Decimal("94")
    new_county = ScoreRow.objects.get(
        snapshot=snapshot, level="county", node_id=city.counties[1].pk
    )
    assert new_county.score == county.score + 2  # G6's point back, G5's list one point less


def test_the_rows_behind_each_figure_scoped(city, november):
    snapshot = month_close(month=MONTH, now=CLOSE_AT)
    leader = city.city_user(Role.LEADER)
    points = city.grid_points

    def drill(user, level, node, figure):
        qs = drill_for(user=user, snapshot=snapshot, level=level, node_id=node, figure=figure)
        return None if qs is None else list(qs)

    g7_missed = drill(leader, "grid_point", points[7].pk, "daily_missed")
    assert sorted(s.period.day for s in g7_missed) == [2, 3]
    assert {s.grid_point_id for s in g7_missed} == {points[7].pk}
    late = drill(leader, "township", city.townships[0].pk, "daily_late")
    assert [(s.grid_point_id, s.period.day) for s in late] == [(points[1].pk, 2)]
    handovers = drill(leader, "county", city.counties[0].pk, "handovers_missed")
    assert [s.grid_point_id for s in handovers] == [points[0].pk]
    platform = drill(leader, "unit", november.duty.crew.platform.pk, "handovers_missed")
    assert [s.unit_id for s in platform] == [november.duty.crew.platform.pk]
    # County 1's deductions: its grid points', and its own (the bulletin), newest first.
    c1 = drill(leader, "county", city.counties[1].pk, "deductions")
    # 1 each: G4's late report and late list, G5's and G6's and G7's daily misses, the
    # bulletin; 2 each: the risk-point lists G5, G6 and G7 missed
    assert sorted(-float(d.points) for d in c1) == [1, 1, 1, 1, 1, 1, 1, 2, 2, 2]
    assert {d.region_id for d in c1 if d.region_id} == {city.counties[1].pk}
    assert [d.at for d in c1] == sorted((d.at for d in c1), reverse=True)
    bonuses = drill(leader, "county", city.counties[0].pk, "bonuses")
    assert [(d.kind, float(d.points)) for d in bonuses] == [("report_adopted", 2.0)]
    by_kind = drill(leader, "township", city.townships[1].pk, "points_bulletin_overdue")
    assert [d.region_id for d in by_kind] == [city.townships[1].pk]
    # Another county's rows: not for a county leader.
    county_leader = UserFactory(role=Role.LEADER, region=city.counties[1])
    assert drill(county_leader, "county", city.counties[0].pk, "deductions") is None
    assert drill(county_leader, "grid_point", points[0].pk, "daily_on_time") is None
    own = drill(county_leader, "county", city.counties[1].pk, "deductions")
    assert len(own) == 10


def test_the_drill_pages(client, city, november):
    month_close(month=MONTH, now=CLOSE_AT)
    client.force_login(city.city_user(Role.LEADER))
    c0 = city.counties[0].pk
    page = client.get(reverse("scorecards-drill", args=["2026-11", "county", c0, "deductions"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="drill-deductions"' in html
    assert 'data-testid="drill-parts"' in html  # the breakdown by kind, each a link
    part = reverse("scorecards-drill", args=["2026-11", "county", c0, "points_handover_missed"])
    assert part in html
    # G0 1 (handover), G1 3 (late, missed, risk list), G2 2, G3 3 (misses, risk list), T1's
    # bulletin 1; the bonus is not a deduction, G1's miss replaced by its late filing is not
    # counted.
    assert html.count("data-deduction=") == 10
    missed = client.get(
        reverse("scorecards-drill", args=["2026-11", "county", c0, "daily_missed"])
    ).content.decode()
    assert missed.count("data-submission=") == 4
    # The table: the totals are columns, the parts are not (they are on the drill).
    table = client.get(reverse("scorecards-table"), {"month": "2026-11"}).content.decode()
    assert reverse("scorecards-drill", args=["2026-11", "county", c0, "deductions"]) in table
    assert "points_handover_missed" not in table
