"""The grid points' own recurring filings, declared as kinds of expected submission: the
daily report (网情日报, due every day at ``DUTY_DAILY_REPORT_DUE``) and the monthly risk-point
list (风险点排查, due at ``DUTY_RISK_POINTS_DUE`` of the month's last day)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from duty.kinds import (
    Owed,
    SubmissionKind,
    at_local,
    daily_periods,
    month_end,
    monthly_periods,
    register_submission_kind,
)
from grid.models import GridPoint, Level, Region

DAILY_REPORT = "daily_report"
RISK_POINTS = "risk_points"


def county_path(path: str) -> str:
    """The path of the county a node with ``path`` lies in (its first two segments)."""
    return "/".join(path.split("/")[:2]) + "/"


def grid_points_owing(period: date) -> Iterator[Owed]:
    """Every active grid point, with its region path and county (two queries, no per-row work
    in the database)."""
    counties = dict(Region.objects.filter(level=Level.COUNTY).values_list("path", "id"))
    points = GridPoint.objects.filter(is_active=True).order_by().values_list("id", "region__path")
    for point_id, path in points.iterator(chunk_size=5000):
        yield Owed(
            region_path=path, grid_point_id=point_id, county_id=counties.get(county_path(path))
        )


def daily_report_due(period: date) -> datetime:
    return at_local(period, settings.DUTY_DAILY_REPORT_DUE)


def risk_points_due(period: date) -> datetime:
    return at_local(month_end(period), settings.DUTY_RISK_POINTS_DUE)


def register() -> None:
    """Declare both kinds (called from :meth:`duty.apps.DutyConfig.ready`)."""
    register_submission_kind(
        SubmissionKind(
            name=DAILY_REPORT,
            label=_("Daily report"),
            due_at=daily_report_due,
            owed_by=grid_points_owing,
            periods=daily_periods,
            missed_event="daily_report_missed",
            late_event="daily_report_late",
        )
    )
    register_submission_kind(
        SubmissionKind(
            name=RISK_POINTS,
            label=_("Monthly risk points"),
            due_at=risk_points_due,
            owed_by=grid_points_owing,
            periods=monthly_periods,
            missed_event="risk_points_missed",
            late_event="risk_points_late",
        )
    )
