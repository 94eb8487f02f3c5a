"""Demo and benchmark history: 60 days of reports across every state, consistent by construction.

Each generated case carries exactly the events its workflow would have produced (submit, then
accept_local/escalate/route/close/…), with actors allowed to take those steps, timestamps in
order, case numbers per day, and the day counters advanced so live intake continues the
numbering. Two writers share the plan: a Python one (any database; the demo city) and a SQL one
(PostgreSQL; millions of rows for the province benchmark, generated inside the server).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.demo.plan import PROVINCE
from grid.models import GRID_POINT_ROLES, Level, Region, Role, Unit, UnitKind, User
from reports.models import (
    CaseCounter,
    Category,
    Grade,
    RejectKind,
    Report,
    ReportEvent,
    ReportSource,
    SourcePlatform,
    Status,
)
from reports.normalize import normalize_url, url_hash

DAYS = 60

TITLES = {
    Category.NEGATIVE: [
        "网传{place}道路塌陷多日无人处理",
        "{place}居民反映小区电梯频繁故障引发不满",
        "短视频称{place}菜市场占道经营影响通行",
        "{place}学校周边交通拥堵家长集中吐槽",
    ],
    Category.RUMOUR: [
        "微信群流传“{place}自来水被污染”不实消息",
        "网传{place}将整体拆迁，经核实无此计划",
        "朋友圈称{place}发生重大疫情，系谣言",
    ],
    Category.HARMFUL: [
        "QQ群内传播{place}相关低俗视频",
        "论坛帖子恶意攻击{place}干部，含侮辱性言论",
    ],
    Category.SECURITY: [
        "疑似仿冒{place}政府公众号发布虚假通知",
        "{place}某单位网站疑遭篡改",
    ],
    Category.APPEAL: [
        "{place}村民反映农民工工资拖欠问题",
        "{place}居民反映供暖不足，诉求集中",
        "{place}群众反映养老保险办理不便",
    ],
    Category.OTHER: ["{place}网民关注的其他事项"],
}
BODY = (
    "{platform}上出现相关内容，截至发现时已有较多转发和评论，部分网民情绪激动。"
    "信息员已截图留存，请核实情况并及时处置回应。"
)
CATEGORY_WEIGHTS = [
    (Category.NEGATIVE, 35),
    (Category.APPEAL, 30),
    (Category.RUMOUR, 15),
    (Category.HARMFUL, 7),
    (Category.SECURITY, 5),
    (Category.OTHER, 8),
]
PLATFORM_HOSTS = {
    SourcePlatform.WEIBO: "https://weibo.com/{n}/status",
    SourcePlatform.SHORT_VIDEO: "https://www.douyin.com/video/{n}",
    SourcePlatform.NEWS: "https://news.example.cn/article/{n}",
    SourcePlatform.FORUM: "https://bbs.example.cn/thread-{n}-1-1.html",
    SourcePlatform.GOV_BOARD: "https://liuyan.example.gov.cn/detail/{n}",
}


@dataclass(frozen=True)
class Reporter:
    user_id: int
    region_id: int
    region_path: str
    county_id: int
    township_code: str
    place: str


@dataclass
class Cast:
    """Who may act on the generated cases."""

    reporters: list[Reporter]
    county_admin: dict[int, int]  # county id → user id
    duty_officer: dict[str, int]  # city code → user id
    township_unit: dict[str, int]  # township code → unit id
    city_units: dict[str, list[int]]  # city code → department unit ids
    liaison: dict[int, int]  # unit id → user id

    @classmethod
    def load(cls) -> Cast:
        regions = {r.code: r for r in Region.objects.filter(level=Level.COUNTY).only("pk", "code")}
        reporters = []
        people = User.objects.filter(
            role__in=sorted(GRID_POINT_ROLES), is_active=True, region__isnull=False
        ).select_related("region")
        for user in people.order_by("pk"):
            codes = user.region.path.rstrip("/").split("/")
            if len(codes) < 3 or codes[1] not in regions:
                continue
            reporters.append(
                Reporter(
                    user.pk,
                    user.region_id,
                    user.region.path,
                    regions[codes[1]].pk,
                    codes[2],
                    user.region.name,
                )
            )
        county_admin = dict(
            User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True)
            .order_by("region_id", "pk")
            .values_list("region_id", "pk")
        )
        duty_officer = dict(
            User.objects.filter(role=Role.DUTY_OFFICER, is_active=True)
            .order_by("pk")
            .values_list("region__code", "pk")
        )
        township_unit = dict(
            Unit.objects.filter(kind=UnitKind.TOWNSHIP, is_active=True).values_list(
                "region__code", "pk"
            )
        )
        city_units: dict[str, list[int]] = {}
        for code, pk in Unit.objects.filter(
            kind=UnitKind.DEPARTMENT, region__level=Level.CITY, is_active=True
        ).values_list("region__code", "pk"):
            city_units.setdefault(code, []).append(pk)
        liaison = dict(
            User.objects.filter(role=Role.UNIT_LIAISON, is_active=True, unit__isnull=False)
            .order_by("unit_id", "pk")
            .values_list("unit_id", "pk")
        )
        return cls(reporters, county_admin, duty_officer, township_unit, city_units, liaison)


def _final_status(age_days: float, rng: random.Random) -> str:
    """Old cases are mostly settled; recent ones are still moving."""
    x = rng.random()
    if age_days > 7:
        table = [
            (0.62, "closed_local"),
            (0.84, "closed_routed"),
            (0.93, Status.REJECTED),
            (0.96, Status.ROUTED),
            (0.98, Status.LOCAL_HANDLING),
            (1.0, Status.ESCALATED),
        ]
    elif age_days > 1:
        table = [
            (0.25, "closed_local"),
            (0.35, "closed_routed"),
            (0.42, Status.REJECTED),
            (0.62, Status.LOCAL_HANDLING),
            (0.74, Status.ESCALATED),
            (0.88, Status.ROUTED),
            (0.92, Status.RETURNED),
            (1.0, Status.SUBMITTED),
        ]
    else:
        table = [
            (0.55, Status.SUBMITTED),
            (0.7, Status.LOCAL_HANDLING),
            (0.8, Status.ESCALATED),
            (0.88, Status.ROUTED),
            (0.93, Status.RETURNED),
            (1.0, Status.REJECTED),
        ]
    return next(status for limit, status in table if x <= limit)


# Event chains per final state: (transition, source, target).
CHAINS = {
    Status.SUBMITTED: [],
    Status.RETURNED: [("return_for_info", Status.SUBMITTED, Status.RETURNED)],
    Status.LOCAL_HANDLING: [("accept_local", Status.SUBMITTED, Status.LOCAL_HANDLING)],
    Status.ESCALATED: [("escalate", Status.SUBMITTED, Status.ESCALATED)],
    Status.ROUTED: [
        ("escalate", Status.SUBMITTED, Status.ESCALATED),
        ("route", Status.ESCALATED, Status.ROUTED),
    ],
    "closed_local": [
        ("accept_local", Status.SUBMITTED, Status.LOCAL_HANDLING),
        ("close", Status.LOCAL_HANDLING, Status.CLOSED),
    ],
    "closed_routed": [
        ("escalate", Status.SUBMITTED, Status.ESCALATED),
        ("route", Status.ESCALATED, Status.ROUTED),
        ("close", Status.ROUTED, Status.CLOSED),
    ],
    Status.REJECTED: [("reject", Status.SUBMITTED, Status.REJECTED)],
}
COMMENTS = {
    "return_for_info": "请补充原帖链接和截图",
    "accept_local": "属地处置",
    "escalate": "涉及跨区域协调，报市平台",
    "route": "请牵头单位核实处置并按时回复",
    "close": "已核实处置，并在原平台回应网民关切",
    "reject": "经核实为无效信息",
}


def seed_report_history(
    *, per_day: int = 25, days: int = DAYS, now: datetime | None = None, seed: int = 20261122
) -> int:
    """Generate ``per_day × days`` reports with their events (Python writer; any database).

    Idempotent: does nothing if any report exists. Returns the number of reports created.
    """
    if Report.objects.exists():
        return 0
    cast = Cast.load()
    if not cast.reporters:
        return 0
    now = now or timezone.now()
    rng = random.Random(seed)
    prefix = settings.GRID_CASE_PREFIX
    day_counts: dict = {}
    reports: list[Report] = []
    plans: list[tuple[Report, list, dict]] = []
    total = per_day * days
    for _i in range(total):
        who = rng.choice(cast.reporters)
        created = now - timedelta(seconds=rng.uniform(0, days * 86400))
        discovered = created - timedelta(minutes=rng.uniform(5, 240))
        day = timezone.localdate(created)
        day_counts[day] = day_counts.get(day, 0) + 1
        category = rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS])[
            0
        ]
        platform = rng.choice(SourcePlatform.values)
        final = _final_status((now - created).total_seconds() / 86400, rng)
        actors = _actors(who, cast, rng)
        # Nobody could have acted (no admin or unit there): the case still waits in the queue.
        chain = CHAINS[final] if actors is not None else []
        t = created
        steps = []
        for name, source, target in chain:
            t = min(t + timedelta(hours=rng.uniform(0.5, 30)), now - timedelta(minutes=1))
            steps.append((name, source, target, _actor_for(name, chain, actors), t))
        report = Report(
            case_number=f"{prefix}-{day:%Y%m%d}-{day_counts[day]:04d}",
            status=steps[-1][2] if steps else Status.SUBMITTED,
            title=rng.choice(TITLES[category]).format(place=who.place),
            body=BODY.format(platform=SourcePlatform(platform).label),
            category=category,
            source_platform=platform,
            discovered_at=discovered,
            suggested_grade=rng.choices(Grade.values, [70, 20, 5, 3, 2])[0],
            region_id=who.region_id,
            region_path=who.region_path,
            county_id=who.county_id,
            reporter_id=who.user_id,
            content_hash=f"demo-{day_counts[day]}-{day:%Y%m%d}",
            created_at=created,
            disposal_due_at=discovered + timedelta(hours=settings.REPORT_DISPOSAL_HOURS),
        )
        _apply_final_fields(report, steps, actors, rng)
        reports.append(report)
        url = None
        if platform in PLATFORM_HOSTS:
            url = PLATFORM_HOSTS[platform].format(n=rng.randint(10**8, 10**9))
        plans.append((report, steps, {"url": url}))
    with transaction.atomic():
        Report.objects.bulk_create(reports, batch_size=1000)
        events, sources = [], []
        for report, steps, extra in plans:
            events.append(
                ReportEvent(
                    report=report,
                    transition="submit",
                    source="",
                    target=Status.SUBMITTED,
                    actor_id=report.reporter_id,
                    at=report.created_at,
                )
            )
            for name, source, target, actor_id, at in steps:
                events.append(
                    ReportEvent(
                        report=report,
                        transition=name,
                        source=source,
                        target=target,
                        actor_id=actor_id,
                        at=at,
                        comment=COMMENTS[name],
                        internal=name == "route",
                    )
                )
            if extra["url"]:
                sources.append(
                    ReportSource(
                        report=report,
                        url=extra["url"],
                        normalized_url=normalize_url(extra["url"]),
                        url_hash=url_hash(extra["url"]),
                    )
                )
        ReportEvent.objects.bulk_create(events, batch_size=2000)
        ReportSource.objects.bulk_create(sources, batch_size=2000)
        _advance_counters(day_counts)
    return len(reports)


def _actors(who: Reporter, cast: Cast, rng: random.Random) -> dict | None:
    """People and units who may have acted on a case filed by ``who``."""
    admin = cast.county_admin.get(who.county_id)
    city_code = who.region_path.split("/", 1)[0]
    duty = cast.duty_officer.get(city_code)
    township_unit = cast.township_unit.get(who.township_code)
    departments = cast.city_units.get(city_code) or []
    if admin is None or duty is None or township_unit is None or not departments:
        return None
    lead = rng.choice(departments)
    return {
        "admin": admin,
        "duty": duty,
        "township_unit": township_unit,
        "lead_unit": lead,
        "township_liaison": cast.liaison.get(township_unit, admin),
        "lead_liaison": cast.liaison.get(lead, duty),
    }


def _actor_for(name: str, chain: list, actors: dict) -> int:
    if name == "route":
        return actors["duty"]
    if name == "close":
        routed = any(step[0] == "route" for step in chain)
        return actors["lead_liaison"] if routed else actors["township_liaison"]
    return actors["admin"]


def _apply_final_fields(
    report: Report, steps: list, actors: dict | None, rng: random.Random
) -> None:
    names = [s[0] for s in steps]
    if steps:
        report.disposal_reported_at = steps[0][4]
    if "accept_local" in names:
        report.assigned_unit_id = actors["township_unit"]
    if "route" in names:
        report.lead_unit_id = actors["lead_unit"]
        report.grade = rng.choices(Grade.values, [60, 25, 8, 5, 2])[0]
    if "close" in names:
        report.closed_at = steps[-1][4]
        report.resolution = COMMENTS["close"]
    if "reject" in names:
        report.reject_kind = rng.choice([RejectKind.INVALID, RejectKind.NOT_ACCEPTED])


def _advance_counters(day_counts: dict) -> None:
    """Make live intake continue after the generated numbers of each day."""
    existing = dict(
        CaseCounter.objects.filter(day__in=list(day_counts)).values_list("day", "value")
    )
    for day, count in day_counts.items():
        value = max(existing.get(day, 0), count)
        CaseCounter.objects.update_or_create(day=day, defaults={"value": value})


def history_summary() -> dict:
    """Counts per status, for the seed command's output."""
    from django.db.models import Count

    rows = Report.objects.values("status").annotate(n=Count("id")).order_by("status")
    return {r["status"]: r["n"] for r in rows} | {
        "latest": Report.objects.aggregate(m=Max("created_at"))["m"],
        "vendor": connection.vendor,
    }


# --- PostgreSQL writer: millions of rows generated inside the server ------------------------

_SQL_GENERATE = """
CREATE TEMP TABLE _gen ON COMMIT DROP AS
SELECT g.n,
       %(base)s + g.n AS rid,
       c.*,
       ts.created_at,
       ts.created_at - make_interval(mins => (5 + random() * 235)::int) AS discovered_at,
       EXTRACT(EPOCH FROM (%(now)s::timestamptz - ts.created_at)) / 86400.0 AS age,
       random() AS x,
       (1 + floor(random() * 6))::int AS cat,
       (1 + floor(random() * 10))::int AS plat,
       random() AS gx,
       make_interval(mins => (30 + random() * 1170)::int) AS d1,
       make_interval(mins => (30 + random() * 1170)::int) AS d2,
       make_interval(mins => (30 + random() * 1770)::int) AS d3
FROM generate_series(1, %(total)s) AS g(n)
JOIN _cast c ON c.i = 1 + (g.n %% %(ncast)s)
CROSS JOIN LATERAL (
    SELECT %(now)s::timestamptz - make_interval(secs => random() * %(span)s + g.n * 0) AS created_at
) ts;

ALTER TABLE _gen ADD COLUMN final text;
UPDATE _gen SET final = CASE
    WHEN admin_id IS NULL THEN 'submitted'
    WHEN age > 7 THEN CASE WHEN x < .62 THEN 'closed_local' WHEN x < .84 THEN 'closed_routed'
        WHEN x < .93 THEN 'rejected' WHEN x < .96 THEN 'routed' WHEN x < .98 THEN 'local_handling'
        ELSE 'escalated' END
    WHEN age > 1 THEN CASE WHEN x < .25 THEN 'closed_local' WHEN x < .35 THEN 'closed_routed'
        WHEN x < .42 THEN 'rejected' WHEN x < .62 THEN 'local_handling'
        WHEN x < .74 THEN 'escalated'
        WHEN x < .88 THEN 'routed' WHEN x < .92 THEN 'returned' ELSE 'submitted' END
    ELSE CASE WHEN x < .55 THEN 'submitted' WHEN x < .70 THEN 'local_handling'
        WHEN x < .80 THEN 'escalated' WHEN x < .88 THEN 'routed' WHEN x < .93 THEN 'returned'
        ELSE 'rejected' END
END;
UPDATE _gen SET final = 'submitted'
 WHERE final IN ('routed', 'closed_routed') AND (duty_id IS NULL OR lead_unit IS NULL);
ALTER TABLE _gen ADD COLUMN t1 timestamptz, ADD COLUMN t2 timestamptz, ADD COLUMN t3 timestamptz;
UPDATE _gen SET t1 = LEAST(created_at + d1, %(now)s::timestamptz - interval '1 minute'),
                t2 = LEAST(created_at + d1 + d2, %(now)s::timestamptz - interval '1 minute'),
                t3 = LEAST(created_at + d1 + d2 + d3, %(now)s::timestamptz - interval '1 minute');
"""

_SQL_REPORTS = """
INSERT INTO reports_report (
    id, case_number, title, body, category, source_platform, discovered_at, suggested_grade,
    grade, region_id, region_path, county_id, reporter_id, status, assigned_unit_id,
    lead_unit_id, reject_kind, duplicate_of_id, likely_duplicate_of_id, resolution,
    idempotency_key, content_hash, created_at, updated_at, disposal_due_at,
    disposal_reported_at, closed_at)
SELECT rid,
       %(prefix)s || '-' || to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' ||
           -- like Python's :04d: padded to four digits, never cut (lpad would cut)
           CASE WHEN row_number() OVER day_order + COALESCE(cc.value, 0) < 10000
                THEN lpad((row_number() OVER day_order + COALESCE(cc.value, 0))::text, 4, '0')
                ELSE (row_number() OVER day_order + COALESCE(cc.value, 0))::text END,
       replace((%(titles)s::text[])[cat], '{place}', place),
       %(body)s,
       (%(categories)s::text[])[cat],
       (%(platforms)s::text[])[plat],
       discovered_at,
       CASE WHEN gx < .7 THEN 'general' WHEN gx < .9 THEN 'important' WHEN gx < .95 THEN 'difficult'
            WHEN gx < .98 THEN 'sudden' ELSE 'major' END,
       CASE WHEN final IN ('routed', 'closed_routed') THEN
            CASE WHEN gx < .6 THEN 'general' WHEN gx < .85 THEN 'important' ELSE 'difficult' END
            ELSE '' END,
       region_id, region_path, county_id, user_id,
       CASE WHEN final LIKE 'closed%%' THEN 'closed' ELSE final END,
       CASE WHEN final IN ('local_handling', 'closed_local') THEN township_unit END,
       CASE WHEN final IN ('routed', 'closed_routed') THEN lead_unit END,
       CASE WHEN final = 'rejected' THEN CASE WHEN x > .995 THEN 'not_accepted' ELSE 'invalid' END
            ELSE '' END,
       NULL, NULL,
       CASE WHEN final LIKE 'closed%%' THEN %(resolution)s ELSE '' END,
       '', 'demo-' || rid, created_at,
       COALESCE(CASE final WHEN 'closed_local' THEN t2 WHEN 'closed_routed' THEN t3 END,
                created_at),
       discovered_at + make_interval(hours => %(hours)s),
       CASE WHEN final <> 'submitted' THEN t1 END,
       CASE final WHEN 'closed_local' THEN t2 WHEN 'closed_routed' THEN t3 END
FROM _gen
LEFT JOIN reports_casecounter cc ON cc.day = (created_at AT TIME ZONE 'Asia/Shanghai')::date
WINDOW day_order AS (PARTITION BY (created_at AT TIME ZONE 'Asia/Shanghai')::date
                     ORDER BY created_at, n);
"""

_SQL_EVENTS = """
INSERT INTO reports_reportevent (report_id, transition, source, target, actor_id, at, comment,
                                 data, internal)
SELECT rid, 'submit', '', 'submitted', user_id, created_at, '', '{}'::jsonb, false FROM _gen
UNION ALL
SELECT rid, s.transition, s.source, s.target, s.actor, s.at, s.comment, '{}'::jsonb,
       s.transition = 'route'
FROM _gen
CROSS JOIN LATERAL (VALUES
    (1, 'return_for_info', 'submitted', 'returned', admin_id, t1, %(c_return)s),
    (1, 'accept_local', 'submitted', 'local_handling', admin_id, t1, %(c_accept)s),
    (1, 'escalate', 'submitted', 'escalated', admin_id, t1, %(c_escalate)s),
    (1, 'reject', 'submitted', 'rejected', admin_id, t1, %(c_reject)s),
    (2, 'close', 'local_handling', 'closed', COALESCE(township_liaison, admin_id), t2, %(c_close)s),
    (2, 'route', 'escalated', 'routed', duty_id, t2, %(c_route)s),
    (3, 'close', 'routed', 'closed', COALESCE(lead_liaison, duty_id), t3, %(c_close)s)
) AS s(step, transition, source, target, actor, at, comment)
WHERE (final = 'returned' AND s.transition = 'return_for_info')
   OR (final IN ('local_handling', 'closed_local') AND s.transition = 'accept_local')
   OR (final = 'closed_local' AND s.transition = 'close' AND s.source = 'local_handling')
   OR (final IN ('escalated', 'routed', 'closed_routed') AND s.transition = 'escalate')
   OR (final IN ('routed', 'closed_routed') AND s.transition = 'route')
   OR (final = 'closed_routed' AND s.transition = 'close' AND s.source = 'routed')
   OR (final = 'rejected' AND s.transition = 'reject');
"""

_SQL_SOURCES = """
INSERT INTO reports_reportsource (report_id, url, normalized_url, url_hash, created_at)
SELECT rid, 'https://' || u, u, encode(sha256(convert_to(u, 'UTF8')), 'hex'), created_at
FROM (SELECT rid, created_at, 'news.example.cn/article/' || rid AS u FROM _gen WHERE plat <= 5) s;
"""

_SQL_FINISH = """
INSERT INTO reports_casecounter (day, value)
SELECT (created_at AT TIME ZONE 'Asia/Shanghai')::date, count(*) FROM _gen GROUP BY 1
ON CONFLICT (day) DO UPDATE SET value = reports_casecounter.value + EXCLUDED.value;
SELECT setval(pg_get_serial_sequence('reports_report', 'id'),
              (SELECT max(id) FROM reports_report));
"""


def seed_report_history_postgres(
    *, total: int, days: int = DAYS, now: datetime | None = None, log=print
) -> int:
    """Generate ``total`` reports with their events inside PostgreSQL (the benchmark history).

    Adds to what is there (run it on a fresh province); case numbers continue each day's counter.
    """
    if connection.vendor != "postgresql":
        raise RuntimeError("The SQL history writer needs PostgreSQL.")
    cast = Cast.load()
    if not cast.reporters:
        return 0
    now = now or timezone.now()
    rng = random.Random(7)
    rows = []
    for i, who in enumerate(cast.reporters, start=1):
        city_code = who.region_path.split("/", 1)[0]
        departments = cast.city_units.get(city_code) or []
        lead = departments[i % len(departments)] if departments else None
        township_unit = cast.township_unit.get(who.township_code)
        rows.append(
            (
                i,
                who.user_id,
                who.region_id,
                who.region_path,
                who.county_id,
                who.place,
                cast.county_admin.get(who.county_id),
                cast.duty_officer.get(city_code),
                township_unit,
                cast.liaison.get(township_unit),
                lead,
                cast.liaison.get(lead),
            )
        )
    rng.shuffle(rows)
    rows = [(i, *row[1:]) for i, row in enumerate(rows, start=1)]
    categories = [c for c, _ in CATEGORY_WEIGHTS]
    params = {
        "now": now,
        "total": total,
        "ncast": len(rows),
        "span": days * 86400,
        "prefix": settings.GRID_CASE_PREFIX,
        "titles": [TITLES[c][0] for c in categories],
        "categories": [str(c) for c in categories],
        "platforms": list(SourcePlatform.values),
        "body": BODY.format(platform="网络平台"),
        "resolution": COMMENTS["close"],
        "hours": settings.REPORT_DISPOSAL_HOURS,
        "c_return": COMMENTS["return_for_info"],
        "c_accept": COMMENTS["accept_local"],
        "c_escalate": COMMENTS["escalate"],
        "c_reject": COMMENTS["reject"],
        "c_close": COMMENTS["close"],
        "c_route": COMMENTS["route"],
    }
    from psycopg2.extras import execute_values

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(max(id), 0) FROM reports_report")
        params["base"] = cursor.fetchone()[0]
        cursor.execute(
            "CREATE TEMP TABLE _cast (i int PRIMARY KEY, user_id bigint, region_id bigint, "
            "region_path text, county_id bigint, place text, admin_id bigint, duty_id bigint, "
            "township_unit bigint, township_liaison bigint, lead_unit bigint, lead_liaison bigint) "
            "ON COMMIT DROP"
        )
        execute_values(cursor.cursor, "INSERT INTO _cast VALUES %s", rows, page_size=5000)
        # Into empty tables, load first and index after: building an index once is several
        # times faster than maintaining it row by row, and deferred foreign-key checks would
        # queue one event per row and key. Everything is one transaction: all or nothing.
        rebuild = _drop_secondary_structures(cursor, HISTORY_TABLES) if params["base"] == 0 else []
        for label, sql in (
            ("generate", _SQL_GENERATE),
            ("reports", _SQL_REPORTS),
            ("events", _SQL_EVENTS),
            ("sources", _SQL_SOURCES),
            ("counters", _SQL_FINISH),
        ):
            started = time.monotonic()
            cursor.execute(sql, params)
            log(f"  {label}: {time.monotonic() - started:.1f} s")
        if rebuild:
            started = time.monotonic()
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in rebuild:
                cursor.execute(statement)
            log(f"  indexes and foreign keys: {time.monotonic() - started:.1f} s")
    return total


HISTORY_TABLES = ["reports_report", "reports_reportevent", "reports_reportsource"]


def _drop_secondary_structures(cursor, tables: list[str]) -> list[str]:
    """Drop the foreign keys and non-constraint indexes of ``tables``; return how to rebuild.

    Primary keys and unique constraints stay, so the load is still checked for duplicates.
    """
    cursor.execute(
        """
        SELECT format('ALTER TABLE %%I ADD CONSTRAINT %%I %%s', c.relname, k.conname,
                      pg_get_constraintdef(k.oid)),
               format('ALTER TABLE %%I DROP CONSTRAINT %%I', c.relname, k.conname)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE c.relname = ANY(%s) AND k.contype = 'f'
        """,
        [tables],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(
        """
        SELECT pg_get_indexdef(i.indexrelid), format('DROP INDEX %%s', i.indexrelid::regclass)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE c.relname = ANY(%s) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    # Checks still pending in this transaction would forbid altering the tables they concern.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys: initially deferred
    for _create, drop in foreign_keys + indexes:
        cursor.execute(drop)
    return [create for create, _drop in indexes + foreign_keys]


PROVINCE_REPORTS = 5_000_000


def seed_demo(*, scale: str, log=print) -> None:
    """``seed_demo`` hook: 60 days of report history (idempotent: skipped if reports exist).

    The city gets about 1,500 cases written through the ORM; ``--scale province`` on PostgreSQL
    gets five million generated inside the server (elsewhere it falls back to the city's size).
    """
    if Report.objects.exists():
        log(_("The report history is already there: nothing to do."))
        return
    started = time.monotonic()
    if scale == PROVINCE and connection.vendor == "postgresql":
        created = seed_report_history_postgres(total=PROVINCE_REPORTS, log=log)
    else:
        created = seed_report_history()
    log(
        _("Created %(n)s reports of history in %(seconds).1f s.")
        % {"n": f"{created:,}", "seconds": time.monotonic() - started}
    )
