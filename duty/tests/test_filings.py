"""Filing the daily report and the risk points: on time up to the due second, late after,
once per period, bad input refused with the field named and nothing saved."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duty.filings import DAILY_REPORT, RISK_POINTS
from duty.models import DailyReport, ExpectedSubmission, RiskPointList, SubmissionStatus
from duty.services.expected import expected_create_for
from duty.services.filings import (
    AlreadyFiled,
    DailyItem,
    RiskItem,
    daily_report_file,
    risk_points_file,
)
from reports.tests.factories import submit

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 20)

pytestmark = pytest.mark.django_db

RISK = RiskItem(
    description="化工园区周边群众对异味投诉集中",
    area="东风村三组",
    level="high",
    measures="每日巡查，联合环保部门监测",
    responsible="张伟",
)


def at(h, m=0, s=0, day=DAY):
    return datetime(day.year, day.month, day.day, h, m, s, tzinfo=SH)


@pytest.mark.parametrize(
    ("moment", "late"), [(at(14, 59, 59), False), (at(15), False), (at(15, 0, 1), True)]
)
def test_the_daily_report_is_late_one_second_after_15(city, told, moment, late):
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    informant = city.informant(0)
    report = daily_report_file(by=informant, nothing_to_report=True, now=moment)
    assert report.is_late is late
    row = ExpectedSubmission.objects.get(
        kind=DAILY_REPORT, period=DAY, grid_point=report.grid_point
    )
    assert row.status == (SubmissionStatus.LATE if late else SubmissionStatus.ON_TIME)
    assert row.filing_id == report.pk
    assert [e.kind for e in told] == (["daily_report_late"] if late else [])


def test_a_second_daily_report_is_refused_and_changes_nothing(city):
    informant = city.informant(0)
    first = daily_report_file(by=informant, nothing_to_report=True, now=at(9))
    with pytest.raises(AlreadyFiled):
        daily_report_file(
            by=city.informant(0, username="other"),
            items=[DailyItem(title="x", platform="weibo")],
            now=at(10),
        )
    assert DailyReport.objects.get() == first
    assert first.items.count() == 0


def test_items_link_the_days_reports_and_short_entries(city):
    informant = city.informant(0)
    with_report = submit(informant)
    created_day = with_report.created_at.astimezone(SH).date()
    report = daily_report_file(
        by=informant,
        items=[
            DailyItem(report_id=with_report.pk),
            DailyItem(title="微信群转发停水通知", platform="wechat_group", url="https://e.cn/1"),
        ],
        day=created_day,
        now=with_report.created_at,
    )
    items = list(report.items.order_by("position"))
    assert items[0].report_id == with_report.pk
    assert (items[1].title, items[1].platform) == ("微信群转发停水通知", "wechat_group")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "items"),
        (
            {"nothing_to_report": True, "items": [DailyItem(title="a", platform="weibo")]},
            "nothing_to_report",
        ),
        ({"items": [DailyItem(title="", platform="weibo")]}, "items"),
        ({"items": [DailyItem(title="a", platform="nowhere")]}, "items"),
        ({"items": [DailyItem(report_id=999999)]}, "items"),
        ({"nothing_to_report": True, "day": date(2026, 11, 21)}, "day"),
        ({"nothing_to_report": True, "day": date(2026, 9, 1)}, "day"),
    ],
)
def test_bad_daily_reports_are_refused_naming_the_field(city, kwargs, field):
    with pytest.raises(ValidationError) as refused:
        daily_report_file(by=city.informant(0), now=at(10), **kwargs)
    assert field in refused.value.message_dict
    assert DailyReport.objects.count() == 0


def test_another_grid_points_report_cannot_be_listed(city):
    theirs = submit(city.informant(1))
    with pytest.raises(ValidationError):
        daily_report_file(
            by=city.informant(0),
            items=[DailyItem(report_id=theirs.pk)],
            now=theirs.created_at,
            day=theirs.created_at.astimezone(SH).date(),
        )


def test_only_grid_point_people_file(city):
    with pytest.raises(PermissionDenied):
        daily_report_file(by=city.county_admin(0), nothing_to_report=True, now=at(10))
    with pytest.raises(PermissionDenied):
        risk_points_file(by=city.county_admin(0), nothing_found=True, now=at(10))


def test_a_late_filing_for_yesterday_is_late(city, told):
    report = daily_report_file(
        by=city.informant(0), nothing_to_report=True, day=date(2026, 11, 19), now=at(9)
    )
    assert report.is_late
    assert told[0].kind == "daily_report_late"


@pytest.mark.parametrize(
    ("month", "last_second", "first_late"),
    [
        (
            date(2026, 11, 1),
            datetime(2026, 11, 30, 23, 59, 59, tzinfo=SH),
            datetime(2026, 12, 1, 0, 0, 1, tzinfo=SH),
        ),
        (
            date(2026, 12, 1),
            datetime(2026, 12, 31, 23, 59, 59, tzinfo=SH),
            datetime(2027, 1, 1, 0, 0, 1, tzinfo=SH),
        ),
        (
            date(2028, 2, 1),
            datetime(2028, 2, 29, 23, 59, 59, tzinfo=SH),
            datetime(2028, 3, 1, 0, 0, 1, tzinfo=SH),
        ),
        (
            date(2027, 2, 1),
            datetime(2027, 2, 28, 23, 59, 59, tzinfo=SH),
            datetime(2027, 3, 1, 0, 0, 1, tzinfo=SH),
        ),
        (
            date(2026, 10, 1),
            datetime(2026, 10, 31, 23, 59, 59, tzinfo=SH),
            datetime(2026, 11, 1, 0, 0, 1, tzinfo=SH),
        ),
    ],
)
def test_risk_points_are_due_at_the_end_of_the_months_last_day(
    city, told, month, last_second, first_late
):
    # on time in the month's last second (30- and 31-day months, February of a leap and a
    # common year, December into January), late one second into the next month
    on_time = risk_points_file(by=city.informant(0), items=[RISK], month=month, now=last_second)
    late = risk_points_file(by=city.informant(1), nothing_found=True, month=month, now=first_late)
    assert (on_time.is_late, late.is_late) == (False, True)
    assert on_time.items.get().responsible == "张伟"
    due = ExpectedSubmission.objects.filter(kind=RISK_POINTS, period=month).values_list(
        "due_at", flat=True
    )
    assert set(due) == {first_late.replace(second=0)}
    assert [e.kind for e in told] == ["risk_points_late"]


def test_a_second_risk_list_is_refused(city):
    risk_points_file(by=city.informant(0), nothing_found=True, now=at(10))
    with pytest.raises(AlreadyFiled):
        risk_points_file(by=city.informant(0), items=[RISK], now=at(11))
    assert RiskPointList.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "items"),
        ({"nothing_found": True, "items": [RISK]}, "nothing_found"),
        ({"items": [RiskItem("", "a", "low", "m", "r")]}, "items"),
        ({"items": [RiskItem("d", "a", "extreme", "m", "r")]}, "items"),
        ({"nothing_found": True, "month": date(2026, 12, 1)}, "month"),
        ({"nothing_found": True, "month": date(2026, 9, 1)}, "month"),
    ],
)
def test_bad_risk_lists_are_refused(city, kwargs, field):
    with pytest.raises(ValidationError) as refused:
        risk_points_file(by=city.informant(0), now=at(10), **kwargs)
    assert field in refused.value.message_dict
    assert RiskPointList.objects.count() == 0


def test_last_months_list_may_still_be_filed_late(city):
    risk = risk_points_file(
        by=city.informant(0), nothing_found=True, month=date(2026, 10, 1), now=at(10)
    )
    assert risk.is_late
    assert risk.month == date(2026, 10, 1)
