"""Reads of scorecards: closed months, their rows as a person may see them, the cases (or
deductions, or owed submissions) behind a figure. Every list is scoped (``visible_to``) like
everything else."""

from __future__ import annotations

from django.db.models import F, QuerySet

from reports.models import Report
from scorecards.figures import FIGURES, Listing, measure_of
from scorecards.models import MonthSnapshot, ScoreRow
from scorecards.months import Month


def snapshot_of(month: Month) -> MonthSnapshot | None:
    return MonthSnapshot.objects.filter(month=month.first_day).first()


def latest_snapshot() -> MonthSnapshot | None:
    return MonthSnapshot.objects.order_by("-month").first()


def snapshots() -> QuerySet[MonthSnapshot]:
    return MonthSnapshot.objects.order_by("-month")


def scorecard_rows_for(*, user, snapshot: MonthSnapshot, level: str) -> QuerySet[ScoreRow]:
    """The rows of ``level`` in a closed month that ``user`` may see, in rank order (the
    unranked last, then by name)."""
    return (
        ScoreRow.objects.visible_to(user)
        .filter(snapshot=snapshot, level=level)
        .order_by(F("rank").asc(nulls_last=True), "name", "node_id")
    )


def drill_listing(*, level: str, figure: str) -> Listing | None:
    """What the drill-down of ``figure`` at ``level`` lists, when not cases (its source's)."""
    measure = measure_of(FIGURES[figure], level) if figure in FIGURES else None
    return measure.source.listing if measure is not None else None


def drill_for(
    *, user, snapshot: MonthSnapshot, level: str, node_id: int, figure: str
) -> QuerySet | None:
    """The cases behind one figure of one node in a closed month, as ``user`` may see them
    (or, for a source with a :class:`Listing`, its own rows: the deductions, the missed daily
    reports); None if the figure is not measured at the level or the node is not theirs.

    The rows are read now (a case may have moved on since the month was frozen); the moment
    the month was computed decides what counted as overdue, or missed, as it did then.
    """
    if figure not in FIGURES:
        return None
    measure = measure_of(FIGURES[figure], level)
    if measure is None:
        return None
    row = ScoreRow.objects.visible_to(user).filter(snapshot=snapshot, level=level, node_id=node_id)
    if not row.exists():
        return None
    month, as_of = Month.from_date(snapshot.month), snapshot.computed_at
    source = measure.source
    rows = (
        source.rows(month, as_of)
        .order_by()
        .annotate(_node=source.keys[level])
        .filter(_node=node_id)
        .filter(measure.condition(month, as_of))
    )
    if measure.value is not None:
        rows = rows.annotate(_value=measure.value).filter(_value__isnull=False)
    if source.listing is not None:
        return source.listing.rows(user, rows)
    return Report.objects.visible_to(user).filter(pk__in=rows.values(source.case))
