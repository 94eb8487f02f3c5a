"""Writes of scorecards: closing a month, recomputing it before it is published, publishing."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.models import User
from scorecards.assess import Assessed, assess, column_names
from scorecards.figures import AssessLevel
from scorecards.models import MonthSnapshot, ScoreRow, SnapshotRevision, SnapshotState
from scorecards.months import Month
from scorecards.rules import may_recompute

log = logging.getLogger(__name__)
# How many changed figures a recomputation keeps in its record (the count is always kept).
CHANGES_KEPT = 500


class MonthNotClosed(Exception):
    """The month is not over yet, so it cannot be closed."""


class MonthPublished(Exception):
    """A published month does not change."""


def _rows(snapshot: MonthSnapshot, level: str, assessed: list[Assessed]) -> list[ScoreRow]:
    return [
        ScoreRow(
            snapshot=snapshot,
            level=level,
            node_id=a.node_id,
            name=a.name[:120],
            parent_name=a.parent_name[:120],
            path=a.path,
            figures=a.figures,
            score=a.score,
            rank=a.rank,
        )
        for a in assessed
    ]


def _compute(month: Month, now: datetime) -> tuple[dict, dict, dict[str, list[Assessed]]]:
    """Every level of ``month``, read in one transaction (one view of the data on PostgreSQL's
    repeatable read is not needed: the figures read rows of the past month, which later steps
    only add to); with room to sort a month's cases in memory (``SCORECARDS_WORK_MEM``)."""
    columns, ranked_by, levels = {}, {}, {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('work_mem', %s, true)", [settings.SCORECARDS_WORK_MEM]
                )
        for level in AssessLevel.values:
            levels[level], ranked_by[level] = assess(month=month, level=level, as_of=now)
            columns[level] = column_names(level)
    return columns, ranked_by, levels


def month_close(*, month: Month, now: datetime | None = None) -> MonthSnapshot | None:
    """Compute ``month`` and freeze it, once: a month already closed is left as it is.

    Returns the new snapshot, or None if the month was closed before (by an earlier run or a
    concurrent one: the unique month decides).
    """
    now = now or timezone.now()
    if month.end > now:
        raise MonthNotClosed(str(month))
    if MonthSnapshot.objects.filter(month=month.first_day).exists():
        return None
    columns, ranked_by, levels = _compute(month, now)
    try:
        with transaction.atomic():
            snapshot = MonthSnapshot.objects.create(
                month=month.first_day, computed_at=now, columns=columns, ranked_by=ranked_by
            )
            for level, assessed in levels.items():
                ScoreRow.objects.bulk_create(_rows(snapshot, level, assessed), batch_size=2000)
    except IntegrityError:
        return None  # closed meanwhile by another run
    log.info("scorecards: closed %s", month)
    return snapshot


def _diff(old: dict[tuple, ScoreRow], new: list[ScoreRow]) -> tuple[int, list[dict]]:
    changed_rows, changes = 0, []
    for row in new:
        before = old.get((row.level, row.node_id))
        was = before.figures if before else {}
        names = sorted(set(was) | set(row.figures))
        diffs = [n for n in names if was.get(n) != row.figures.get(n)]
        if before is not None and before.rank != row.rank:
            diffs.append("rank")
        if before is not None and before.score != row.score:
            diffs.append("score")
        if not diffs and before is not None:
            continue
        changed_rows += 1
        for name in diffs:
            if len(changes) >= CHANGES_KEPT:
                break
            if name == "rank":
                old_value, new_value = before.rank, row.rank
            elif name == "score":
                old_value = None if before.score is None else str(before.score)
                new_value = None if row.score is None else str(row.score)
            else:
                old_value, new_value = was.get(name), row.figures.get(name)
            changes.append(
                {
                    "level": row.level,
                    "node_id": row.node_id,
                    "name": row.name,
                    "figure": name,
                    "old": old_value,
                    "new": new_value,
                }
            )
    return changed_rows, changes


def month_recompute(
    *, month: Month, by: User, reason: str = "", now: datetime | None = None
) -> SnapshotRevision:
    """Compute a closed, unpublished month again and replace its rows, recording the change.

    For city admins (``scorecards.rules.may_recompute``); a published month refuses.
    """
    now = now or timezone.now()
    if not may_recompute(by):
        raise PermissionDenied(_("Only a city admin may recompute a month."))
    columns, ranked_by, levels = _compute(month, now)
    with transaction.atomic():
        snapshot = MonthSnapshot.objects.select_for_update().get(month=month.first_day)
        if snapshot.is_published:
            raise MonthPublished(str(month))
        old = {(r.level, r.node_id): r for r in snapshot.rows.all()}
        new = [
            row for level, assessed in levels.items() for row in _rows(snapshot, level, assessed)
        ]
        changed_rows, changes = _diff(old, new)
        snapshot.rows.all().delete()
        ScoreRow.objects.bulk_create(new, batch_size=2000)
        snapshot.revision += 1
        snapshot.computed_at, snapshot.computed_by = now, by
        snapshot.columns, snapshot.ranked_by = columns, ranked_by
        snapshot.save()
        return SnapshotRevision.objects.create(
            snapshot=snapshot,
            number=snapshot.revision,
            at=now,
            by=by,
            reason=reason,
            changed_rows=changed_rows,
            changes=changes,
        )


def month_publish(*, month: Month, by: User, now: datetime | None = None) -> MonthSnapshot:
    """Publish a closed month: from now on it is final (and says who published it, when)."""
    now = now or timezone.now()
    if not may_recompute(by):
        raise PermissionDenied(_("Only a city admin may publish a month."))
    with transaction.atomic():
        snapshot = MonthSnapshot.objects.select_for_update().get(month=month.first_day)
        if snapshot.is_published:
            raise MonthPublished(str(month))
        snapshot.state = SnapshotState.PUBLISHED
        snapshot.published_at, snapshot.published_by = now, by
        snapshot.save(update_fields=["state", "published_at", "published_by"])
        return snapshot
