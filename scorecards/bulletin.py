"""The monthly bulletin (月通报) of a closed month, as a person may see it: the ranking with
praise for the best and criticism for the worst, and the spreadsheet of every level's rows."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from scorecards.exports.sheets import Column, figure_format, table_sheet
from scorecards.figures import FIGURES, AssessLevel, Kind
from scorecards.models import MonthSnapshot, ScoreRow
from scorecards.selectors import scorecard_rows_for

# How many are praised and criticised.
NAMED = 3
SHEET_LEVELS = [AssessLevel.COUNTY, AssessLevel.TOWNSHIP, AssessLevel.GRID_POINT, AssessLevel.UNIT]


@dataclass
class Bulletin:
    snapshot: MonthSnapshot
    level: str
    rows: list[ScoreRow]
    praised: list[ScoreRow]
    criticised: list[ScoreRow]
    overdue: list[ScoreRow]  # units with overdue cases, most first


def bulletin_for(*, user, snapshot: MonthSnapshot, level: str) -> Bulletin:
    """The bulletin's content in three queries (the level's rows, the units' overdue)."""
    rows = list(scorecard_rows_for(user=user, snapshot=snapshot, level=level))
    ranked = [r for r in rows if r.rank is not None]
    praised = ranked[:NAMED]
    criticised = [r for r in reversed(ranked[NAMED:]) if r.rank != ranked[0].rank][:NAMED]
    units = scorecard_rows_for(user=user, snapshot=snapshot, level=AssessLevel.UNIT)
    overdue = sorted(
        (u for u in units if (u.figures.get("overdue") or 0) > 0),
        key=lambda u: (-u.figures["overdue"], u.name),
    )[:10]
    return Bulletin(snapshot, level, rows, praised, criticised, overdue)


def bulletin_workbook(*, user, snapshot: MonthSnapshot) -> bytes:
    """One sheet per level: rank, name, within, score and every figure, numbers as numbers
    (rates formatted as percentages), Chinese headers, header row frozen, widths to fit."""
    book = Workbook()
    book.remove(book.active)
    for level in SHEET_LEVELS:
        names = [n for n in snapshot.columns.get(level, []) if n in FIGURES]
        columns = [
            Column(_("Rank"), "0"),
            Column(pgettext("scorecard column", "Assessed")),
            Column(_("Within")),
            Column(_("Score"), figure_format(Kind.POINTS)),
            *(Column(str(FIGURES[n].label), figure_format(FIGURES[n].kind)) for n in names),
        ]
        rows = (
            [
                row.rank,
                row.name,
                row.parent_name,
                None if row.score is None else float(row.score),
                *(row.figures.get(n) for n in names),
            ]
            for row in scorecard_rows_for(user=user, snapshot=snapshot, level=level).iterator()
        )
        table_sheet(
            book, str(AssessLevel(level).label), columns, rows, freeze="C2", measured=[1, 2]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
