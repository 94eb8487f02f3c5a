"""Reads: who sees which deductions, and the totals scorecards read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from duty.deductions.selectors import deduction_list_for, deductions_totals, deductions_visible_to
from duty.deductions.services import (
    deduction_appeal,
    deduction_appeal_decide,
    deduction_record,
    deductions_from_events,
)
from grid.hooks import ScoreEvent
from grid.models import GridPoint, Region, Role, Unit
from grid.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AT = datetime(2026, 11, 20, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def spread(cast) -> None:
    """A deduction against every grid point, township, county and unit of the city."""
    city = cast.city
    events = [
        *[
            ScoreEvent(
                kind="daily_report_missed",
                source_model=GridPoint,
                source_id=p.pk,
                target_model=GridPoint,
                target_id=p.pk,
                at=AT,
            )
            for p in city.grid_points
        ],
        *[
            ScoreEvent(
                kind="disposal_overdue",
                source_model=Region,
                source_id=r.pk,
                target_model=Region,
                target_id=r.pk,
                at=AT,
            )
            for r in [*city.townships, *city.counties]
        ],
        *[
            ScoreEvent(
                kind="reply_late",
                source_model=Unit,
                source_id=u.pk,
                target_model=Unit,
                target_id=u.pk,
                at=AT,
            )
            for u in city.units
        ],
    ]
    deductions_from_events(events)


def test_each_sees_their_jurisdiction(cast, other_city):
    spread(cast)
    city = cast.city
    everything = deductions_visible_to(cast.duty).count()
    assert everything == len(city.grid_points) + 6 + len(city.units)
    county = deductions_visible_to(cast.county_admin)
    # county 0: its 4 grid points, 2 townships, itself, its police and 2 township units
    assert county.count() == 4 + 2 + 1 + 3
    assert all(d.target_path.startswith(city.counties[0].path) for d in county)
    # the grid point's people: their point only
    assert list(deductions_visible_to(cast.head).values_list("grid_point_id", flat=True)) == [
        cast.point.pk
    ]
    assert deductions_visible_to(cast.informant).count() == 1
    # a unit liaison: their unit only, not the other units of its region
    assert list(deductions_visible_to(cast.liaison).values_list("unit_id", flat=True)) == [
        city.units[0].pk
    ]
    stranger = UserFactory(role=Role.COUNTY_ADMIN, region=other_city.counties[0])
    assert deductions_visible_to(stranger).count() == 0


def test_the_list_reads_one_query_whatever_its_length(cast, django_assert_num_queries):
    spread(cast)
    with django_assert_num_queries(1):
        rows = list(deduction_list_for(user=cast.duty))
        names = [str(row.target) for row in rows]
    assert len(names) == len(rows) > 10
    assert [row.at for row in rows] == sorted((row.at for row in rows), reverse=True)


def test_totals_sum_what_counts_per_target_in_one_query(cast, django_assert_num_queries):
    spread(cast)
    point = cast.point
    # a bonus, a cancelled deduction and an appealed one on the same grid point
    deduction_record(by=cast.duty, kind="report_adopted", target=point, reason="采用", at=AT)
    cancelled = deduction_record(
        by=cast.duty, kind="report_missed", target=point, reason="瞒报", grade="major", at=AT
    )
    deduction_appeal(deduction_id=cancelled.pk, by=cast.head, reason="误报")
    deduction_appeal_decide(deduction_id=cancelled.pk, by=cast.admin, decision="cancel", note="撤")
    appealed = deduction_record(
        by=cast.duty, kind="report_late", target=point, reason="迟报", grade="general", at=AT
    )
    deduction_appeal(deduction_id=appealed.pk, by=cast.head, reason="按时")
    # another month does not count in November
    deduction_record(
        by=cast.duty,
        kind="report_late",
        target=point,
        reason="十月迟报",
        at=datetime(2026, 10, 31, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    with django_assert_num_queries(1):
        totals = deductions_totals(month=date(2026, 11, 15), level="grid_point")
    mine = totals[point.pk]
    assert mine.deducted == Decimal("-2")  # the missed daily report and the appealed late one
    assert mine.bonus == Decimal("2")
    assert mine.net == Decimal("0")
    assert mine.contested == Decimal("-1")
    assert (mine.counting, mine.appealed, mine.cancelled) == (2, 1, 1)
    assert len(totals) == len(cast.city.grid_points)
    assert set(deductions_totals(month=date(2026, 11, 1), level="county")) == {
        c.pk for c in cast.city.counties
    }
    assert set(deductions_totals(month=date(2026, 11, 1), level="township")) == {
        t.pk for t in cast.city.townships
    }
    units = deductions_totals(month=date(2026, 11, 1), level="unit", user=cast.county_admin)
    assert set(units) == {
        u.pk for u in cast.city.units if u.region.path.startswith(cast.city.counties[0].path)
    }
    assert deductions_totals(month=date(2026, 12, 1), level="grid_point") == {}


def test_totals_know_their_levels():
    with pytest.raises(ValueError, match="level"):
        deductions_totals(month=date(2026, 11, 1), level="village")
