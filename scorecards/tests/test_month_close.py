"""The month close: frozen once, idempotent, not moved by later events; recomputed by a city
admin before publishing (recorded), final once published; rows scoped like everything else."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db.models import Count

from grid.models import Role
from grid.tests.factories import UserFactory
from grid.workdays import SHANGHAI
from reports.models import Report
from scorecards.figures import AssessLevel
from scorecards.models import MonthSnapshot, ScoreRow, SnapshotState
from scorecards.selectors import drill_for, scorecard_rows_for
from scorecards.services import (
    MonthNotClosed,
    MonthPublished,
    month_close,
    month_publish,
    month_recompute,
)
from scorecards.tasks import close_month
from scorecards.tests.scenario import CLOSE_AT, COUNTY_0, MONTH, at, build_november, move
from scorecards.tests.scenario_duty import COUNTY_0_DUTY

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(city):
    return build_november(city)


def county_row(city, index=0, snapshot=None):
    snapshot = snapshot or MonthSnapshot.objects.get()
    return ScoreRow.objects.get(
        snapshot=snapshot, level=AssessLevel.COUNTY, node_id=city.counties[index].pk
    )


def test_beat_closes_the_previous_month_once(city, november):
    with time_machine.travel(CLOSE_AT, tick=False):
        assert close_month() == "2026-11"
        assert close_month() is None  # beat resent it: nothing more
    with time_machine.travel(datetime(2026, 12, 2, 1, 10, tzinfo=SHANGHAI), tick=False):
        assert close_month() is None  # the next day's run finds it closed
    snapshot = MonthSnapshot.objects.get()
    assert snapshot.state == SnapshotState.DRAFT
    assert snapshot.computed_by is None
    assert snapshot.ranked_by["county"] == "score"
    assert county_row(city).figures == COUNTY_0 | COUNTY_0_DUTY
    assert county_row(city).rank == 1
    # Every node of every level has its row.
    # (the cast adds four city and county units to the city's seven, duty the city platform).
    levels = dict(ScoreRow.objects.values_list("level").annotate(n=Count("id")))
    assert levels == {"county": 2, "township": 4, "grid_point": 8, "unit": len(city.units) + 5}


def test_a_month_not_over_is_not_closed(city):
    with pytest.raises(MonthNotClosed):
        month_close(month=MONTH, now=at(30, 12))


def test_later_events_do_not_move_a_closed_month(city, november):
    month_close(month=MONTH, now=CLOSE_AT)
    before = county_row(city).figures
    # December: E is finally handled, H rejected; a late November report appears nowhere.
    cast = november.cast
    move(
        cast,
        november.cases["E"],
        at(2, 9, month=12),
        "accept_local",
        cast.admin,
        unit=november.township_unit.pk,
    )
    assert county_row(city).figures == before
    assert month_close(month=MONTH, now=at(2, 10, month=12)) is None
    assert county_row(city).figures == before


def test_a_city_admin_recomputes_before_publishing_and_the_change_is_recorded(city, november):
    month_close(month=MONTH, now=CLOSE_AT)
    cast = november.cast
    admin = city.city_user(Role.SYS_ADMIN)
    # E handled on 2 December: county 0 now handles 4 of its November cases.
    move(
        cast,
        november.cases["E"],
        at(2, 9, month=12),
        "accept_local",
        cast.admin,
        unit=next(u for u in city.units if u.code.endswith("-T01")).pk,
    )
    with pytest.raises(PermissionDenied):
        month_recompute(month=MONTH, by=city.city_user(Role.LEADER), now=at(2, 10, month=12))
    revision = month_recompute(month=MONTH, by=admin, reason="E 已处置", now=at(2, 10, month=12))
    row = county_row(city)
    assert row.figures["handled"] == 4
    assert row.figures["completion_rate"] == 0.5
    assert revision.number == 2
    assert revision.by == admin
    assert {
        "level": "county",
        "node_id": city.counties[0].pk,
        "name": "第1区",
        "figure": "handled",
        "old": 3,
        "new": 4,
    } in revision.changes
    snapshot = MonthSnapshot.objects.get()
    assert (snapshot.revision, snapshot.computed_by) == (2, admin)
    # Published: final.
    month_publish(month=MONTH, by=admin, now=at(3, 9, month=12))
    with pytest.raises(MonthPublished):
        month_recompute(month=MONTH, by=admin, now=at(3, 10, month=12))
    with pytest.raises(MonthPublished):
        month_publish(month=MONTH, by=admin)
    assert county_row(city).figures["handled"] == 4


def test_a_county_leader_sees_only_their_county(city, november):
    snapshot = month_close(month=MONTH, now=CLOSE_AT)
    leader = city.city_user(Role.LEADER)
    county_leader = UserFactory(role=Role.LEADER, region=city.counties[1])
    everyone = scorecard_rows_for(user=leader, snapshot=snapshot, level="county")
    assert [r.node_id for r in everyone] == [city.counties[0].pk, city.counties[1].pk]
    theirs = scorecard_rows_for(user=county_leader, snapshot=snapshot, level="county")
    assert [r.node_id for r in theirs] == [city.counties[1].pk]
    townships = scorecard_rows_for(user=county_leader, snapshot=snapshot, level="township")
    assert {r.node_id for r in townships} == {t.pk for t in city.townships[2:]}
    # Units: the county's own; the city's departments are not theirs.
    units = scorecard_rows_for(user=county_leader, snapshot=snapshot, level="unit")
    assert november.cast.lead_unit.pk not in {r.node_id for r in units}
    assert november.far_unit.pk in {r.node_id for r in units}
    # Drilling into another county's figure: nothing.
    assert (
        drill_for(
            user=county_leader,
            snapshot=snapshot,
            level="county",
            node_id=city.counties[0].pk,
            figure="filed",
        )
        is None
    )


def test_every_figure_opens_to_the_cases_behind_it(city, november):
    snapshot = month_close(month=MONTH, now=CLOSE_AT)
    leader = city.city_user(Role.LEADER)
    cases = november.cases

    def drill(level, node, figure):
        qs = drill_for(user=leader, snapshot=snapshot, level=level, node_id=node, figure=figure)
        return sorted(r.title for r in qs) if qs is not None else None

    def titles(*keys):
        return sorted(cases[k].title for k in keys)

    c0 = city.counties[0].pk
    assert drill("county", c0, "filed") == titles("A", "B", "C", "D", "E")
    assert drill("county", c0, "valid") == titles("A", "C", "D", "E")
    assert drill("county", c0, "overdue") == titles("C", "E")
    assert drill("county", c0, "completion_rate") == titles("A", "C", "D")  # its denominator
    assert drill("county", c0, "bounces") == titles("D")
    assert drill("county", c0, "first_response_hours") == titles("A", "B", "C", "D")
    assert drill("unit", november.cast.other_unit.pk, "overdue") == titles("D")
    assert drill("unit", november.cast.lead_unit.pk, "replied_on_time") == titles("C")
    assert drill("grid_point", city.grid_points[0].pk, "filed") == titles("A", "B", "C")
    assert drill("unit", november.cast.lead_unit.pk, "filed") is None  # not a unit's figure
    assert drill("county", c0, "nonsense") is None
    assert Report.objects.count() == 8


def test_the_month_close_is_scheduled_daily_at_ten_past_one():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="scorecards.tasks.close_month")
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("10", "1", "*")
    assert str(task.crontab.timezone) == "Asia/Shanghai"
    assert task.enabled
