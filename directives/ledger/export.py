"""The ledger as a spreadsheet (openpyxl): the rows of the page, every page, in Chinese
column names, with a frozen header and columns as wide as their contents."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from directives.ledger.selectors import units_of, with_cases

# Rows read per round: the linked cases of each batch come in one query.
BATCH = 500


def _width(value) -> int:
    # A CJK character is about two columns wide.
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def ledger_workbook(entries, *, closed: bool) -> bytes:
    """The matters of ``entries`` (a queryset from :func:`ledger_for`) as an .xlsx file."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Key matters")
    headers = [
        _("Matter"),
        _("County"),
        _("Linked cases"),
        _("Units"),
        _("Opened"),
        _("Last movement"),
        _("Next follow-up"),
        _("Reason"),
    ]
    if closed:
        headers += [_("Taken off"), _("Closing assessment")]
    sheet.append(headers)
    widths = [_width(h) for h in headers]
    tz = timezone.get_current_timezone()
    rows = entries.iterator(chunk_size=BATCH)
    while True:
        batch = [entry for _i, entry in zip(range(BATCH), rows, strict=False)]
        if not batch:
            break
        for entry in with_cases(batch):
            values = [
                entry.matter,
                entry.county.name,
                "、".join(link.report.case_number for link in entry.links.all()),
                "、".join(units_of(entry)),
                entry.opened_at.astimezone(tz).replace(tzinfo=None),
                entry.last_movement.astimezone(tz).replace(tzinfo=None),
                entry.next_follow_up,
                entry.reason,
            ]
            if closed:
                values += [entry.closed_at.astimezone(tz).replace(tzinfo=None), entry.assessment]
            sheet.append(values)
            widths = [max(w, _width(v)) for w, v in zip(widths, values, strict=False)]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8ECF5")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center", horizontal="center")
    for column in (5, 6, 9) if closed else (5, 6):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = "yyyy-mm-dd hh:mm"
    for (cell,) in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        cell.number_format = "yyyy-mm-dd"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 10), 60)
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
