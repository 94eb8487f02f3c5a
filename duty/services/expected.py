"""The generic services of expected submissions: create a period's rows, settle a filing,
sweep what is due. Nothing here knows a particular kind; :mod:`duty.kinds` says who owes what.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from duty.kinds import SubmissionKind, submission_kind, submission_kinds
from duty.models import ExpectedSubmission, SubmissionPeriod, SubmissionStatus
from grid import hooks
from grid.models import GridPoint, Unit

SETTLEABLE = (SubmissionStatus.PENDING, SubmissionStatus.MISSED)


@dataclass(frozen=True)
class Missed:
    """A row the sweep marked missed (what the tasks need to tell people)."""

    id: int
    kind: str
    period: date
    due_at: datetime
    grid_point_id: int | None
    unit_id: int | None
    subject_id: int | None
    county_id: int | None


@dataclass
class SweepResult:
    """What one sweep did: rows created (per kind) and rows marked missed."""

    created: dict[str, int] = field(default_factory=dict)
    missed: list[Missed] = field(default_factory=list)


def _kind(kind: str | SubmissionKind) -> SubmissionKind:
    return kind if isinstance(kind, SubmissionKind) else submission_kind(kind)


_INSERT_SELECT = """
INSERT INTO duty_expectedsubmission
    (kind, period, owner_key, grid_point_id, unit_id, subject_id, region_path, county_id,
     status, due_at, created_at)
SELECT %s, %s, owed.*, %s, %s, %s FROM ({owed}) AS owed WHERE true
ON CONFLICT DO NOTHING
"""


@transaction.atomic
def expected_create_for(*, kind: str | SubmissionKind, period: date) -> int:
    """Create every row ``kind`` owes for ``period`` that does not exist yet, at once
    (INSERT … ON CONFLICT DO NOTHING: one INSERT … SELECT when the kind gives its SQL, else
    ``bulk_create``), and remember the period as created. Safe to run again or concurrently;
    returns how many rows it created."""
    spec = _kind(kind)
    due_at = spec.due_at(period)
    if spec.owed_sql is not None:
        owed, params = spec.owed_sql(period)
        adapt = connection.ops
        with connection.cursor() as cursor:
            cursor.execute(
                _INSERT_SELECT.format(owed=owed),
                [
                    spec.name,
                    adapt.adapt_datefield_value(period),
                    SubmissionStatus.PENDING,
                    adapt.adapt_datetimefield_value(due_at),
                    adapt.adapt_datetimefield_value(timezone.now()),
                    *params,
                ],
            )
            created = max(cursor.rowcount, 0)
    else:
        before = ExpectedSubmission.objects.filter(kind=spec.name, period=period).count()
        rows = [
            ExpectedSubmission(
                kind=spec.name,
                period=period,
                owner_key=ExpectedSubmission.key_for(
                    grid_point_id=owed.grid_point_id,
                    unit_id=owed.unit_id,
                    subject_id=owed.subject_id,
                ),
                grid_point_id=owed.grid_point_id,
                unit_id=owed.unit_id,
                subject_id=owed.subject_id,
                region_path=owed.region_path,
                county_id=owed.county_id,
                due_at=due_at,
            )
            for owed in spec.owed_by(period)
        ]
        ExpectedSubmission.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
        created = ExpectedSubmission.objects.filter(kind=spec.name, period=period).count() - before
    SubmissionPeriod.objects.bulk_create(
        [SubmissionPeriod(kind=spec.name, period=period)], ignore_conflicts=True
    )
    return created


def _score_target(spec: SubmissionKind, row) -> tuple[type, int] | None:
    if spec.score_target is not None:
        return spec.score_target(row)
    if row.grid_point_id is not None:
        return GridPoint, row.grid_point_id
    if row.unit_id is not None:
        return Unit, row.unit_id
    return None


def _tell(event_kind: str, spec: SubmissionKind, rows: Iterable, *, at_field: str) -> None:
    """Tell the score events of ``rows`` (missed at their due time, late when filed), each
    counting in the month of its period: a list owed for November counts in November even
    though its deadline, 24:00 on the 30th, is 00:00 on 1 December, and even when it is filed
    late in December."""
    if not event_kind:
        return
    events = []
    for row in rows:
        target = _score_target(spec, row)
        if target is None:
            continue
        events.append(
            hooks.ScoreEvent(
                kind=event_kind,
                source_model=ExpectedSubmission,
                source_id=row.id,
                target_model=target[0],
                target_id=target[1],
                at=getattr(row, at_field),
                month=row.period.replace(day=1),
            )
        )
    hooks.score_events(events)


def expected_tell_history(*, kind: str | SubmissionKind) -> int:
    """Tell the score events of a kind's history written at once (the demo's): each missed
    row at its due time and each late one when it was filed, as the sweep and the filings
    tell them when they happen; told twice, nothing is scored twice. The number of rows."""
    spec = _kind(kind)
    rows = ExpectedSubmission.objects.filter(kind=spec.name).only(
        "id", "period", "grid_point_id", "unit_id", "subject_id", "due_at", "settled_at"
    )
    missed = list(rows.filter(status=SubmissionStatus.MISSED))
    late = list(rows.filter(status=SubmissionStatus.LATE))
    _tell(spec.missed_event, spec, missed, at_field="due_at")
    _tell(spec.late_event, spec, late, at_field="settled_at")
    return len(missed) + len(late)


@transaction.atomic
def expected_settle(
    *,
    kind: str | SubmissionKind,
    period: date,
    at: datetime,
    grid_point_id: int | None = None,
    unit_id: int | None = None,
    subject_id: int | None = None,
    filing_id: int | None = None,
) -> ExpectedSubmission | None:
    """Settle the owner's row for ``period`` with a filing made at ``at``: on time if ``at`` is
    at or before the due time, else late (a row the sweep already marked missed becomes late:
    it did arrive). Compare-and-set, so of two filings one settles and the other gets ``None``.
    A row not created yet (a grid point added today) is created first."""
    spec = _kind(kind)
    key = ExpectedSubmission.key_for(
        grid_point_id=grid_point_id, unit_id=unit_id, subject_id=subject_id
    )
    rows = ExpectedSubmission.objects.filter(kind=spec.name, owner_key=key, period=period)
    row = rows.only("id", "due_at").first()
    if row is None:
        owed = next(
            (
                o
                for o in spec.owed_by(period)
                if (o.grid_point_id, o.unit_id, o.subject_id)
                == (grid_point_id, unit_id, subject_id)
            ),
            None,
        )
        if owed is None:
            raise ExpectedSubmission.DoesNotExist(f"{key} owes no {spec.name} for {period}")
        ExpectedSubmission.objects.bulk_create(
            [
                ExpectedSubmission(
                    kind=spec.name,
                    period=period,
                    owner_key=key,
                    grid_point_id=grid_point_id,
                    unit_id=unit_id,
                    subject_id=subject_id,
                    region_path=owed.region_path,
                    county_id=owed.county_id,
                    due_at=spec.due_at(period),
                )
            ],
            ignore_conflicts=True,
        )
    changed = rows.filter(status__in=SETTLEABLE).update(
        status=Case(
            When(due_at__gte=at, then=Value(SubmissionStatus.ON_TIME)),
            default=Value(SubmissionStatus.LATE),
        ),
        settled_at=at,
        filing_id=filing_id,
    )
    if not changed:
        return None
    row = rows.get()
    if row.status == SubmissionStatus.LATE:
        _tell(spec.late_event, spec, [row], at_field="settled_at")
    return row


# The batch's ids are chosen once, before the update: on PostgreSQL as an array (an InitPlan),
# because with ``IN (subquery)`` the plan follows the statistics, and right after a night's
# creation of 16,000 pending rows they still say there are none: the planner then rescans the
# sorted batch for every pending row (25 s a batch on the province, instead of 0.1 s).
_MISS_SQL = """
UPDATE duty_expectedsubmission SET status = %s, settled_at = due_at
WHERE id {among} (
    SELECT id FROM duty_expectedsubmission
    WHERE status = %s AND due_at <= %s ORDER BY due_at, id LIMIT %s
){close} AND status = %s
RETURNING id, kind, CAST(period AS text), CAST(due_at AS text), grid_point_id, unit_id,
    subject_id, county_id
"""


def _moment(text: str) -> datetime:
    """A due time returned as text: ISO with its offset (PostgreSQL, in UTC) or naive UTC
    (SQLite)."""
    moment = parse_datetime(text)
    return moment if moment.tzinfo is not None else timezone.make_aware(moment, UTC)


def _missed_rows(rows: list[tuple]) -> list[Missed]:
    """The returned rows, typed. Their dates and times come as text and are parsed once per
    value: a batch of 5,000 has one period and one due time, mostly."""
    periods: dict[str, date] = {}
    moments: dict[str, datetime] = {}
    missed = []
    for pk, kind, period, due_at, grid_point_id, unit_id, subject_id, county_id in rows:
        day = periods.get(period)
        if day is None:
            day = periods[period] = parse_date(period)
        moment = moments.get(due_at)
        if moment is None:
            moment = moments[due_at] = _moment(due_at)
        missed.append(Missed(pk, kind, day, moment, grid_point_id, unit_id, subject_id, county_id))
    return missed


def _miss_batch(now: datetime, size: int) -> list[Missed]:
    """Mark one batch of due pending rows missed, in one statement, and tell the score events
    in the same transaction. A row already settled by another worker is skipped (the outer
    ``status`` check is re-evaluated on the locked row: compare-and-set)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            postgres = connection.vendor == "postgresql"
            cursor.execute(
                _MISS_SQL.format(
                    among="= ANY(ARRAY" if postgres else "IN", close=")" if postgres else ""
                ),
                [
                    SubmissionStatus.MISSED,
                    SubmissionStatus.PENDING,
                    connection.ops.adapt_datetimefield_value(now),
                    size,
                    SubmissionStatus.PENDING,
                ],
            )
            missed = _missed_rows(cursor.fetchall())
        if not missed:
            return []
        by_kind: dict[str, list[Missed]] = {}
        for row in missed:
            by_kind.setdefault(row.kind, []).append(row)
        for name, rows in by_kind.items():
            try:
                spec = submission_kind(name)
            except KeyError:
                continue  # a kind no longer declared: marked, but nobody scores it
            _tell(spec.missed_event, spec, rows, at_field="due_at")
        return missed


def expected_create_due(*, now: datetime, kinds: Sequence[SubmissionKind] | None = None) -> dict:
    """Create the rows of every period that should exist by ``now`` and was not created yet
    (the catch-up: beat down for two days creates both days' rows when it is back)."""
    created: dict[str, int] = {}
    for spec in kinds if kinds is not None else submission_kinds():
        periods = spec.periods(now)
        done = set(
            SubmissionPeriod.objects.filter(kind=spec.name, period__in=periods).values_list(
                "period", flat=True
            )
        )
        for period in periods:
            if period not in done:
                created[spec.name] = created.get(spec.name, 0) + expected_create_for(
                    kind=spec, period=period
                )
    return created


def expected_sweep(*, now: datetime | None = None, batch: int | None = None) -> SweepResult:
    """Settle everything that is due by ``now`` and still pending as missed, with its due time
    as the moment, after creating the rows that should exist by then. Idempotent: run twice
    (or by two workers at once) each row is settled and told once."""
    now = now or timezone.now()
    size = batch or settings.DUTY_SWEEP_BATCH
    result = SweepResult(created=expected_create_due(now=now))
    while True:
        missed = _miss_batch(now, size)
        result.missed.extend(missed)
        if len(missed) < size:
            return result
