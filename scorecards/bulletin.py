"""The monthly bulletin (月通报) of a closed month, as a person may see it: the ranking with
praise for the best and criticism for the worst, and the spreadsheet of every level's rows."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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


def _width(text: str) -> float:
    # CJK characters take about two columns of a Latin one.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def bulletin_workbook(*, user, snapshot: MonthSnapshot) -> bytes:
    """One sheet per level: rank, name, within, score and every figure, numbers as numbers
    (rates formatted as percentages), Chinese headers, header row frozen, widths to fit."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE6F2")
    for level in SHEET_LEVELS:
        sheet = book.create_sheet(str(AssessLevel(level).label))
        names = [n for n in snapshot.columns.get(level, []) if n in FIGURES]
        headers = [_("Rank"), pgettext("scorecard column", "Assessed"), _("Within"), _("Score")] + [
            str(FIGURES[n].label) for n in names
        ]
        sheet.append(headers)
        widths = [_width(h) for h in headers]
        for row in scorecard_rows_for(user=user, snapshot=snapshot, level=level).iterator():
            values = [
                row.rank,
                row.name,
                row.parent_name,
                None if row.score is None else float(row.score),
                *(row.figures.get(n) for n in names),
            ]
            sheet.append(values)
            for i in (1, 2):
                widths[i] = max(widths[i], _width(values[i]))
        for index, name in enumerate(names, start=5):
            fmt = {Kind.RATE: "0.0%", Kind.HOURS: "0.0", Kind.POINTS: "0.0"}.get(
                FIGURES[name].kind, "0"
            )
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 40)
        sheet.freeze_panes = "C2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
