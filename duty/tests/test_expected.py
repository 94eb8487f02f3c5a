"""Expected submissions: creation is idempotent, a filing settles on time or late exactly at
the due second, the sweep marks what is due missed once, with the due time as the moment."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from duty.filings import DAILY_REPORT, RISK_POINTS
from duty.models import ExpectedSubmission, SubmissionPeriod, SubmissionStatus
from duty.services.expected import expected_create_for, expected_settle, expected_sweep
from grid.models import GridPoint

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 20)
DUE = datetime(2026, 11, 20, 15, 0, tzinfo=SH)

pytestmark = pytest.mark.django_db


def rows(kind=DAILY_REPORT, **filters):
    return ExpectedSubmission.objects.filter(kind=kind, **filters)


def test_creation_is_idempotent_and_copies_where_the_point_sits(city):
    # given an inactive grid point, which owes nothing
    GridPoint.objects.filter(pk=city.grid_points[-1].pk).update(is_active=False)
    # when the day's rows are created twice
    assert expected_create_for(kind=DAILY_REPORT, period=DAY) == 7
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    # then each active point owes one report, due at 15:00 that day
    assert rows(period=DAY).count() == 7
    first = rows(period=DAY, grid_point=city.grid_points[0]).get()
    assert first.due_at == DUE
    assert first.status == SubmissionStatus.PENDING
    assert first.region_path == city.villages[0].path
    assert first.county_id == city.counties[0].pk
    assert SubmissionPeriod.objects.filter(kind=DAILY_REPORT, period=DAY).count() == 1


@pytest.mark.parametrize(
    ("at", "status"),
    [
        (datetime(2026, 11, 20, 14, 59, 59, tzinfo=SH), SubmissionStatus.ON_TIME),
        (datetime(2026, 11, 20, 15, 0, 0, tzinfo=SH), SubmissionStatus.ON_TIME),
        (datetime(2026, 11, 20, 15, 0, 1, tzinfo=SH), SubmissionStatus.LATE),
    ],
)
def test_a_filing_settles_on_time_up_to_the_due_second(city, told, at, status):
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    point = city.grid_points[0]
    row = expected_settle(
        kind=DAILY_REPORT, period=DAY, grid_point_id=point.pk, at=at, filing_id=42
    )
    assert (row.status, row.settled_at, row.filing_id) == (status, at, 42)
    late = [e for e in told if e.kind == "daily_report_late"]
    assert len(late) == (status == SubmissionStatus.LATE)
    if late:
        assert (late[0].target_model, late[0].target_id, late[0].at) == (GridPoint, point.pk, at)
        assert (late[0].source_model, late[0].source_id) == (ExpectedSubmission, row.pk)


def test_a_second_filing_settles_nothing(city, told):
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    point = city.grid_points[0]
    early = datetime(2026, 11, 20, 9, 0, tzinfo=SH)
    assert expected_settle(kind=DAILY_REPORT, period=DAY, grid_point_id=point.pk, at=early)
    again = expected_settle(
        kind=DAILY_REPORT, period=DAY, grid_point_id=point.pk, at=early + timedelta(hours=8)
    )
    assert again is None
    assert rows(grid_point=point).get().settled_at == early
    assert told == []


def test_a_filing_before_the_rows_exist_creates_its_own(city):
    row = expected_settle(
        kind=DAILY_REPORT,
        period=DAY,
        grid_point_id=city.grid_points[3].pk,
        at=datetime(2026, 11, 20, 10, 0, tzinfo=SH),
    )
    assert row.status == SubmissionStatus.ON_TIME
    assert row.county_id == city.counties[0].pk
    # the period's creation later adds the others and leaves the filed one alone
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    assert rows(period=DAY).count() == 8
    assert rows(period=DAY, status=SubmissionStatus.ON_TIME).count() == 1


def test_a_party_that_owes_nothing_cannot_settle(city):
    GridPoint.objects.filter(pk=city.grid_points[0].pk).update(is_active=False)
    with pytest.raises(ExpectedSubmission.DoesNotExist):
        expected_settle(kind=DAILY_REPORT, period=DAY, grid_point_id=city.grid_points[0].pk, at=DUE)


@pytest.mark.parametrize(
    ("now", "missed"),
    [
        (datetime(2026, 11, 20, 14, 59, 59, tzinfo=SH), 0),
        (datetime(2026, 11, 20, 15, 0, 0, tzinfo=SH), 7),
        (datetime(2026, 11, 20, 15, 0, 1, tzinfo=SH), 7),
    ],
)
def test_the_sweep_misses_what_is_due_by_now(city, told, now, missed, settings):
    settings.DUTY_CATCHUP_DAYS = 0
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    expected_settle(
        kind=DAILY_REPORT,
        period=DAY,
        grid_point_id=city.grid_points[0].pk,
        at=datetime(2026, 11, 20, 11, 0, tzinfo=SH),
    )
    result = expected_sweep(now=now)
    daily = [m for m in result.missed if m.kind == DAILY_REPORT]
    assert len(daily) == missed
    assert rows(period=DAY, status=SubmissionStatus.MISSED).count() == missed
    assert all(m.due_at == DUE for m in daily)
    assert rows(status=SubmissionStatus.MISSED).exclude(settled_at=DUE).count() == 0
    events = [e for e in told if e.kind == "daily_report_missed"]
    assert len(events) == missed
    assert {e.at for e in events} <= {DUE}
    assert city.grid_points[0].pk not in {e.target_id for e in events}


def test_the_sweep_run_twice_has_one_effect(city, told):
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    later = datetime(2026, 11, 20, 15, 5, tzinfo=SH)
    first = expected_sweep(now=later)
    told_first = len(told)
    second = expected_sweep(now=later)
    assert len([m for m in first.missed if m.period == DAY]) == 8
    assert second.missed == []
    assert second.created == {}
    assert len(told) == told_first


def test_a_missed_report_filed_later_is_late(city, told):
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    expected_sweep(now=datetime(2026, 11, 20, 15, 5, tzinfo=SH))
    at = datetime(2026, 11, 20, 17, 0, tzinfo=SH)
    row = expected_settle(
        kind=DAILY_REPORT, period=DAY, grid_point_id=city.grid_points[1].pk, at=at
    )
    assert (row.status, row.settled_at) == (SubmissionStatus.LATE, at)
    assert [e.kind for e in told if e.source_id == row.pk] == [
        "daily_report_missed",
        "daily_report_late",
    ]


def test_beat_down_for_two_days_catches_up_with_due_times(city, told, settings):
    settings.DUTY_CATCHUP_DAYS = 2
    # given the rows of the 18th exist and beat stops before anything more happens
    expected_create_for(kind=DAILY_REPORT, period=date(2026, 11, 18))
    # when it is back on the 20th at 17:20
    back = datetime(2026, 11, 20, 17, 20, tzinfo=SH)
    with time_machine.travel(back, tick=False):
        result = expected_sweep()
    # then the 19th's and 20th's rows are created, and all three days are missed at 15:00
    for day in (date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)):
        due = datetime.combine(day, datetime.min.time(), tzinfo=SH).replace(hour=15)
        assert rows(period=day, status=SubmissionStatus.MISSED, settled_at=due).count() == 8
    assert result.created[DAILY_REPORT] >= 16
    # the month's risk points are created too, not yet due
    assert rows(RISK_POINTS, period=date(2026, 11, 1), status="pending").count() == 8
    assert len([e for e in told if e.kind == "daily_report_missed"]) == 24


def test_a_sweep_in_small_batches_misses_everything_once(city, told):
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    result = expected_sweep(now=datetime(2026, 11, 20, 16, 0, tzinfo=SH), batch=3)
    assert len({m.id for m in result.missed if m.period == DAY}) == 8
    assert len(told) == len(result.missed)
