"""The product's spreadsheets, styled in one place: Chinese headers in bold on a tinted row,
the header row frozen, widths to fit the text (a CJK character counts as two), numbers stored
as numbers with a display format (rates as percentages).

Two ways to fill a sheet, the same look: :func:`table_sheet` for the small tables of the
bulletins (every row in memory, widths measured on the content), and :func:`streamed_sheet`
for the large exports (openpyxl's write-only mode: rows go to disk as they come, so the
widths are given up front and memory stays constant whatever the number of rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from scorecards.figures import Kind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")
MIN_WIDTH, MAX_WIDTH = 8, 40
# How a figure of each kind is shown (the stored value stays the number).
FORMATS = {Kind.RATE: "0.0%", Kind.HOURS: "0.0", Kind.POINTS: "0.0", Kind.COUNT: "0"}
DATETIME = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Column:
    header: str
    number_format: str | None = None  # None: as openpyxl stores the value
    width: float | None = None  # None: measured on the content (table_sheet only)


def text_width(text) -> float:
    """About how many Latin columns ``text`` takes (CJK characters take two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text if text is not None else ""))


def figure_format(kind: str) -> str:
    return FORMATS.get(kind, "0")


def _fit(width: float) -> float:
    return min(max(width + 2, MIN_WIDTH), MAX_WIDTH)


def table_sheet(
    book: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    *,
    freeze: str = "A2",
    measured: Sequence[int] | None = None,
) -> None:
    """A sheet of ``rows`` under ``columns``' headers; the columns without a width (or only
    those in ``measured``, by index) are as wide as their longest text."""
    sheet = book.create_sheet(title)
    sheet.append([c.header for c in columns])
    widths = [c.width or text_width(c.header) for c in columns]
    fit = set(range(len(columns)) if measured is None else measured)
    fit -= {i for i, c in enumerate(columns) if c.width is not None}
    for values in rows:
        sheet.append(list(values))
        for i in fit:
            widths[i] = max(widths[i], text_width(values[i]))
    for index, column in enumerate(columns, start=1):
        if column.number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = column.number_format
        sheet.column_dimensions[get_column_letter(index)].width = _fit(widths[index - 1])
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
    sheet.freeze_panes = freeze


def streamed_sheet(book: Workbook, title: str, columns: Sequence[Column]):
    """A write-only sheet (``book`` is ``Workbook(write_only=True)``) with the header row
    written, frozen and styled; returns ``append(values)`` for the rows, which writes each
    row at once with the columns' number formats (constant memory)."""
    sheet = book.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _fit(
            column.width or text_width(column.header)
        )
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header.append(cell)
    sheet.append(header)
    # One styled cell per formatted column, given each row's value in turn: a write-only
    # sheet writes a row out as it is appended, so the cell is free again at once, and its
    # style is looked up once, not once a row (a quarter's export has a million dates).
    styled = []
    for i, column in enumerate(columns):
        if column.number_format:
            cell = WriteOnlyCell(sheet)
            cell.number_format = column.number_format
            styled.append((i, cell))

    def append(values: Sequence) -> None:
        if not styled:
            sheet.append(values)
            return
        row = list(values)
        for i, cell in styled:
            if row[i] is not None:
                cell.value = row[i]
                row[i] = cell
        sheet.append(row)

    return append
