"""Deductions from detectors' score events: set-based, once per event (the grid's hook)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

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
    DeductionRule,
    DeductionStatus,
    month_of,
)
from grid.hooks import ScoreEvent
from grid.ids import many_ids
from grid.models import GridPoint, Region, Unit, User
from grid.rowsets import values_cte

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


# The columns the hook writes: those of the rule (parameters of the statement, in this order),
# the target's (the event's target in its column, NULL in the others), the event's (from the
# events' relation ``ev``) and the target's path (joined); every other column is written as its
# constant: NULL if nullable, else '' (checked at import).
_PER_RULE = (
    "rule_id",
    "kind",
    "points",
    "responsibility",
    "grade",
    "source_type_id",
    "status",
    "created_at",
)
_TARGETS = ("grid_point_id", "region_id", "unit_id")
_PER_EVENT = {
    "source_id": "ev.source_id",
    "at": "ev.at",
    "month": "ev.month",
    "target_path": "p.path",
}
_WRITTEN = (*_PER_RULE, *_TARGETS, *_PER_EVENT)
_EVENTS = (
    ("source_id", "bigint"),
    ("target_id", "bigint"),
    ("at", "timestamptz"),
    ("month", "date"),
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


def _target_join(column: str) -> str:
    """The joins from the events' target to the region whose path scopes the deduction (``p``);
    an event of a target that no longer exists joins nothing and is dropped."""
    quote = connection.ops.quote_name
    region = quote(Region._meta.db_table)
    if column == "region_id":
        return f"JOIN {region} p ON p.id = ev.target_id"
    table = quote((GridPoint if column == "grid_point_id" else Unit)._meta.db_table)
    return f"JOIN {table} t ON t.id = ev.target_id JOIN {region} p ON p.id = t.region_id"


@dataclass(frozen=True, eq=False)
class _Group:
    """Events one rule scores alike: one statement per chunk of them (compared by identity:
    :func:`deductions_from_events` makes one per kind of event)."""

    rule: DeductionRule
    grade: str
    column: str  # the target's column
    source_type_id: int


def _insert(group: _Group, events: list[tuple], *, now: datetime) -> list[tuple[int, int, int]]:
    """INSERT one group's deductions (``events``: adapted source id, target id, moment, month),
    skipping any an earlier call recorded (the unique constraint): one ``INSERT … SELECT``
    joining each target's place in the grid, ``ON CONFLICT DO NOTHING RETURNING`` (id, source
    id, target id) of the rows that are new — the people to tell are theirs."""
    ops = connection.ops
    cte, params = values_cte("ev", _EVENTS, events)
    rule = group.rule
    targets = ["ev.target_id" if column == group.column else "NULL" for column in _TARGETS]
    columns = ", ".join(ops.quote_name(c) for c in (*_WRITTEN, *_CONSTANTS))
    select = ", ".join(
        ["%s"] * len(_PER_RULE) + targets + list(_PER_EVENT.values()) + list(_CONSTANTS.values())
    )
    params += [  # in _PER_RULE's order
        rule.pk,
        rule.kind,
        ops.adapt_decimalfield_value(rule.points, 6, 2),
        rule.responsibility,
        group.grade,
        group.source_type_id,
        DeductionStatus.COUNTING.value,
        ops.adapt_datetimefield_value(now),
    ]
    table = ops.quote_name(Deduction._meta.db_table)
    sql = (
        f"{cte} INSERT INTO {table} ({columns}) SELECT {select} FROM ev "  # noqa: S608
        f"{_target_join(group.column)} WHERE true "
        f"ON CONFLICT DO NOTHING RETURNING id, source_id, {ops.quote_name(group.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# A late filing of what the sweep had already marked missed (the daily report filed at 16:00)
# is scored as late, not as both: its deduction replaces the missed one of the same row.
SUPERSEDES = {
    "daily_report_late": "daily_report_missed",
    "risk_points_late": "risk_points_missed",
}


def _supersede(group: _Group, source_ids: list[int], *, now: datetime) -> int:
    """Cancel the counting deductions that new ones of ``group``'s kind replace, of the same
    sources (one UPDATE and one INSERT of their history); the number cancelled."""
    replaced = SUPERSEDES.get(group.rule.kind)
    if not replaced:
        return 0
    superseded = Deduction.objects.filter(
        kind=replaced,
        source_type_id=group.source_type_id,
        source_id__in=many_ids(source_ids),
        status__in=[DeductionStatus.COUNTING, DeductionStatus.APPEALED],
    )
    ids = list(superseded.values_list("pk", flat=True))
    if not ids:
        return 0
    note = _("Filed late: the late filing's deduction replaces this one.")
    system = User.objects.system()
    Deduction.objects.filter(pk__in=many_ids(ids)).update(
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
    return len(ids)


def _group_of(event: ScoreEvent, rules) -> _Group | None:
    """The group of events like ``event``, or None when no active rule scores them."""
    rule = rule_for(rules, kind=event.kind, grade=event.grade, responsibility=event.responsibility)
    if rule is None:
        return None
    source_type = ContentType.objects.get_for_model(event.source_model).pk
    return _Group(rule, event.grade or "", _target_column(event.target_model), source_type)


def deductions_from_events(events: Sequence[ScoreEvent]) -> int:
    """Record a deduction (or bonus) for each event an active rule scores; the number new.

    Set-based: the rules in one query; then per rule, grade and kind of target and source, one
    ``INSERT … SELECT`` per 5,000 events (SQLite: 1,000) that joins each target's place in the
    grid, skips what was recorded before (a sweep run twice, or two at once, records each event
    once) and returns the new rows, whose parties one more ``INSERT … SELECT`` tells. Nothing
    is read back into Python but the new rows' ids. An event no active rule scores is dropped;
    an event of a target that no longer exists is dropped too.
    """
    if not events:
        return 0
    rules = active_rules()
    ops = connection.ops
    # Events alike (kind, grade, responsibility, source and target models) share a group,
    # looked up once: a sweep's 15,000 events are one or two groups.
    alike: dict[tuple, _Group | None] = {}
    groups: dict[_Group, dict[tuple[int, int], ScoreEvent]] = {}
    for event in events:
        key = (
            event.kind,
            event.grade,
            event.responsibility,
            event.source_model,
            event.target_model,
        )
        group = alike.get(key, False)
        if group is False:
            group = alike[key] = _group_of(event, rules)
        if group is None:
            continue
        # The same event told twice in one batch is one row.
        groups.setdefault(group, {}).setdefault((event.source_id, event.target_id), event)
    now = timezone.now()
    times: dict[datetime, object] = {}
    months: dict[object, object] = {}
    created = 0
    for group, told in groups.items():
        rows = []
        for (source_id, target_id), event in told.items():
            at = times.get(event.at)
            if at is None:
                at = times[event.at] = ops.adapt_datetimefield_value(event.at)
            month = months.get(event.month or event.at)
            if month is None:
                month = months[event.month or event.at] = ops.adapt_datefield_value(
                    event.month or month_of(event.at)
                )
            rows.append((source_id, target_id, at, month))
        size = 5000 if connection.vendor == "postgresql" else BATCH
        for chunk in _chunks(rows, size):
            new = _insert(group, chunk, now=now)
            if not new:
                continue
            created += len(new)
            _supersede(group, [source_id for _pk, source_id, _target in new], now=now)
            notices.tell_recorded(
                [(pk, told[(source_id, target)].at) for pk, source_id, target in new],
                column=group.column,
                kind=group.rule.kind,
                points=group.rule.points,
            )
    return created
