"""A recurring obligation is scored in the month it is owed for: November's risk-point list,
due at 24:00 on 30 November (00:00 on 1 December), costs November's score, missed or late."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from duty.filings import DAILY_REPORT, RISK_POINTS
from duty.models import Deduction, DeductionStatus
from duty.services.expected import expected_create_for
from duty.services.filings import risk_points_file
from duty.tasks import sweep_at

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOVEMBER = date(2026, 11, 1)


def test_novembers_risk_list_counts_in_november_missed_or_late(city):
    expected_create_for(kind=RISK_POINTS, period=NOVEMBER)
    sweep_at(datetime(2026, 12, 1, 0, 0, tzinfo=SH))  # its deadline
    missed = Deduction.objects.filter(kind="risk_points_missed")
    assert missed.count() == len(city.grid_points)
    assert set(missed.values_list("month", flat=True)) == {NOVEMBER}
    # Filed late on 3 December: the late point replaces the miss, in November still.
    point = city.informant(0).grid_point
    risk_points_file(
        by=city.informant(0),
        nothing_found=True,
        month=NOVEMBER,
        now=datetime(2026, 12, 3, 10, 0, tzinfo=SH),
    )
    late = Deduction.objects.get(kind="risk_points_late", grid_point=point)
    assert late.month == NOVEMBER
    replaced = missed.get(grid_point=point)
    assert (replaced.status, replaced.month) == (DeductionStatus.CANCELLED, NOVEMBER)


def test_a_daily_report_counts_in_the_month_of_its_day(city):
    day = date(2026, 11, 30)
    expected_create_for(kind=DAILY_REPORT, period=day)
    sweep_at(datetime(2026, 11, 30, 15, 0, tzinfo=SH))
    months = set(
        Deduction.objects.filter(kind="daily_report_missed").values_list("month", flat=True)
    )
    assert months == {NOVEMBER}
