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
    month_start,
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


# The same set as grid_points_owing, as one SELECT: the county is the region's parent (a
# township's point) or grandparent (a village's).
GRID_POINTS_OWING_SQL = """
SELECT 'g' || gp.id, gp.id, CAST(NULL AS bigint), CAST(NULL AS bigint), r.path,
       CASE WHEN p1.level = 'county' THEN p1.id WHEN p2.level = 'county' THEN p2.id END
FROM grid_gridpoint gp
JOIN grid_region r ON r.id = gp.region_id
LEFT JOIN grid_region p1 ON p1.id = r.parent_id
LEFT JOIN grid_region p2 ON p2.id = p1.parent_id
WHERE gp.is_active
"""


def grid_points_owing_sql(period: date) -> tuple[str, list]:
    return GRID_POINTS_OWING_SQL, []


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
            owed_sql=grid_points_owing_sql,
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
            owed_sql=grid_points_owing_sql,
            periods=monthly_periods,
            period_of=month_start,
            missed_event="risk_points_missed",
            late_event="risk_points_late",
        )
    )
