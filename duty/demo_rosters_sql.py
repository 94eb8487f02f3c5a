"""The province's duty history written inside PostgreSQL: 60 days of rosters for every grid
point with members (clock-ins, duty logs, 09:00 handovers and their expected submissions), as
:func:`duty.demo_rosters.seed_rosters` writes them for the demo city, in a handful of
``INSERT … SELECT`` statements whatever the number of grid points. The rolls that make a
clock-in late or a handover missed come from a hash of the desk and the day, so a run is
repeatable. The platforms' desks (ten) are written by the Python writer."""

from __future__ import annotations

import time
from datetime import date, datetime

from django.conf import settings
from django.db import connection

from grid.models import GRID_POINT_ROLES

# Each desk: its members in rotation order (by username) and the shift that puts a demo login
# on duty today (as demo_rosters._first does).
_DESKS_SQL = """
CREATE TEMP TABLE duty_demo_desks ON COMMIT DROP AS
SELECT gp.id AS gp, gp.region_id AS region, gp.head_id AS leader, r.path AS path, c.id AS county,
       m.people, m.demo
FROM grid_gridpoint gp
JOIN grid_region r ON r.id = gp.region_id
LEFT JOIN grid_region c
    ON c.path = split_part(r.path, '/', 1) || '/' || split_part(r.path, '/', 2) || '/'
JOIN LATERAL (
    SELECT array_agg(u.id ORDER BY u.username) AS people,
           array_position(array_agg(u.username LIKE 'demo-%%' ORDER BY u.username), true) AS demo
    FROM grid_user u
    WHERE u.grid_point_id = gp.id AND u.is_active AND u.role = ANY(%(roles)s)
) m ON m.people IS NOT NULL
WHERE gp.is_active
"""
_PLAN_SQL = """
CREATE TEMP TABLE duty_demo_plan ON COMMIT DROP AS
SELECT d.gp, d.region, d.leader, d.path, d.county, %(first)s::date + i AS day,
       d.people[1 + ((i + COALESCE(d.demo - 1 - %(today_index)s, 0)) %% cardinality(d.people)
                     + cardinality(d.people)) %% cardinality(d.people)] AS person,
       ((%(first)s::date + i) + %(start)s::time) AT TIME ZONE %(zone)s AS starts_at,
       ((%(first)s::date + i + 1) + %(start)s::time) AT TIME ZONE %(zone)s AS ends_at,
       abs(hashtext(d.gp::text || ':duty:' || i::text)) %% 1000 AS roll
FROM duty_demo_desks d CROSS JOIN generate_series(0, %(days)s - 1) i
"""
_DAYS_SQL = """
INSERT INTO duty_dutyday
    (grid_point_id, unit_id, region_id, date, starts_at, ends_at, leader_id, updated_by_id,
     updated_at, handover_missed_told_at)
SELECT gp, NULL, region, day, starts_at, ends_at, leader, %(system)s, %(updated)s, NULL
FROM duty_demo_plan
"""
_PLAN_IDS_SQL = """
ALTER TABLE duty_demo_plan ADD COLUMN day_id bigint;
UPDATE duty_demo_plan p SET day_id = d.id
FROM duty_dutyday d WHERE d.grid_point_id = p.gp AND d.date = p.day;
CREATE INDEX ON duty_demo_plan (gp, day);
ANALYZE duty_demo_plan
"""
# Clock-ins of the duties begun: 6 %% missing, 12 %% late (1–40 minutes), else on time.
_SHIFTS_SQL = """
INSERT INTO duty_dutyshift (day_id, date, person_id, clocked_in_at, swap_id)
SELECT day_id, day, person,
       CASE WHEN starts_at > %(now)s OR roll < 60 THEN NULL
            WHEN roll < 180 THEN starts_at + (1 + roll %% 40) * interval '1 minute'
            ELSE starts_at - (roll %% 46) * interval '1 minute' - (roll %% 60) * interval '1 second'
       END,
       NULL
FROM duty_demo_plan
"""
# One to three entries in each duty begun, none in the future.
_LOGS_SQL = """
INSERT INTO duty_logentry (day_id, author_id, kind, occurred_at, recorded_at, text, corrects_id)
SELECT p.day_id, p.person, (%(log_kinds)s::text[])[1 + (p.roll + k) %% %(n_logs)s], e.at,
       e.at + k * interval '1 minute', (%(log_texts)s::text[])[1 + (p.roll + k) %% %(n_logs)s],
       NULL
FROM duty_demo_plan p
CROSS JOIN LATERAL generate_series(1, 1 + p.roll %% 3) k
CROSS JOIN LATERAL (
    SELECT p.starts_at + (1 + (p.roll + 7 * k) %% 20) * interval '1 hour'
           + ((p.roll * k) %% 60) * interval '1 minute' AS at
) e
WHERE p.starts_at <= %(now)s AND e.at <= %(now)s
"""
# The handover of each duty begun to the next, due at the handover time of the next day: 5 %%
# never handed over; handed over 20–50 minutes before it is due, once it is open; acknowledged
# once due, 8 %% of them late. On time only when acknowledged before it was due.
_HANDOVER_PLAN_SQL = """
CREATE TEMP TABLE duty_demo_handovers ON COMMIT DROP AS
SELECT o.gp, o.path, o.county, o.day_id AS outgoing, o.person AS outgoing_person,
       n.day_id AS incoming, n.person AS incoming_person, n.day AS period, h.due,
       abs(hashtext(o.gp::text || ':handover:' || o.day::text)) %% 1000 AS roll
FROM duty_demo_plan o
JOIN duty_demo_plan n ON n.gp = o.gp AND n.day = o.day + 1
CROSS JOIN LATERAL (
    SELECT (n.day + %(handover)s::time) AT TIME ZONE %(zone)s AS due
) h
WHERE o.starts_at <= %(now)s AND h.due <= %(now)s + interval '6 hours'
"""
_HANDOVERS_SQL = """
INSERT INTO duty_handover
    (outgoing_id, incoming_id, due_at, submitted_by_id, submitted_at, log_summary, unfinished,
     points_to_watch, open_cases_total, acknowledged_by_id, acknowledged_at,
     acknowledgement_note)
SELECT outgoing, incoming, due, outgoing_person,
       due - (20 + roll %% 31) * interval '1 minute',
       (%(summaries)s::text[])[1 + roll %% %(n_summaries)s],
       CASE WHEN roll %% 10 < 6 THEN '' ELSE '一条线索待属地反馈' END,
       (%(watch)s::text[])[1 + roll %% %(n_watch)s], 0,
       CASE WHEN due <= %(now)s THEN incoming_person END,
       CASE WHEN due > %(now)s THEN NULL
            WHEN roll %% 100 < 8 THEN due + (1 + roll %% 30) * interval '1 minute'
            ELSE due - (1 + roll %% 15) * interval '1 minute' END,
       CASE WHEN due <= %(now)s THEN '已接班' ELSE '' END
FROM duty_demo_handovers
WHERE roll >= 50 AND due - interval '1 hour' <= %(now)s
"""
_EXPECTED_SQL = """
INSERT INTO duty_expectedsubmission
    (kind, period, owner_key, grid_point_id, unit_id, subject_id, region_path, county_id,
     status, due_at, settled_at, filing_id, created_at)
SELECT %(kind)s, p.period, 'g' || p.gp || 's' || p.incoming, p.gp, NULL, p.incoming, p.path,
       p.county,
       CASE WHEN p.due > %(now)s THEN 'pending'
            WHEN h.acknowledged_at < p.due THEN 'on_time' ELSE 'missed' END,
       p.due,
       CASE WHEN p.due > %(now)s THEN NULL
            WHEN h.acknowledged_at < p.due THEN h.acknowledged_at ELSE p.due END,
       NULL, %(now)s
FROM duty_demo_handovers p
LEFT JOIN duty_handover h ON h.incoming_id = p.incoming
ON CONFLICT DO NOTHING
"""
_ANALYZE_SQL = """
ANALYZE duty_dutyday; ANALYZE duty_dutyshift; ANALYZE duty_logentry; ANALYZE duty_handover;
ANALYZE duty_expectedsubmission
"""


def seed_points_postgres(
    *,
    first: date,
    days: int,
    today_index: int,
    now: datetime,
    system_id: int,
    updated: datetime,
    logs: list[tuple[str, str]],
    summaries: list[str],
    watch: list[str],
    kind: str,
    log=print,
) -> dict:
    """Write the grid points' part of the duty history (see the module) in the caller's
    transaction; the rows written per table."""
    params = {
        "roles": sorted(GRID_POINT_ROLES),
        "first": first,
        "days": days,
        "today_index": today_index,
        "start": settings.DUTY_START_TIME,
        "handover": settings.DUTY_HANDOVER_TIME,
        "zone": settings.TIME_ZONE,
        "now": now,
        "system": system_id,
        "updated": updated,
        "log_kinds": [k for k, _t in logs],
        "log_texts": [t for _k, t in logs],
        "n_logs": len(logs),
        "summaries": summaries,
        "n_summaries": len(summaries),
        "watch": watch,
        "n_watch": len(watch),
        "kind": kind,
    }
    counts = {}
    with connection.cursor() as cursor:
        for name, sql in (
            ("desks", _DESKS_SQL),
            ("plan", _PLAN_SQL),
            ("days", _DAYS_SQL),
            ("plan ids", _PLAN_IDS_SQL),
            ("shifts", _SHIFTS_SQL),
            ("log", _LOGS_SQL),
            ("handover plan", _HANDOVER_PLAN_SQL),
            ("handovers", _HANDOVERS_SQL),
            ("expected", _EXPECTED_SQL),
            ("analyze", _ANALYZE_SQL),
        ):
            started = time.monotonic()
            cursor.execute(sql, params)
            counts[name] = max(cursor.rowcount, 0)
            log(f"  {name}: {counts[name]:,} rows, {time.monotonic() - started:.1f} s")
    return counts
