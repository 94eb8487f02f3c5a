"""What the leadership dashboard and the big screen show, for one leader's jurisdiction.

A fixed number of queries whatever the size of the jurisdiction: the month against the same
days of last month (one aggregate), the open cases by grade (one), the daily trend by category
(one), the open major and sudden cases (one), overdue deadlines by unit (one), today's daily
reports by status (one, duty's expected submissions), and the ranking from the latest closed
month (two), each with the deductions behind its score (read from the frozen row's figures).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from dispatch.models import Clock
from duty.filings import DAILY_REPORT
from duty.models import ExpectedSubmission, SubmissionStatus
from grid.models import Level
from grid.workdays import SHANGHAI
from reports.models import OPEN_STATUSES, Category, Grade, Report, Status
from scorecards.figures import FIGURES, AssessLevel
from scorecards.months import Month
from scorecards.selectors import latest_snapshot, scorecard_rows_for

TREND_DAYS = 30
MAJOR_ROWS = 8
OVERDUE_UNITS = 8
RANKING_ROWS = 12
BEHIND = 3  # the kinds of deduction named under a ranked score, the heaviest first
# Every status, said so PostgreSQL reads a date range from the (status, created_at) index.
ALL_STATUSES = list(Status.values)


def ranking_level(user) -> str:
    """Counties for a city leader, townships for a county leader."""
    region = user.region
    if region is not None and region.level == Level.COUNTY:
        return AssessLevel.TOWNSHIP
    return AssessLevel.COUNTY


def deductions_behind(figures: dict) -> list[dict]:
    """The heaviest kinds of deduction of a frozen row (its ``points_<kind>`` figures)."""
    parts = [
        (value, name)
        for name, value in figures.items()
        if name in FIGURES and FIGURES[name].part_of == "deductions" and value and value < 0
    ]
    parts.sort()
    return [{"label": str(FIGURES[name].label), "points": value} for value, name in parts[:BEHIND]]


def daily_reports_today(*, user, now: datetime) -> dict:
    """Today's daily reports in ``user``'s jurisdiction by status (one aggregate)."""
    today = timezone.localtime(now).date()
    status = SubmissionStatus
    got = (
        ExpectedSubmission.objects.visible_to(user)
        .filter(kind=DAILY_REPORT, period=today)
        .aggregate(
            owed=Count("pk"),
            on_time=Count("pk", filter=Q(status=status.ON_TIME)),
            late=Count("pk", filter=Q(status=status.LATE)),
            missed=Count("pk", filter=Q(status=status.MISSED)),
            pending=Count("pk", filter=Q(status=status.PENDING)),
        )
    )
    filed = got["on_time"] + got["late"]
    got["rate"] = round(filed / got["owed"], 4) if got["owed"] else None
    return got


def dashboard_for(*, user, now: datetime | None = None) -> dict:
    """Every figure of the dashboard, as plain data (the page renders it, the screen fetches it)."""
    now = now or timezone.now()
    this = Month.of(now)
    last = this.previous()
    same_point = last.start + (now - this.start)  # as far into last month as we are into this
    cases = Report.objects.visible_to(user)

    # 1. This month so far against the same days of last month.
    period = cases.filter(status__in=ALL_STATUSES).filter(
        Q(created_at__gte=last.start) | Q(closed_at__gte=last.start)
    )
    in_this = Q(created_at__gte=this.start, created_at__lte=now)
    in_last = Q(created_at__gte=last.start, created_at__lt=same_point)
    got = period.aggregate(
        filed=Count("pk", filter=in_this),
        filed_last=Count("pk", filter=in_last),
        valid=Count("pk", filter=in_this & ~Q(status=Status.REJECTED)),
        valid_last=Count("pk", filter=in_last & ~Q(status=Status.REJECTED)),
        closed=Count("pk", filter=Q(closed_at__gte=this.start, closed_at__lte=now)),
        closed_last=Count("pk", filter=Q(closed_at__gte=last.start, closed_at__lt=same_point)),
        late=Count("pk", filter=in_this & Q(disposal_reported_at__gt=F("disposal_due_at"))),
        late_last=Count("pk", filter=in_last & Q(disposal_reported_at__gt=F("disposal_due_at"))),
    )
    # 2. Open cases now, by grade (a case not graded yet counts by its suggested grade).
    open_rows = (
        cases.filter(status__in=OPEN_STATUSES)
        .values("grade", "suggested_grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    grades = dict.fromkeys(Grade.values, 0)
    for row in open_rows:
        grades[row["grade"] or row["suggested_grade"]] += row["n"]
    open_total = sum(grades.values())

    # 3. The daily trend by category, the last TREND_DAYS days.
    first_day = (timezone.localtime(now) - timedelta(days=TREND_DAYS - 1)).date()
    since = timezone.make_aware(datetime.combine(first_day, datetime.min.time()))
    trend_rows = (
        cases.filter(status__in=ALL_STATUSES, created_at__gte=since, created_at__lte=now)
        .annotate(day=TruncDate("created_at", tzinfo=SHANGHAI))
        .values("day", "category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    days = [first_day + timedelta(days=i) for i in range(TREND_DAYS)]
    series = {c: [0] * TREND_DAYS for c in Category.values}
    for row in trend_rows:
        index = (row["day"] - first_day).days
        if 0 <= index < TREND_DAYS:
            series[row["category"]][index] += row["n"]

    # 4. Open major and sudden cases, oldest first, with their unit.
    majors = [
        {
            "id": r.pk,
            "number": r.case_number,
            "title": r.title,
            "grade": r.get_grade_display(),
            "age_hours": round((now - r.created_at).total_seconds() / 3600, 1),
            "unit": (r.lead_unit or r.assigned_unit).name
            if (r.lead_unit or r.assigned_unit)
            else "",
            "county": r.county.name,
            "url": reverse("report-detail", args=[r.pk]),
        }
        for r in cases.filter(status__in=OPEN_STATUSES, grade__in=[Grade.MAJOR, Grade.SUDDEN])
        .select_related("lead_unit", "assigned_unit", "county")
        .only(
            "id",
            "case_number",
            "title",
            "grade",
            "created_at",
            "lead_unit__name",
            "assigned_unit__name",
            "county__name",
        )
        .order_by("created_at", "id")[:MAJOR_ROWS]
    ]

    # 5. Deadlines past due now, by unit (claim, reply, promise: running clocks).
    overdue = [
        {"unit": row["unit__name"], "cases": row["n"]}
        for row in Clock.objects.filter(
            stopped_at__isnull=True, due_at__lt=now, report__in=cases.values("pk")
        )
        .values("unit__name")
        .annotate(n=Count("report_id", distinct=True))
        .order_by("-n", "unit__name")[:OVERDUE_UNITS]
    ]

    # 6. The ranking of the latest closed month.
    snapshot = latest_snapshot()
    level = ranking_level(user)
    ranking = []
    if snapshot is not None:
        month_text = f"{snapshot.month:%Y-%m}"
        below = AssessLevel.TOWNSHIP if level == AssessLevel.COUNTY else AssessLevel.GRID_POINT
        table = reverse("scorecards-table")
        for row in scorecard_rows_for(user=user, snapshot=snapshot, level=level)[:RANKING_ROWS]:
            ranking.append(
                {
                    "rank": row.rank,
                    "name": row.name,
                    "score": None if row.score is None else float(row.score),
                    "value": row.figures.get(snapshot.ranked_by.get(level, "")),
                    "overdue": row.figures.get("overdue"),
                    "url": f"{table}?month={month_text}&level={below}&within={row.node_id}",
                    "deductions": row.figures.get("deductions"),
                    "bonuses": row.figures.get("bonuses"),
                    "behind": deductions_behind(row.figures),
                    "deductions_url": reverse(
                        "scorecards-drill", args=[month_text, level, row.node_id, "deductions"]
                    )
                    if row.figures.get("deductions")
                    else None,
                }
            )
    return {
        "now": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
        "month": str(this),
        "compare": {
            key: {"now": got[key], "last": got[f"{key}_last"]}
            for key in ("filed", "valid", "closed", "late")
        },
        "open": {"total": open_total, "by_grade": grades},
        "trend": {"days": [d.strftime("%m-%d") for d in days], "series": series},
        "majors": majors,
        "overdue_units": overdue,
        "ranking": {
            "month": f"{snapshot.month:%Y-%m}" if snapshot else None,
            "level": level,
            "ranked_by": snapshot.ranked_by.get(level) if snapshot else None,
            "rows": ranking,
        },
        "labels": {
            "categories": {c.value: str(c.label) for c in Category},
            "grades": {g.value: str(g.label) for g in Grade},
        },
        "daily_reports": daily_reports_today(user=user, now=now),
    }
