"""Deductions from detectors' score events: set-based, once per event (the grid's hook)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from duty.deductions import notices
from duty.deductions.services.common import (
    BATCH,
    active_rules,
    rule_for,
)
from duty.models import (
    Deduction,
    DeductionAction,
    DeductionEvent,
    DeductionStatus,
    month_of,
)
from grid.hooks import ScoreEvent
from grid.ids import many_ids
from grid.models import GridPoint, Region, Unit, User

# --- from detectors' events (the hook) ----------------------------------------------------


def _target_column(model: type) -> str:
    if issubclass(model, GridPoint):
        return "grid_point_id"
    if issubclass(model, Region):
        return "region_id"
    if issubclass(model, Unit):
        return "unit_id"
    raise TypeError(f"A deduction is against a grid point, a region or a unit, not {model!r}.")


def _chunks(items: Sequence, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Target(NamedTuple):
    """Where a target sits (a tuple: a sweep builds 15,000 of them)."""

    path: str
    name: str
    level: str = ""  # a region's level
    head_id: int | None = None  # a grid point's head


def _targets(column: str, ids: set[int]) -> dict[int, _Target]:
    """Where each target sits in the grid (its region's path), in one query per 5,000."""
    found: dict[int, _Target] = {}
    for chunk in _chunks(sorted(ids), 5000):
        if column == "grid_point_id":
            rows = GridPoint.objects.filter(pk__in=many_ids(chunk)).values_list(
                "pk", "region__path", "name", "head_id"
            )
            found.update({pk: _Target(path, name, head_id=head) for pk, path, name, head in rows})
        elif column == "region_id":
            rows = Region.objects.filter(pk__in=chunk).values_list("pk", "path", "name", "level")
            found.update({pk: _Target(path, name, level) for pk, path, name, level in rows})
        else:
            rows = Unit.objects.filter(pk__in=chunk).values_list("pk", "region__path", "name")
            found.update({pk: _Target(path, name) for pk, path, name in rows})
    return found


@dataclass
class _Row:
    """A deduction about to be inserted by the hook (plain values, no model instance)."""

    rule_id: int
    kind: str
    points: object  # Decimal
    responsibility: str
    grade: str
    grid_point_id: int | None
    region_id: int | None
    unit_id: int | None
    target_path: str
    source_type_id: int
    source_id: int
    at: datetime
    month: object  # date
    pk: int | None = None

    @property
    def key(self) -> tuple:
        return (
            self.kind,
            self.source_type_id,
            self.source_id,
            self.responsibility,
            self.grid_point_id,
            self.region_id,
            self.unit_id,
        )


# The columns the hook writes, with their PostgreSQL array types (``unnest``); every other
# column is written as its constant: NULL if nullable, else '' (checked at import).
_WRITTEN = {
    "rule_id": "bigint",
    "kind": "text",
    "points": "numeric",
    "responsibility": "text",
    "grade": "text",
    "grid_point_id": "bigint",
    "region_id": "bigint",
    "unit_id": "bigint",
    "target_path": "text",
    "source_type_id": "integer",
    "source_id": "bigint",
    "at": "timestamptz",
    "month": "date",
    "status": "text",
    "created_at": "timestamptz",
}
_KEY_COLUMNS = (
    "kind",
    "source_type_id",
    "source_id",
    "responsibility",
    "grid_point_id",
    "region_id",
    "unit_id",
)


def _constants() -> dict[str, str]:
    constants = {}
    for f in Deduction._meta.concrete_fields:
        if f.primary_key or f.column in _WRITTEN:
            continue
        if f.null:
            constants[f.column] = "NULL"
        elif f.get_default() == "":
            constants[f.column] = "''"
        else:  # pragma: no cover - a new column the hook must learn to write
            raise TypeError(f"deductions_from_events does not write {f.column}")
    return constants


_CONSTANTS = _constants()


def _insert(rows: list[_Row], *, now: datetime) -> list[_Row]:
    """INSERT the rows, skipping any an earlier call recorded (the unique constraint); the
    rows inserted, with their ids.

    Written by hand because Django's ``bulk_create(ignore_conflicts=True)`` returns no ids
    (the people to tell are those of the rows that are new), and because building 15,000 model
    instances costs more than the statement. On PostgreSQL one ``INSERT … SELECT FROM unnest``
    per 5,000 rows, elsewhere (SQLite 3.35+) one ``INSERT … VALUES`` per ``BATCH``; both
    ``ON CONFLICT DO NOTHING RETURNING``.
    """
    ops = connection.ops
    table = ops.quote_name(Deduction._meta.db_table)
    written = list(_WRITTEN)
    columns = ", ".join(ops.quote_name(c) for c in [*written, *_CONSTANTS])
    constants = ", ".join(_CONSTANTS.values())
    returning = ", ".join(ops.quote_name(c) for c in ("id", *_KEY_COLUMNS))
    created = ops.adapt_datetimefield_value(now)
    times: dict = {}
    days: dict = {}
    points: dict = {}

    def values(row: _Row) -> tuple:
        at = times.get(row.at)
        if at is None:
            at = times[row.at] = ops.adapt_datetimefield_value(row.at)
        month = days.get(row.month)
        if month is None:
            month = days[row.month] = ops.adapt_datefield_value(row.month)
        amount = points.get(row.points)
        if amount is None:
            amount = points[row.points] = ops.adapt_decimalfield_value(row.points, 6, 2)
        return (
            row.rule_id,
            row.kind,
            amount,
            row.responsibility,
            row.grade,
            row.grid_point_id,
            row.region_id,
            row.unit_id,
            row.target_path,
            row.source_type_id,
            row.source_id,
            at,
            month,
            DeductionStatus.COUNTING.value,
            created,
        )

    by_key = {row.key: row for row in rows}
    inserted: list[_Row] = []
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 5000 if postgres else BATCH):
            table_rows = [values(row) for row in chunk]
            if postgres:
                arrays = [list(column) for column in zip(*table_rows, strict=True)]
                unnest = ", ".join(f"%s::{_WRITTEN[c]}[]" for c in written)
                sql = f"INSERT INTO {table} ({columns}) SELECT *, {constants} "
                sql += f"FROM unnest({unnest}) "
                params = arrays
            else:
                one = "(" + ", ".join(["%s"] * len(written)) + f", {constants})"
                sql = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
                sql += ", ".join([one] * len(chunk)) + " "
                params = [value for row in table_rows for value in row]
            sql += f"ON CONFLICT DO NOTHING RETURNING {returning}"
            cursor.execute(sql, params)
            for pk, *key in cursor.fetchall():
                row = by_key[tuple(key)]
                row.pk = pk
                inserted.append(row)
    return inserted


# A late filing of what the sweep had already marked missed (the daily report filed at 16:00)
# is scored as late, not as both: its deduction replaces the missed one of the same row.
SUPERSEDES = {
    "daily_report_late": "daily_report_missed",
    "risk_points_late": "risk_points_missed",
}


def _supersede(inserted: Sequence[_Row], *, now: datetime) -> int:
    """Cancel the counting deductions that the new ``inserted`` ones replace (one UPDATE and
    one INSERT of their history per kind, as the product); the number cancelled."""
    sources: dict[tuple[str, int], list[int]] = {}
    for row in inserted:
        replaced = SUPERSEDES.get(row.kind)
        if replaced:
            sources.setdefault((replaced, row.source_type_id), []).append(row.source_id)
    cancelled = 0
    for (kind, source_type_id), source_ids in sources.items():
        superseded = Deduction.objects.filter(
            kind=kind,
            source_type_id=source_type_id,
            source_id__in=source_ids,
            status__in=[DeductionStatus.COUNTING, DeductionStatus.APPEALED],
        )
        ids = list(superseded.values_list("pk", flat=True))
        if not ids:
            continue
        note = _("Filed late: the late filing's deduction replaces this one.")
        system = User.objects.system()
        Deduction.objects.filter(pk__in=ids).update(
            status=DeductionStatus.CANCELLED, decision_note=note, decided_at=now
        )
        DeductionEvent.objects.bulk_create(
            DeductionEvent(
                deduction_id=pk,
                action=DeductionAction.CANCELLED,
                actor=system,
                at=now,
                comment=note,
            )
            for pk in ids
        )
        cancelled += len(ids)
    return cancelled


def deductions_from_events(events: Sequence[ScoreEvent]) -> int:
    """Record a deduction (or bonus) for each event an active rule scores; the number new.

    Set-based: the rules in one query, the targets' places in one query per kind of target
    (and 5,000 targets), the rows in one INSERT per 5,000 (SQLite: 1,000), skipping those
    recorded before (a sweep run twice, or two at once, records each event once), the people
    to tell in one query per kind of target and one INSERT. An event no active rule scores is
    dropped; an event of a target that no longer exists is dropped too.
    """
    if not events:
        return 0
    rules = active_rules()
    scored = []
    for event in events:
        rule = rule_for(
            rules, kind=event.kind, grade=event.grade, responsibility=event.responsibility
        )
        if rule is not None:
            scored.append((event, rule, _target_column(event.target_model)))
    if not scored:
        return 0
    wanted: dict[str, set[int]] = {}
    for event, _rule, column in scored:
        wanted.setdefault(column, set()).add(event.target_id)
    places = {column: _targets(column, ids) for column, ids in wanted.items()}
    content_types = ContentType.objects.get_for_models(*{e.source_model for e, _r, _c in scored})
    months: dict = {}
    rows: dict[tuple, _Row] = {}
    for event, rule, column in scored:
        target = places[column].get(event.target_id)
        if target is None:
            continue
        month = event.month or months.get(event.at)
        if month is None:
            month = months[event.at] = month_of(event.at)
        row = _Row(
            rule_id=rule.pk,
            kind=rule.kind,
            points=rule.points,
            responsibility=rule.responsibility,
            grade=event.grade or "",
            grid_point_id=event.target_id if column == "grid_point_id" else None,
            region_id=event.target_id if column == "region_id" else None,
            unit_id=event.target_id if column == "unit_id" else None,
            target_path=target.path,
            source_type_id=content_types[event.source_model].pk,
            source_id=event.source_id,
            at=event.at,
            month=month,
        )
        rows.setdefault(row.key, row)  # the same event told twice in one batch is one row
    now = timezone.now()
    inserted = _insert(list(rows.values()), now=now)
    _supersede(inserted, now=now)
    if inserted:
        notices.tell_recorded(
            [
                notices.Recorded(
                    deduction_id=row.pk,
                    kind=row.kind,
                    points=row.points,
                    grid_point_id=row.grid_point_id,
                    region_id=row.region_id,
                    unit_id=row.unit_id,
                    at=row.at,
                )
                for row in inserted
            ],
            places=places,
        )
    return len(inserted)
