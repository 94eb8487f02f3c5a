"""The PostgreSQL writer of the dispatch history: the province's routings generated inside the
server, set-based, as :mod:`dispatch.demo.plan` tells (the Python writer's stories, the same
fractions and scenarios).

The deadlines come from a small table computed in Python by the rules and the working
calendar — one row per routing day and grade — since a rule counted in days gives the same
deadline to every routing of one day. Rules counted in hours are refused (as the report
history's writer refuses them for the disposal clock).
"""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time

from django.db import connection, transaction

from dispatch.deadlines import end_of_day, extended_reply, rule_for
from dispatch.demo import plan
from dispatch.models import ClockKind
from grid.models import Role, TimeUnit
from grid.workdays import SHANGHAI
from reports.models import Grade

# Each routed or closed-after-routing case without a routing, with what its story needs.
_SQL_STORIES = """
CREATE TEMP TABLE _s ON COMMIT DROP AS
WITH base AS (
    SELECT r.id AS rid, r.status, r.grade, r.category, r.county_id,
           split_part(r.region_path, '/', 1) AS city, e.id AS route_event, e.at AS routed_at,
           e.actor_id AS duty, e.unit_id AS lead, c.at AS closed_at, c.actor_id AS closer,
           (r.id * 2654435761) %% 4294967296 AS mixv
    FROM reports_report r
    JOIN reports_reportevent e ON e.report_id = r.id AND e.transition = 'route'
    LEFT JOIN reports_reportevent c ON c.report_id = r.id AND c.transition = 'close'
                                   AND c.source = 'routed'
    WHERE r.status IN ('routed', 'closed')
      AND NOT EXISTS (SELECT 1 FROM dispatch_assignment a WHERE a.report_id = r.id)
)
SELECT b.*, nextval(pg_get_serial_sequence('dispatch_assignment', 'id')) AS aid,
       -- Nobody in the lead unit: whoever closed the case acted for it (as the history has it).
       COALESCE(ll.id, b.closer) AS lead_liaison, co.unit AS co_unit, cl.id AS co_liaison,
       CASE WHEN b.closed_at IS NOT NULL THEN 'closed'
            WHEN ll.id IS NULL THEN 'to_claim'
            ELSE CASE %(scenario_case)s END END AS scenario,
       CASE WHEN b.closed_at IS NOT NULL THEN b.closed_at - b.routed_at
            ELSE LEAST(%(now)s::timestamptz - b.routed_at, %(open_span)s::interval) END AS span,
       d.claim_due, d.claim_assumed, d.claim_sup, d.claim_pct, d.reply_due, d.reply_assumed,
       d.reply_sup, d.reply_pct, d.reply_max, d.max_assumed, d.ext_due, d.ext_assumed,
       d.ext_sup, d.promise_due, d.promise_sup
FROM base b
JOIN _dl d ON d.day = ((b.routed_at AT TIME ZONE 'Asia/Shanghai') - interval '1 microsecond')::date
          AND d.grade = b.grade
LEFT JOIN _liaison ll ON ll.unit_id = b.lead
LEFT JOIN LATERAL (
    SELECT (array_remove(u.units, b.lead))[1 + b.mixv %% greatest(cardinality(u.units) - 1, 1)]
           AS unit
    FROM _city_units u WHERE u.city = b.city AND b.mixv %% 3 = 0 AND cardinality(u.units) > 1
) co ON true
LEFT JOIN _liaison cl ON cl.unit_id = co.unit
WHERE b.status = 'routed' OR b.closed_at >= b.routed_at + %(min_closed_span)s::interval;

ALTER TABLE _s ADD COLUMN t jsonb;
-- Whole seconds, rounded up: never before the routing (whose moment has microseconds).
UPDATE _s SET t = (SELECT jsonb_object_agg(
                       k, date_trunc('second', routed_at + span * v) + interval '1 second')
                   FROM jsonb_each_text(%(shares)s::jsonb) AS x(k, v0),
                        LATERAL (SELECT v0::float8 AS v) y);
ALTER TABLE _s ADD COLUMN sent_back_once boolean, ADD COLUMN approved boolean,
               ADD COLUMN replied boolean, ADD COLUMN claimed boolean;
UPDATE _s SET claimed = scenario <> 'to_claim',
              replied = scenario IN ('pending', 'sent_back', 'approved', 'promised', 'closed'),
              approved = scenario IN ('approved', 'promised', 'closed'),
              sent_back_once = scenario = 'approved' OR (scenario = 'closed' AND mixv %% 4 = 0);
CREATE INDEX ON _s (aid);
ANALYZE _s;
"""


_SQL_ASSIGNMENTS = """
INSERT INTO dispatch_assignment (id, report_id, number, grade, category, county_id, lead_unit_id,
    routed_by_id, routed_at, instruction, route_event_id, state, claim_due_at, claim_due_assumed,
    reply_due_at, reply_due_assumed, reply_proposed_at, reply_max_due_at, reply_max_due_assumed,
    promised_at, promised_assumed, promise_note, reply_state, published_at, bounced_at,
    bounced_by_id, bounce_reason, bounce_event_id, ended_at)
SELECT aid, rid, 1, grade, category, county_id, lead, duty, routed_at, %(instruction)s,
       route_event, CASE WHEN scenario = 'closed' THEN 'closed' ELSE 'active' END,
       claim_due, claim_assumed,
       CASE WHEN scenario = 'extended' THEN ext_due ELSE reply_due END,
       CASE WHEN scenario = 'extended' THEN ext_assumed ELSE reply_assumed END,
       reply_due, reply_max, max_assumed,
       CASE WHEN scenario = 'promised' THEN promise_due END, false,
       CASE WHEN scenario = 'promised' THEN %(promise)s ELSE '' END,
       CASE WHEN approved THEN 'approved' WHEN scenario = 'pending' THEN 'pending'
            WHEN scenario = 'sent_back' THEN 'sent_back' ELSE 'none' END,
       CASE WHEN approved THEN @approve END, NULL, NULL, '', NULL, closed_at
FROM _s;

INSERT INTO dispatch_handler (assignment_id, report_id, unit_id, role, claimed_at, claimed_by_id,
                              contribution, contributed_at, open, visible)
SELECT aid, rid, lead, 'lead', CASE WHEN claimed THEN @claim END,
       CASE WHEN claimed THEN lead_liaison END, '', NULL, scenario <> 'closed', true
FROM _s
UNION ALL
SELECT aid, rid, co_unit, 'co',
       CASE WHEN claimed AND co_liaison IS NOT NULL THEN @co_claim END,
       CASE WHEN claimed THEN co_liaison END,
       CASE WHEN claimed AND co_liaison IS NOT NULL THEN %(contribute)s ELSE '' END,
       CASE WHEN claimed AND co_liaison IS NOT NULL THEN @contribute END,
       scenario <> 'closed', true
FROM _s WHERE co_unit IS NOT NULL;
"""

# Each unit's next deadline (as dispatch.models.handlers_set_due): the claim's until claimed,
# then the reply's; one join (the ORM's correlated subqueries took minutes at this scale).
_SQL_HANDLERS_DUE = """
UPDATE dispatch_handler h
SET due_at = CASE WHEN h.claimed_at IS NULL THEN a.claim_due_at ELSE a.reply_due_at END
FROM dispatch_assignment a
WHERE a.id = h.assignment_id AND h.due_at IS NULL
"""

# Every clock: (assignment, unit, kind, start, due, assumed, remind share, supervise, stopped,
# outcome, paused); the reminder and the next step follow as clock_start computes them.
_SQL_CLOCKS = """
INSERT INTO dispatch_clock (assignment_id, report_id, unit_id, kind, started_at, due_at,
    assumed_weekdays, remind_at, supervise_at, next_step, next_at, stopped_at, outcome)
SELECT aid, rid, unit, kind, start, due, assumed, remind, supervise,
       CASE WHEN stopped IS NOT NULL THEN '' WHEN remind IS NOT NULL THEN 'remind' ELSE 'urge' END,
       CASE WHEN stopped IS NOT NULL OR paused THEN NULL ELSE COALESCE(remind, due) END,
       stopped, COALESCE(outcome, '')
FROM (
    SELECT c.*, CASE WHEN c.due > c.start
                     THEN c.start + (c.due - c.start) * c.pct / 100 END AS remind
    FROM (
        SELECT aid, rid, lead AS unit, 'claim' AS kind, routed_at AS start, claim_due AS due,
               claim_assumed AS assumed, claim_pct AS pct, claim_sup AS supervise,
               CASE WHEN claimed THEN @claim WHEN scenario = 'closed' THEN closed_at END
                   AS stopped,
               CASE WHEN claimed OR scenario = 'closed' THEN 'met' END AS outcome, false AS paused
        FROM _s
        UNION ALL
        SELECT aid, rid, co_unit, 'claim', routed_at, claim_due, claim_assumed, claim_pct,
               claim_sup,
               CASE WHEN claimed AND co_liaison IS NOT NULL THEN @co_claim
                    WHEN scenario = 'closed' THEN closed_at END,
               CASE WHEN (claimed AND co_liaison IS NOT NULL) OR scenario = 'closed' THEN 'met' END,
               false
        FROM _s WHERE co_unit IS NOT NULL
        UNION ALL
        SELECT aid, rid, lead, 'reply', routed_at, reply_due, reply_assumed, reply_pct, reply_sup,
               CASE WHEN scenario = 'extended' THEN @decide_extension
                    WHEN approved THEN @approve
                    WHEN scenario = 'closed' THEN closed_at END,
               CASE WHEN scenario = 'extended' THEN 'moved' WHEN approved THEN 'met' END,
               scenario = 'pending'
        FROM _s
        UNION ALL
        SELECT aid, rid, lead, 'reply', routed_at, ext_due, ext_assumed, reply_pct, ext_sup,
               NULL, NULL, false
        FROM _s WHERE scenario = 'extended'
        UNION ALL
        SELECT aid, rid, lead, 'promise', @promise, promise_due, false, reply_pct,
               promise_sup, NULL, NULL, false
        FROM _s WHERE scenario = 'promised'
    ) c
) clocks;
"""

_SQL_REPLIES = """
CREATE TEMP TABLE _replies ON COMMIT DROP AS
SELECT nextval(pg_get_serial_sequence('dispatch_reply', 'id')) AS id, s.aid, s.rid, s.lead,
       s.lead_liaison, s.duty, n.number,
       CASE n.number WHEN 1 THEN @reply ELSE @revise END AS submitted_at,
       CASE WHEN n.number = 1 AND (s.sent_back_once OR s.scenario = 'sent_back') THEN 'sent_back'
            WHEN s.approved THEN 'approved' ELSE 'pending' END AS state,
       CASE WHEN n.number = 1 AND (s.sent_back_once OR s.scenario = 'sent_back')
                THEN @send_back
            WHEN s.approved THEN @approve END AS reviewed_at,
       CASE n.number WHEN 1 THEN %(citizen_text)s ELSE %(citizen_text_revised)s END AS text
FROM _s s
CROSS JOIN LATERAL (VALUES (1), (2)) AS n(number)
WHERE s.replied AND (n.number = 1 OR s.sent_back_once);

INSERT INTO dispatch_reply (id, assignment_id, report_id, unit_id, number, disposal, citizen_text,
    submitted_by_id, submitted_at, state, reviewed_by_id, reviewed_at, review_comment,
    published_via, published_where, published_at)
SELECT id, aid, rid, lead, number, %(disposal)s, text, lead_liaison, submitted_at, state,
       CASE WHEN reviewed_at IS NOT NULL THEN duty END, reviewed_at,
       CASE state WHEN 'approved' THEN %(approve)s WHEN 'sent_back' THEN %(send_back)s ELSE '' END,
       CASE WHEN state = 'approved' THEN %(published_via)s ELSE '' END,
       CASE WHEN state = 'approved' THEN %(published_where)s ELSE '' END,
       CASE WHEN state = 'approved' THEN reviewed_at END
FROM _replies;

CREATE TEMP TABLE _extensions ON COMMIT DROP AS
SELECT nextval(pg_get_serial_sequence('dispatch_extension', 'id')) AS id, s.*
FROM _s s WHERE s.scenario = 'extended';

INSERT INTO dispatch_extension (id, assignment_id, report_id, unit_id, days, reason,
    requested_by_id, requested_at, state, decided_by_id, decided_at, decision_comment,
    old_due_at, new_due_at, new_due_assumed)
SELECT id, aid, rid, lead, %(extension_days)s, %(extension)s, lead_liaison,
       @request_extension, 'approved', duty, @decide_extension,
       %(extension_ok)s, reply_due, ext_due, ext_assumed
FROM _extensions;
"""


def _iso(column: str) -> str:
    """A moment as :func:`dispatch.deadlines.iso` writes it (whole seconds here)."""
    return (
        f"to_char({column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS') || '+08:00'"
    )


_SQL_EVENTS = """
INSERT INTO reports_reportevent (report_id, transition, source, target, actor_id, at, comment,
                                 data, unit_id, internal)
SELECT rid, 'claim', 'routed', 'routed', lead_liaison, @claim, %(claim)s,
       jsonb_build_object('role', 'lead', 'unit_name', u.name), lead, true
FROM _s JOIN grid_unit u ON u.id = lead WHERE claimed
UNION ALL
SELECT rid, 'claim', 'routed', 'routed', co_liaison, @co_claim, %(claim)s,
       jsonb_build_object('role', 'co', 'unit_name', u.name), co_unit, true
FROM _s JOIN grid_unit u ON u.id = co_unit WHERE claimed AND co_liaison IS NOT NULL
UNION ALL
SELECT rid, 'contribute', 'routed', 'routed', co_liaison, @contribute, %(contribute)s,
       jsonb_build_object('unit_name', u.name), co_unit, true
FROM _s JOIN grid_unit u ON u.id = co_unit WHERE claimed AND co_liaison IS NOT NULL
UNION ALL
SELECT rid, 'request_extension', 'routed', 'routed', lead_liaison, @request_extension,
       %(extension)s, jsonb_build_object('extension', id, 'days', %(extension_days)s), lead, true
FROM _extensions
UNION ALL
SELECT rid, 'extension_approved', 'routed', 'routed', duty, @decide_extension,
       %(extension_ok)s,
       jsonb_build_object('extension', id, 'days', %(extension_days)s,
                          'old_due_at', ISO(reply_due), 'new_due_at', ISO(ext_due),
                          'assumed_weekdays', ext_assumed), lead, true
FROM _extensions
UNION ALL
SELECT rid, 'reply', 'routed', 'routed', lead_liaison, submitted_at, text,
       jsonb_build_object('reply', id, 'revision', number, 'disposal', %(disposal)s), lead, true
FROM _replies
UNION ALL
SELECT rid, CASE state WHEN 'approved' THEN 'reply_approved' ELSE 'reply_sent_back' END,
       'routed', 'routed', duty, reviewed_at,
       CASE state WHEN 'approved' THEN %(approve)s ELSE %(send_back)s END,
       CASE state WHEN 'approved' THEN jsonb_build_object('reply', id, 'revision', number,
                'published_via', %(published_via)s, 'published_where', %(published_where)s,
                'published_at', ISO(reviewed_at))
            ELSE jsonb_build_object('reply', id, 'revision', number) END, lead, true
FROM _replies WHERE state <> 'pending'
UNION ALL
SELECT rid, 'promise', 'routed', 'routed', lead_liaison, @promise, %(promise)s,
       jsonb_build_object('promised_at', ISO(promise_due)), lead, true
FROM _s WHERE scenario = 'promised';
"""


def _expand(sql: str) -> str:
    """``@claim``: the moment of a story's step (its ``t`` column); ``ISO(column)``: a moment
    as :func:`dispatch.deadlines.iso` writes it (whole seconds here)."""
    sql = re.sub(r"@(\w+)", r"(t->>'\1')::timestamptz", sql)
    return re.sub(
        r"ISO\((\w+)\)",
        r"""to_char(\1 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS') || '+08:00'""",
        sql,
    )


def _deadline_table(days: list[date]) -> list[tuple]:
    """Per routing day and grade: the claim, reply, longest and extended reply deadlines, the
    promised completion, each with its supervision moment, and the reminder shares."""
    rows = []
    for grade in Grade.values:
        claim_rule = rule_for(ClockKind.CLAIM, grade=grade)
        reply_rule = rule_for(ClockKind.REPLY, grade=grade)
        for rule in (claim_rule, reply_rule):
            if rule.unit == TimeUnit.HOURS:
                raise RuntimeError(
                    f"The SQL dispatch history writer counts deadlines in days; the rule "
                    f"{rule} is in hours: set it in days for the province's history."
                )
        for day in days:
            start = datetime.combine(day, clock_time(12), tzinfo=SHANGHAI)
            claim = claim_rule.deadline_from(start)
            reply = reply_rule.deadline_from(start)
            longest = reply_rule.longest_deadline_from(start)
            extended = extended_reply(
                due=reply.at, days=plan.EXTENSION_DAYS, grade=grade, latest=longest.at
            )
            promise = end_of_day(day + timedelta(days=plan.PROMISE_DAYS))
            rows.append(
                (
                    day,
                    grade,
                    claim.at,
                    claim.assumed_weekdays,
                    claim_rule.supervision_after(claim.at).at,
                    claim_rule.remind_at_percent,
                    reply.at,
                    reply.assumed_weekdays,
                    reply_rule.supervision_after(reply.at).at,
                    reply_rule.remind_at_percent,
                    longest.at,
                    longest.assumed_weekdays,
                    extended.at,
                    extended.assumed_weekdays,
                    reply_rule.supervision_after(extended.at).at,
                    promise,
                    reply_rule.supervision_after(promise).at,
                )
            )
    return rows


def seed_dispatch_history_postgres(*, now: datetime, log=print) -> int:
    """Write the routings of the routed history inside PostgreSQL; the number written."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The SQL dispatch history writer needs PostgreSQL.")
    from psycopg2.extras import execute_values

    scenario_case = " ".join(
        f"WHEN mixv %% 100 < {limit} THEN '{name}'" for limit, name in plan.OPEN_SCENARIOS
    )
    params = {
        "now": now,
        "open_span": f"{int(plan.OPEN_SPAN.total_seconds())} seconds",
        "min_closed_span": f"{int(plan.MIN_CLOSED_SPAN.total_seconds())} seconds",
        "shares": json.dumps(plan.AT),
        "instruction": plan.TEXTS["instruction"],
        "extension_days": plan.EXTENSION_DAYS,
        "published_via": plan.PUBLISHED_VIA,
        **{k: v for k, v in plan.TEXTS.items() if k != "instruction"},
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # Dropped at commit; a caller's outer transaction (a test) may still hold them.
        cursor.execute("DROP TABLE IF EXISTS _dl, _liaison, _city_units, _s, _replies, _extensions")
        cursor.execute(
            "SELECT min(at), max(at) FROM reports_reportevent WHERE transition = 'route'"
        )
        first, last = cursor.fetchone()
        if first is None:
            return 0
        day = (first.astimezone(SHANGHAI) - timedelta(microseconds=1)).date()
        end = last.astimezone(SHANGHAI).date()
        days = [day + timedelta(days=i) for i in range((end - day).days + 1)]
        cursor.execute(
            "CREATE TEMP TABLE _dl (day date, grade text, claim_due timestamptz, "
            "claim_assumed boolean, claim_sup timestamptz, claim_pct int, reply_due timestamptz, "
            "reply_assumed boolean, reply_sup timestamptz, reply_pct int, reply_max timestamptz, "
            "max_assumed boolean, ext_due timestamptz, ext_assumed boolean, "
            "ext_sup timestamptz, promise_due timestamptz, promise_sup timestamptz, "
            "PRIMARY KEY (day, grade)) ON COMMIT DROP"
        )
        execute_values(cursor.cursor, "INSERT INTO _dl VALUES %s", _deadline_table(days))
        cursor.execute(
            "CREATE TEMP TABLE _liaison ON COMMIT DROP AS SELECT DISTINCT ON (unit_id) unit_id, "
            "id FROM grid_user WHERE role = %s AND is_active AND unit_id IS NOT NULL "
            "ORDER BY unit_id, id",
            [Role.UNIT_LIAISON],
        )
        cursor.execute(
            "CREATE TEMP TABLE _city_units ON COMMIT DROP AS SELECT r.code AS city, "
            "array_agg(u.id ORDER BY u.id) AS units FROM grid_unit u "
            "JOIN grid_region r ON r.id = u.region_id WHERE u.kind = 'department' "
            "AND r.level = 'city' AND u.is_active GROUP BY r.code"
        )
        params["scenario_case"] = scenario_case
        for label, sql in (
            ("stories", _SQL_STORIES.replace("%(scenario_case)s", scenario_case)),
            ("routings and units", _SQL_ASSIGNMENTS),
            ("clocks", _SQL_CLOCKS),
            ("replies and extensions", _SQL_REPLIES),
            ("events", _SQL_EVENTS),
        ):
            started = time.monotonic()
            cursor.execute(_expand(sql), params)
            log(f"  {label}: {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        cursor.execute(_SQL_HANDLERS_DUE)
        log(f"  units' next deadlines: {time.monotonic() - started:.1f} s")
        cursor.execute("SELECT count(*) FROM _s")
        written = cursor.fetchone()[0]
    # Fresh statistics for the million rows just written, before anything reads them: without
    # them the planner takes each table for a few rows, and the reminder sweep that follows
    # (and every case page) ran hash joins over whole tables (a case page's routings 69 ms
    # instead of 1; the sweep did not finish in 15 minutes).
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(HISTORY_TABLES)}")
    log(f"  statistics: {time.monotonic() - started:.1f} s")
    return written


HISTORY_TABLES = [  # what the statements above write
    "dispatch_assignment",
    "dispatch_handler",
    "dispatch_clock",
    "dispatch_reply",
    "dispatch_extension",
    "reports_reportevent",
]
