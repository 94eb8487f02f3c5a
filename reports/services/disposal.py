"""The 24-hour disposal clock's sweep (002: "no disposal status reported within 24 hours of
discovery: −2"): finds each case whose clock ran out, exactly once, with catch-up.

A case's clock (``disposal_due_at``, set at intake by the ``disposal`` rule) is met when the
county reports the status of disposal — any step that takes the case out of the county queue
(``disposal_reported_at``). A run takes ``now`` once and, in bounded batches read off the
partial index of clocks not yet looked at (``report_disposal_unswept``), marks every case due
by then and still unreported, or reported only after its due time (a run after beat was down
still finds those): one ``UPDATE … SET disposal_overdue_at = disposal_due_at … RETURNING`` per
batch, a compare-and-set on the marker (``disposal_overdue_at IS NULL``) over rows locked with
``SKIP LOCKED`` on PostgreSQL (a case a person holds is the next run's). Only the rows that
update are acted on, in the same transaction: a system step on each case's timeline at the
due time (in the county queue, where the case was then), and one batch of score events. Two
sweeps at once, or one run twice, act once.

Who is penalised (``disposal_overdue``, primary responsibility):

- the **county** (its ``Region``), when the case reached the county queue before its clock ran
  out: reporting the disposal status is the county admin's triage, and the county's deduction
  is what 002 counts (the responsible "unit" of the county's grid);
- the **grid point** of the person who filed it, when the case was filed only after its clock
  had run out (discovered more than 24 hours before it was filed): the county never had the
  time, the grid point sat on it. A filer without a grid point (staff filing for someone)
  leaves it to the county.

The grade the rule reads is the case's grade once the city graded it, else the grade the
informant suggested (which also chose the clock's rule at intake).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from grid.hooks import ScoreEvent, score_events
from grid.models import GridPoint, Region, User
from reports.models import Report, ReportEvent, Status
from reports.models.report import DISPOSAL_UNSWEPT

# The step on a case's timeline (reports.hooks.register_step gives its words).
DISPOSAL_OVERDUE = "disposal_overdue"


@dataclass
class DisposalSweepResult:
    """What one run did: cases found overdue, of them counted against a grid point."""

    overdue: int = 0
    grid_points: int = 0


def disposal_sweep(*, now: datetime | None = None, batch: int | None = None) -> DisposalSweepResult:
    """Mark, record and tell every disposal clock run out by ``now``, once (module docstring)."""
    now = now or timezone.now()
    batch = batch or settings.REPORT_DISPOSAL_SWEEP_BATCH
    system = User.objects.system()
    result = DisposalSweepResult()
    while True:
        with transaction.atomic():
            rows = _mark_batch(now=now, batch=batch)
            _record(rows, system=system, result=result)
        if len(rows) < batch:
            return result


@dataclass(frozen=True)
class Overdue:
    """A case this run marked overdue (the columns ``RETURNING`` gives)."""

    pk: int
    status: str
    due_at: datetime
    created_at: datetime
    county_id: int
    reporter_id: int
    grade: str


def _mark_batch(*, now: datetime, batch: int) -> list[Overdue]:
    """Set the marker on up to ``batch`` overdue cases; the cases it was set on."""
    due = (
        Report.objects.filter(DISPOSAL_UNSWEPT, disposal_due_at__lte=now)
        .order_by("disposal_due_at", "pk")
        .select_for_update(skip_locked=True)  # nothing on SQLite, which serialises writers
        .values("pk")[:batch]
    )
    subquery, params = due.query.sql_with_params()
    table = Report._meta.db_table
    sql = (
        f"UPDATE {table} SET disposal_overdue_at = disposal_due_at "  # noqa: S608 - our own table and a compiled queryset
        f"WHERE id IN ({subquery}) AND disposal_overdue_at IS NULL "
        "RETURNING id, status, disposal_due_at, created_at, county_id, reporter_id, "
        "COALESCE(NULLIF(grade, ''), suggested_grade)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return sorted(
        (
            Overdue(
                pk=pk,
                status=status,
                due_at=_aware(due_at),
                created_at=_aware(created_at),
                county_id=county_id,
                reporter_id=reporter_id,
                grade=grade,
            )
            for pk, status, due_at, created_at, county_id, reporter_id, grade in fetched
        ),
        key=lambda row: (row.due_at, row.pk),
    )


def _aware(value) -> datetime:
    """A datetime as the ORM reads it (SQLite's RETURNING gives naive UTC text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _record(rows: list[Overdue], *, system: User, result: DisposalSweepResult) -> None:
    """The marked cases' timeline steps and their score events (two statements, three with a
    late filing)."""
    if not rows:
        return
    late_filers = {row.reporter_id for row in rows if row.created_at >= row.due_at}
    grid_point_of = dict(
        User.objects.filter(pk__in=late_filers, grid_point__isnull=False).values_list(
            "pk", "grid_point_id"
        )
    )
    events, scored = [], []
    for row in rows:
        point = grid_point_of.get(row.reporter_id) if row.created_at >= row.due_at else None
        target = (GridPoint, point) if point is not None else (Region, row.county_id)
        due = timezone.localtime(row.due_at).strftime("%Y-%m-%d %H:%M")
        # On the timeline at the due time (or the filing, for a case filed after it), in the
        # state the case was in then: still in the county queue, whatever it is in now.
        events.append(
            ReportEvent(
                report_id=row.pk,
                transition=DISPOSAL_OVERDUE,
                source=Status.SUBMITTED,
                target=Status.SUBMITTED,
                actor=system,
                at=max(row.due_at, row.created_at),
                comment=_("No status of disposal was reported by %(due)s.") % {"due": due},
                data={
                    "due_at": timezone.localtime(row.due_at).isoformat(),
                    "responsible": "grid_point" if point is not None else "county",
                },
                internal=True,
            )
        )
        scored.append(
            ScoreEvent(
                kind=DISPOSAL_OVERDUE,
                source_model=Report,
                source_id=row.pk,
                target_model=target[0],
                target_id=target[1],
                at=row.due_at,
                grade=row.grade,
            )
        )
        result.grid_points += point is not None
    ReportEvent.objects.bulk_create(events)
    score_events(scored)
    result.overdue += len(rows)
