"""Demo and benchmark history of the grid points' filings: 60 days of daily reports (mostly on
time, some late, a few missed) and the risk-point lists of the months they span, with the
expected submissions they settled — as the sweep would have left them (a miss settled at its
due time). Today's rows and this month's are created pending, for the demo informant to file.

Two writers: the ORM (any database; the demo city) and set-based SQL generated inside
PostgreSQL (``--scale province``, 15,000+ grid points: about a million rows). Idempotent: both
do nothing once daily reports exist. Deductions are not written here: whoever keeps them
derives them from the missed and late rows (``grid.hooks.score_events``).
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duty.demo_deductions import seed_deductions_demo
from duty.filings import DAILY_REPORT, RISK_POINTS, county_path
from duty.kinds import local_today, local_zone, month_start, submission_kind
from duty.models import (
    DailyReport,
    DailyReportItem,
    ExpectedSubmission,
    RiskLevel,
    RiskPoint,
    RiskPointList,
    SubmissionNotice,
    SubmissionPeriod,
    SubmissionStatus,
)
from duty.services.expected import expected_create_for, expected_tell_history
from grid.demo.plan import PROVINCE
from grid.models import GRID_POINT_ROLES, GridPoint, Level, Region, User
from reports.models import SourcePlatform

DAYS = 60
MISSED, LATE = 0.04, 0.10  # shares of the days; the rest on time
ZERO_REPORTS = 0.7  # of the filed daily reports: nothing to report (零报告)

TITLES = [
    "微信群转发某小区停水通知，居民询问恢复时间",
    "短视频称某路段积水严重，车辆通行困难",
    "业主群讨论物业费上涨，情绪较为激动",
    "网帖反映农贸市场占道经营",
    "论坛有人询问医保缴费截止日期",
    "朋友圈转发疑似诈骗的兼职信息",
]
RISKS = [
    (
        "拆迁安置房交付延期，部分住户多次到村委会询问",
        "安置小区",
        RiskLevel.HIGH,
        "包保干部逐户走访，每周公开进度",
    ),
    ("化工园区周边群众对异味投诉集中", "园区周边", RiskLevel.MEDIUM, "联合环保部门每日监测"),
    ("农民工工资支付存在拖欠苗头", "在建工地", RiskLevel.MEDIUM, "劳动监察提前介入"),
    ("汛期河道水位上涨，临河住户担心安全", "沿河片区", RiskLevel.LOW, "落实巡堤值守"),
]
PEOPLE = ["张伟", "王芳", "李强", "刘洋", "陈静", "杨帆"]


def _local(day: date, hours: float) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=local_zone()) + timedelta(hours=hours)


def _cast() -> tuple[list[tuple[int, str, int | None]], dict[int, int]]:
    """Active grid points (id, path, county id) and the person who files for each."""
    counties = dict(Region.objects.filter(level=Level.COUNTY).values_list("path", "id"))
    points = [
        (pk, path, counties.get(county_path(path)))
        for pk, path in GridPoint.objects.filter(is_active=True)
        .order_by("id")
        .values_list("id", "region__path")
    ]
    filers: dict[int, int] = {}
    for point_id, user_id in (
        User.objects.filter(role__in=GRID_POINT_ROLES, grid_point__isnull=False, is_active=True)
        .order_by("grid_point_id", "id")
        .values_list("grid_point_id", "id")
    ):
        filers.setdefault(point_id, user_id)
    return points, filers


def _months(first: date, today: date) -> list[date]:
    months, month = [], month_start(first)
    while month < month_start(today):
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _mark(kind: str, periods: list[date]) -> None:
    """The periods are created and their notices sent (so the first sweep after seeding does
    not announce two months of history)."""
    SubmissionPeriod.objects.bulk_create(
        [SubmissionPeriod(kind=kind, period=p) for p in periods], ignore_conflicts=True
    )
    SubmissionNotice.objects.bulk_create(
        [
            SubmissionNotice(kind=kind, period=p, stage=stage)
            for p in periods
            for stage in ("reminder", "missed")
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def seed_filings(*, days: int = DAYS, now: datetime | None = None, seed: int = 20261203) -> int:
    """Write ``days`` days of daily reports and the months' risk points through the ORM;
    returns how many expected submissions were written (0 if filings exist already)."""
    if DailyReport.objects.exists():
        return 0
    now = now or timezone.now()
    today = local_today(now)
    rng = random.Random(seed)
    points, filers = _cast()
    daily, risk = submission_kind(DAILY_REPORT), submission_kind(RISK_POINTS)
    first = today - timedelta(days=days)
    day_list = [first + timedelta(days=n) for n in range(days)]
    reports: list[DailyReport] = []
    plans: list[tuple[int, str, int | None, date, DailyReport | None]] = []
    for day in day_list:
        for point_id, path, county_id in points:
            roll, filer = rng.random(), filers.get(point_id)
            report = None
            if filer is not None and roll >= MISSED:
                late = roll < MISSED + LATE
                filed_at = _local(day, 15 + rng.uniform(0.1, 5) if late else rng.uniform(8.5, 14.9))
                report = DailyReport(
                    grid_point_id=point_id,
                    day=day,
                    nothing_to_report=rng.random() < ZERO_REPORTS,
                    filed_by_id=filer,
                    filed_at=filed_at,
                    is_late=late,
                )
                reports.append(report)
            plans.append((point_id, path, county_id, day, report))
    DailyReport.objects.bulk_create(reports, batch_size=2000)
    DailyReportItem.objects.bulk_create(
        [
            DailyReportItem(
                daily_report=report,
                position=n,
                title=rng.choice(TITLES),
                platform=rng.choice(SourcePlatform.values),
                url=f"https://example.com/daily/{report.pk}/{n}",
            )
            for report in reports
            if not report.nothing_to_report
            for n in range(rng.choice((1, 1, 2)))
        ],
        batch_size=2000,
    )
    rows = []
    for point_id, path, county_id, day, report in plans:
        due = daily.due_at(day)
        if report is None:
            status, settled = SubmissionStatus.MISSED, due
        else:
            status = SubmissionStatus.LATE if report.is_late else SubmissionStatus.ON_TIME
            settled = report.filed_at
        rows.append(
            ExpectedSubmission(
                kind=DAILY_REPORT,
                period=day,
                owner_key=ExpectedSubmission.key_for(grid_point_id=point_id),
                grid_point_id=point_id,
                region_path=path,
                county_id=county_id,
                status=status,
                due_at=due,
                settled_at=settled,
                filing_id=report.pk if report else None,
            )
        )
    months = _months(first, today)
    for month in months:
        due = risk.due_at(month)
        for point_id, path, county_id in points:
            roll, filer = rng.random(), filers.get(point_id)
            status, settled, filing = SubmissionStatus.MISSED, due, None
            if filer is not None and roll >= MISSED:
                late = roll < MISSED + LATE
                settled = (
                    due + timedelta(hours=rng.uniform(2, 60))
                    if late
                    else (due - timedelta(hours=rng.uniform(3, 120)))
                )
                nothing = rng.random() < 0.3
                risk_list = RiskPointList.objects.create(
                    grid_point_id=point_id,
                    month=month,
                    nothing_found=nothing,
                    filed_by_id=filer,
                    filed_at=settled,
                    is_late=late,
                )
                if not nothing:
                    RiskPoint.objects.bulk_create(
                        RiskPoint(
                            risk_list=risk_list,
                            position=n,
                            description=description,
                            area=area,
                            level=level,
                            measures=measures,
                            responsible=rng.choice(PEOPLE),
                        )
                        for n, (description, area, level, measures) in enumerate(
                            rng.sample(RISKS, rng.choice((1, 2)))
                        )
                    )
                status = SubmissionStatus.LATE if late else SubmissionStatus.ON_TIME
                filing = risk_list.pk
            rows.append(
                ExpectedSubmission(
                    kind=RISK_POINTS,
                    period=month,
                    owner_key=ExpectedSubmission.key_for(grid_point_id=point_id),
                    grid_point_id=point_id,
                    region_path=path,
                    county_id=county_id,
                    status=status,
                    due_at=due,
                    settled_at=settled,
                    filing_id=filing,
                )
            )
    ExpectedSubmission.objects.bulk_create(rows, batch_size=5000)
    _mark(DAILY_REPORT, day_list)
    _mark(RISK_POINTS, months)
    expected_create_for(kind=DAILY_REPORT, period=today)
    expected_create_for(kind=RISK_POINTS, period=month_start(today))
    return len(rows)


_POINTS_SQL = """
CREATE TEMP TABLE duty_demo_points ON COMMIT DROP AS
SELECT gp.id AS gp, r.path AS path, c.id AS county,
       (SELECT min(u.id) FROM grid_user u
         WHERE u.grid_point_id = gp.id AND u.is_active AND u.role = ANY(%(roles)s)) AS filer
FROM grid_gridpoint gp
JOIN grid_region r ON r.id = gp.region_id
LEFT JOIN grid_region c
    ON c.path = split_part(r.path, '/', 1) || '/' || split_part(r.path, '/', 2) || '/'
WHERE gp.is_active
"""
_DAYS_SQL = """
CREATE TEMP TABLE duty_demo_days ON COMMIT DROP AS
SELECT d::date AS day, p.gp, p.path, p.county, p.filer,
       abs(hashtext(p.gp::text || ':' || d::date::text)) %% 1000 AS roll
FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d
CROSS JOIN duty_demo_points p
"""
# roll < 40: missed (4 %%); < 140: late (10 %%); else on time. Late ones between 15:06 and
# 20:05, on-time ones between 08:30 and 14:52 local time.
_DAILY_SQL = """
INSERT INTO duty_dailyreport
    (grid_point_id, day, nothing_to_report, note, filed_by_id, filed_at, is_late)
SELECT gp, day, roll %% 10 < 7, '', filer,
       CASE WHEN roll < 140 THEN (day + %(due)s::time) + (6 + roll %% 300) * interval '1 minute'
            ELSE (day + time '08:30') + (roll %% 383) * interval '1 minute'
       END AT TIME ZONE %(zone)s,
       roll < 140
FROM duty_demo_days WHERE filer IS NOT NULL AND roll >= 40
"""
_ITEMS_SQL = """
INSERT INTO duty_dailyreportitem (daily_report_id, position, report_id, title, platform, url)
SELECT r.id, 0, NULL, (%(titles)s::text[])[1 + r.id %% %(n_titles)s],
       (%(platforms)s::text[])[1 + r.id %% %(n_platforms)s], 'https://example.com/daily/' || r.id
FROM duty_dailyreport r WHERE NOT r.nothing_to_report AND r.day BETWEEN %(first)s AND %(last)s
"""
_EXPECTED_DAILY_SQL = """
INSERT INTO duty_expectedsubmission
    (kind, period, owner_key, grid_point_id, region_path, county_id, status, due_at, settled_at,
     filing_id, created_at)
SELECT 'daily_report', d.day, 'g' || d.gp, d.gp, d.path, d.county,
       CASE WHEN r.id IS NULL THEN 'missed' WHEN r.is_late THEN 'late' ELSE 'on_time' END,
       (d.day + %(due)s::time) AT TIME ZONE %(zone)s,
       COALESCE(r.filed_at, (d.day + %(due)s::time) AT TIME ZONE %(zone)s),
       r.id, now()
FROM duty_demo_days d
LEFT JOIN duty_dailyreport r ON r.grid_point_id = d.gp AND r.day = d.day
"""
_RISK_SQL = """
WITH rolled AS (
    SELECT p.gp, p.path, p.county, p.filer,
           abs(hashtext(p.gp::text || ':risk:' || %(month)s::text)) %% 1000 AS roll
    FROM duty_demo_points p
), filed AS (
    INSERT INTO duty_riskpointlist
        (grid_point_id, month, nothing_found, note, filed_by_id, filed_at, is_late)
    SELECT gp, %(month)s::date, roll %% 10 < 3, '', filer,
           CASE WHEN roll < 140 THEN %(due)s::timestamptz + (2 + roll %% 58) * interval '1 hour'
                ELSE %(due)s::timestamptz - (3 + roll %% 117) * interval '1 hour' END,
           roll < 140
    FROM rolled WHERE filer IS NOT NULL AND roll >= 40
    RETURNING id, grid_point_id, nothing_found, filed_at, is_late
), points AS (
    INSERT INTO duty_riskpoint
        (risk_list_id, position, description, area, level, measures, responsible)
    SELECT id, 0, (%(risks)s::text[])[1 + id %% %(n_risks)s], '村（社区）范围', 'medium',
           '专人包保，定期排查', (%(people)s::text[])[1 + id %% %(n_people)s]
    FROM filed WHERE NOT nothing_found
)
INSERT INTO duty_expectedsubmission
    (kind, period, owner_key, grid_point_id, region_path, county_id, status, due_at, settled_at,
     filing_id, created_at)
SELECT 'risk_points', %(month)s::date, 'g' || r.gp, r.gp, r.path, r.county,
       CASE WHEN f.id IS NULL THEN 'missed' WHEN f.is_late THEN 'late' ELSE 'on_time' END,
       %(due)s::timestamptz, COALESCE(f.filed_at, %(due)s::timestamptz), f.id, now()
FROM rolled r LEFT JOIN filed f ON f.grid_point_id = r.gp
"""


@transaction.atomic
def seed_filings_postgres(*, days: int = DAYS, now: datetime | None = None, log=print) -> int:
    """The same history for a province, generated inside PostgreSQL (set-based: a handful of
    INSERT … SELECT statements whatever the number of grid points); returns the number of
    expected submissions written (0 if filings exist already)."""
    if DailyReport.objects.exists():
        return 0
    now = now or timezone.now()
    today = local_today(now)
    first, last = today - timedelta(days=days), today - timedelta(days=1)
    params = {
        "roles": list(GRID_POINT_ROLES),
        "first": first,
        "last": last,
        "due": settings.DUTY_DAILY_REPORT_DUE,
        "zone": settings.TIME_ZONE,
        "titles": TITLES,
        "n_titles": len(TITLES),
        "platforms": list(SourcePlatform.values),
        "n_platforms": len(SourcePlatform.values),
    }
    risk = submission_kind(RISK_POINTS)
    with connection.cursor() as cursor:
        for sql in (_POINTS_SQL, _DAYS_SQL, _DAILY_SQL, _ITEMS_SQL, _EXPECTED_DAILY_SQL):
            started = time.monotonic()
            cursor.execute(sql, params)
            log(f"  {sql.split()[2]}: {cursor.rowcount:,} rows, {time.monotonic() - started:.1f} s")
        months = _months(first, today)
        for month in months:
            cursor.execute(
                _RISK_SQL,
                {
                    "month": month,
                    "due": risk.due_at(month),
                    "risks": [r[0] for r in RISKS],
                    "n_risks": len(RISKS),
                    "people": PEOPLE,
                    "n_people": len(PEOPLE),
                },
            )
        cursor.execute("ANALYZE duty_expectedsubmission")
    day_list = [first + timedelta(days=n) for n in range(days)]
    _mark(DAILY_REPORT, day_list)
    _mark(RISK_POINTS, months)
    expected_create_for(kind=DAILY_REPORT, period=today)
    expected_create_for(kind=RISK_POINTS, period=month_start(today))
    return ExpectedSubmission.objects.count()


def seed_filings_demo(*, scale: str, log=print) -> None:
    """60 days of daily reports and the risk points of those months
    (idempotent: skipped if daily reports exist)."""
    if DailyReport.objects.exists():
        log(_("The daily reports are already there: nothing to do."))
        return
    started = time.monotonic()
    if scale == PROVINCE and connection.vendor == "postgresql":
        created = seed_filings_postgres(log=log)
    else:
        created = seed_filings()
    log(
        _(
            "Created %(n)s expected submissions of history (daily reports, risk points) "
            "in %(seconds).1f s."
        )
        % {"n": f"{created:,}", "seconds": time.monotonic() - started}
    )


def seed_demo(*, scale: str, log=print) -> None:
    """``seed_demo`` hook of duty (after the grid and reports): its parts one after the other."""
    seed_filings_demo(scale=scale, log=log)
    # The history's misses and late filings are scored as the sweep would have scored them.
    for kind in (DAILY_REPORT, RISK_POINTS):
        expected_tell_history(kind=kind)
    from duty import demo_rosters

    demo_rosters.seed_demo(scale=scale, log=log)
    seed_deductions_demo(scale=scale, log=log)
