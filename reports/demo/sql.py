"""The PostgreSQL writer of the report history: millions of rows generated inside the server."""

from __future__ import annotations

import random
import time
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from grid.models import TimeUnit
from reports.demo.plan import BODY, CATEGORY_WEIGHTS, COMMENTS, DAYS, TITLES, Cast, disposal_rules
from reports.models import SourcePlatform

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
       discovered_at + make_interval(hours => CASE WHEN gx < .7 THEN %(h_general)s
           WHEN gx < .9 THEN %(h_important)s WHEN gx < .95 THEN %(h_difficult)s
           WHEN gx < .98 THEN %(h_sudden)s ELSE %(h_major)s END),
       CASE WHEN final <> 'submitted' THEN t1 END,
       CASE final WHEN 'closed_local' THEN t2 WHEN 'closed_routed' THEN t3 END
FROM _gen
LEFT JOIN reports_casecounter cc ON cc.day = (created_at AT TIME ZONE 'Asia/Shanghai')::date
WINDOW day_order AS (PARTITION BY (created_at AT TIME ZONE 'Asia/Shanghai')::date
                     ORDER BY created_at, n);
"""

_SQL_EVENTS = """
INSERT INTO reports_reportevent (report_id, transition, source, target, actor_id, at, comment,
                                 data, unit_id, internal)
SELECT rid, 'submit', '', 'submitted', user_id, created_at, '', '{}'::jsonb, NULL, false FROM _gen
UNION ALL
SELECT rid, s.transition, s.source, s.target, s.actor, s.at, s.comment, '{}'::jsonb, s.unit,
       s.transition = 'route'
FROM _gen
CROSS JOIN LATERAL (VALUES
    (1, 'return_for_info', 'submitted', 'returned', admin_id, t1, %(c_return)s, NULL::bigint),
    (1, 'accept_local', 'submitted', 'local_handling', admin_id, t1, %(c_accept)s, township_unit),
    (1, 'escalate', 'submitted', 'escalated', admin_id, t1, %(c_escalate)s, NULL),
    (1, 'reject', 'submitted', 'rejected', admin_id, t1, %(c_reject)s, NULL),
    (2, 'close', 'local_handling', 'closed', COALESCE(township_liaison, admin_id), t2, %(c_close)s,
        township_unit),
    (2, 'route', 'escalated', 'routed', duty_id, t2, %(c_route)s, lead_unit),
    (3, 'close', 'routed', 'closed', COALESCE(lead_liaison, duty_id), t3, %(c_close)s, lead_unit)
) AS s(step, transition, source, target, actor, at, comment, unit)
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


def _disposal_hours() -> dict[str, int]:
    """The disposal clock's hours per grade (``h_general`` …), as intake counts them; the
    writer counts in SQL, so it takes rules in hours only."""
    hours = {}
    for grade, rule in disposal_rules().items():
        if rule.unit != TimeUnit.HOURS:
            raise RuntimeError(
                f"The SQL history writer counts the disposal clock in hours; its rule for "
                f"{grade} is in {rule.unit}: set it in hours for the province's history."
            )
        hours[f"h_{grade}"] = rule.limit
    return hours


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
        **_disposal_hours(),
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
        # Fresh statistics, so the next writers' joins over these tables (the dispatch and
        # duty histories) are planned for millions of rows, not for the empty tables
        # autovacuum last saw: without them the dispatch history's first query ran for
        # over 20 minutes instead of seconds.
        started = time.monotonic()
        cursor.execute(f"ANALYZE {', '.join(HISTORY_TABLES)}")
        log(f"  statistics: {time.monotonic() - started:.1f} s")
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
