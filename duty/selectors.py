"""Reads of duty's filings and obligations, scoped to what the person may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Case, CharField, Count, F, Max, Prefetch, Q, QuerySet, Value, When

from duty.filings import DAILY_REPORT, RISK_POINTS
from duty.kinds import local_today, month_start
from duty.models import (
    DailyReport,
    DailyReportItem,
    ExpectedSubmission,
    RiskPointList,
    SubmissionStatus,
)
from grid.models import Level, Region, Role, User

# Who sees the overviews: the county admins (their county), the city platform, the leaders.
OVERVIEW_ROLES = {Role.COUNTY_ADMIN, Role.DUTY_OFFICER, Role.SYS_ADMIN, Role.LEADER}
STATUSES = [s.value for s in SubmissionStatus]


def sees_overview(user: User) -> bool:
    """County admins, duty officers, system admins and leaders (and operators)."""
    return user.is_authenticated and (
        user.is_superuser or (user.role in OVERVIEW_ROLES and user.region_id is not None)
    )


def daily_report_list_for(*, user: User) -> QuerySet[DailyReport]:
    """The daily reports ``user`` may see, newest day first, with their items and reports."""
    return (
        DailyReport.objects.visible_to(user)
        .select_related("grid_point", "filed_by")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=DailyReportItem.objects.select_related("report").only(
                    "id",
                    "daily_report_id",
                    "position",
                    "report_id",
                    "report__case_number",
                    "report__title",
                    "title",
                    "platform",
                    "url",
                ),
            )
        )
        .order_by("-day", "grid_point__code", "id")
    )


def risk_point_list_for(*, user: User) -> QuerySet[RiskPointList]:
    """The risk-point lists ``user`` may see, newest month first, with their points."""
    return (
        RiskPointList.objects.visible_to(user)
        .select_related("grid_point", "filed_by")
        .prefetch_related("items")
        .order_by("-month", "grid_point__code", "id")
    )


def expected_list_for(*, user: User) -> QuerySet[ExpectedSubmission]:
    """The expected submissions ``user`` may see, newest period first."""
    return (
        ExpectedSubmission.objects.visible_to(user)
        .select_related("grid_point")
        .order_by("-period", "kind", "region_path", "id")
    )


@dataclass(frozen=True)
class MyFilings:
    """A grid point's own daily report today and risk-point list this month (its home panel)."""

    today: date
    month: date
    daily: ExpectedSubmission | None
    risk: ExpectedSubmission | None


def my_filings_for(*, user: User, now: datetime) -> MyFilings:
    """Today's daily report and this month's risk points of ``user``'s grid point (one query)."""
    today = local_today(now)
    month = month_start(today)
    if user.grid_point_id is None:
        return MyFilings(today, month, None, None)
    rows = {
        row.kind: row
        for row in ExpectedSubmission.objects.filter(
            owner_key=ExpectedSubmission.key_for(grid_point_id=user.grid_point_id)
        ).filter(Q(kind=DAILY_REPORT, period=today) | Q(kind=RISK_POINTS, period=month))
    }
    return MyFilings(today, month, rows.get(DAILY_REPORT), rows.get(RISK_POINTS))


def _status_on(kind: str, period: date) -> Max:
    return Max(
        Case(
            When(kind=kind, period=period, then=F("status")),
            default=Value(""),
            output_field=CharField(),
        )
    )


def _count(**where) -> Count:
    return Count("id", filter=Q(**where))


def overview_totals(*, user: User, day: date, county: Region | None = None) -> dict:
    """How many grid points stand where, for today's daily report and this month's risk
    points: ``{"daily": {status: n}, "risk": {status: n}}`` (one query)."""
    month = month_start(day)
    rows = ExpectedSubmission.objects.visible_to(user).filter(
        Q(kind=DAILY_REPORT, period=day) | Q(kind=RISK_POINTS, period=month)
    )
    if county is not None:
        rows = rows.filter(county=county)
    totals = {"daily": dict.fromkeys(STATUSES, 0), "risk": dict.fromkeys(STATUSES, 0)}
    for kind, status, n in rows.order_by().values_list("kind", "status").annotate(n=Count("id")):
        totals["daily" if kind == DAILY_REPORT else "risk"][status] = n
    for part in totals.values():
        part["total"] = sum(part.values())
        part["filed"] = part[SubmissionStatus.ON_TIME] + part[SubmissionStatus.LATE]
    return totals


def county_overview(
    *, user: User, county: Region, day: date, status: str | None = None
) -> QuerySet:
    """One row per grid point of ``county``: today's daily report (its status, and its row's
    id as ``today_id``), this month's risk points, and this month's daily reports so far (on
    time, late, missed); by grid point code.
    ``status`` keeps the points whose daily report today stands so (one GROUP BY query)."""
    month = month_start(day)
    rows = (
        ExpectedSubmission.objects.visible_to(user)
        .filter(county=county, grid_point__isnull=False)
        .filter(
            Q(kind=DAILY_REPORT, period__gte=month, period__lte=day)
            | Q(kind=RISK_POINTS, period=month)
        )
        .order_by()
        .values("grid_point_id", "grid_point__code", "grid_point__name")
        .annotate(
            today=_status_on(DAILY_REPORT, day),
            today_id=Max(
                Case(When(kind=DAILY_REPORT, period=day, then=F("id")), default=Value(None))
            ),
            risk=_status_on(RISK_POINTS, month),
            month_on_time=_count(kind=DAILY_REPORT, status=SubmissionStatus.ON_TIME),
            month_late=_count(kind=DAILY_REPORT, status=SubmissionStatus.LATE),
            month_missed=_count(kind=DAILY_REPORT, status=SubmissionStatus.MISSED),
        )
        .order_by("grid_point__code")
    )
    if status:
        rows = rows.filter(today=status)
    return rows


def city_overview(*, user: User, day: date) -> list[dict]:
    """One row per county ``user`` may see: its grid points' daily reports today and risk
    points this month, counted by status (one GROUP BY query)."""
    month = month_start(day)
    daily = {"kind": DAILY_REPORT, "period": day}
    risk = {"kind": RISK_POINTS, "period": month}
    rows = (
        ExpectedSubmission.objects.visible_to(user)
        .filter(county__isnull=False)
        .filter(Q(**daily) | Q(**risk))
        .order_by()
        .values("county_id", "county__name", "county__path")
        .annotate(
            daily_total=_count(**daily),
            daily_on_time=_count(**daily, status=SubmissionStatus.ON_TIME),
            daily_late=_count(**daily, status=SubmissionStatus.LATE),
            daily_missed=_count(**daily, status=SubmissionStatus.MISSED),
            daily_pending=_count(**daily, status=SubmissionStatus.PENDING),
            risk_total=_count(**risk),
            risk_on_time=_count(**risk, status=SubmissionStatus.ON_TIME),
            risk_late=_count(**risk, status=SubmissionStatus.LATE),
            risk_missed=_count(**risk, status=SubmissionStatus.MISSED),
            risk_pending=_count(**risk, status=SubmissionStatus.PENDING),
        )
        .order_by("county__path")
    )
    return list(rows)


def overview_county_for(user: User, county_id: int | None) -> Region | None:
    """The county whose grid points the overview lists: the county admin's own; for city
    users the one asked for, if they may see it; None for the city view."""
    region = user.region if user.region_id else None
    if region is not None and region.level == Level.COUNTY:
        return region
    if county_id is None:
        return None
    return Region.objects.visible_to(user).filter(pk=county_id, level=Level.COUNTY).first()
