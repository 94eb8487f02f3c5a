"""The quarterly summary (季度总结): a quarter's three frozen months added up per node.

Read from the month snapshots only (a quarter never moves once its months are closed): one
``GROUP BY node`` per level over the months' rows summing every count, averaging the score,
and counting the months a node was assessed in; a rate is its numerator's sum over its
denominator's (not an average of monthly rates); medians (hours) cannot be added up and are
left to the monthly bulletins. Ranked by the average score, or, before scores exist, by the
figure the months were ranked by.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from django.db.models import Avg, Count, IntegerField, Max, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from scorecards.bulletin import NAMED, SHEET_LEVELS
from scorecards.exports.periods import Quarter
from scorecards.exports.sheets import Column, figure_format, table_sheet
from scorecards.figures import FIGURES, AssessLevel, Kind
from scorecards.models import MonthSnapshot, ScoreRow


@dataclass
class QuarterRow:
    node_id: int
    name: str
    parent_name: str
    months: int
    score: float | None
    figures: dict
    rank: int | None = None


@dataclass
class QuarterSummary:
    quarter: Quarter
    snapshots: list[MonthSnapshot]
    level: str
    columns: list[str]  # figure names, counts and rates
    ranked_by: str  # "score" or a figure name
    rows: list[QuarterRow] = field(default_factory=list)

    @property
    def praised(self) -> list[QuarterRow]:
        return [r for r in self.rows if r.rank is not None][:NAMED]

    @property
    def criticised(self) -> list[QuarterRow]:
        ranked = [r for r in self.rows if r.rank is not None]
        return [r for r in reversed(ranked[NAMED:]) if r.rank != ranked[0].rank][:NAMED]

    @property
    def missing_months(self) -> list[str]:
        closed = {s.month for s in self.snapshots}
        return [str(m) for m in self.quarter.months if m.first_day not in closed]


def quarter_snapshots(quarter: Quarter) -> list[MonthSnapshot]:
    return list(
        MonthSnapshot.objects.filter(month__in=[m.first_day for m in quarter.months]).order_by(
            "month"
        )
    )


def _columns(snapshots: list[MonthSnapshot], level: str) -> tuple[list[str], list[str]]:
    """The level's counts (summed) and rates (from summed counts), in the months' order."""
    names: list[str] = []
    for snapshot in snapshots:
        names += [n for n in snapshot.columns.get(level, []) if n in FIGURES and n not in names]
    counts = [n for n in names if FIGURES[n].kind == Kind.COUNT]
    rates = [
        n
        for n in names
        if FIGURES[n].kind == Kind.RATE
        and FIGURES[n].ratio
        and all(part in counts for part in FIGURES[n].ratio)
    ]
    return counts, rates


def quarter_summary(
    *, user, quarter: Quarter, level: str, snapshots: list[MonthSnapshot] | None = None
) -> QuarterSummary:
    """The quarter's rows of ``level`` that ``user`` may see, ranked (one query)."""
    snapshots = quarter_snapshots(quarter) if snapshots is None else snapshots
    counts, rates = _columns(snapshots, level)
    latest = snapshots[-1] if snapshots else None
    ranked_by = latest.ranked_by.get(level, "") if latest else ""
    summary = QuarterSummary(quarter, snapshots, level, [*counts, *rates], ranked_by)
    if not snapshots:
        return summary
    sums = {f"sum_{n}": Sum(Cast(KT(f"figures__{n}"), IntegerField())) for n in counts}
    grouped = (
        ScoreRow.objects.visible_to(user)
        .filter(snapshot__in=snapshots, level=level)
        .values("node_id")
        .annotate(
            name_=Max("name"),
            parent_=Max("parent_name"),
            months_=Count("id"),
            score_=Avg("score"),
            **sums,
        )
        .order_by("node_id")
    )
    for values in grouped:
        figures = {n: values[f"sum_{n}"] for n in counts}
        for n in rates:
            top, bottom = (figures.get(part) for part in FIGURES[n].ratio)
            figures[n] = round(top / bottom, 4) if top is not None and bottom else None
        score = values["score_"]
        summary.rows.append(
            QuarterRow(
                values["node_id"],
                values["name_"],
                values["parent_"],
                values["months_"],
                None if score is None else round(float(score), 2),
                figures,
            )
        )
    if any(r.score is not None for r in summary.rows):
        summary.ranked_by = "score"

    def measure(row: QuarterRow):
        return row.score if summary.ranked_by == "score" else row.figures.get(summary.ranked_by)

    summary.rows.sort(key=lambda r: (measure(r) is None, -(measure(r) or 0), r.name, r.node_id))
    rank, previous = 0, object()
    for position, row in enumerate(summary.rows, start=1):
        value = measure(row)
        if value is None:
            continue
        if value != previous:
            rank, previous = position, value
        row.rank = rank
    return summary


def quarter_workbook(*, user, quarter: Quarter) -> bytes:
    """One sheet per level, styled as the monthly bulletin's (:mod:`scorecards.exports.sheets`)."""
    snapshots = quarter_snapshots(quarter)
    book = Workbook()
    book.remove(book.active)
    for level in SHEET_LEVELS:
        summary = quarter_summary(user=user, quarter=quarter, level=level, snapshots=snapshots)
        columns = [
            Column(_("Rank"), "0"),
            Column(pgettext("scorecard column", "Assessed")),
            Column(_("Within")),
            Column(_("Months assessed"), "0"),
            Column(_("Average score"), figure_format(Kind.POINTS)),
            *(
                Column(str(FIGURES[n].label), figure_format(FIGURES[n].kind))
                for n in summary.columns
            ),
        ]
        rows = (
            [r.rank, r.name, r.parent_name, r.months, r.score]
            + [r.figures.get(n) for n in summary.columns]
            for r in summary.rows
        )
        table_sheet(
            book, str(AssessLevel(level).label), columns, rows, freeze="C2", measured=[1, 2]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
