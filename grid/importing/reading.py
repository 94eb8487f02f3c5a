"""Reading CSV files and XLSX workbooks into rows per entity, numbered as a spreadsheet shows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from grid.importing.formats import (
    COLUMNS,
    ENTITIES,
    XLS_MAGIC,
    XLSX_MAGIC,
    ImportIssue,
    ImportSource,
    Row,
)


class Reader:
    """Turns files into rows per entity, collecting every problem on the way."""

    def __init__(self, issues: list[ImportIssue]):
        self.issues = issues
        self.rows: dict[str, list[Row]] = {entity: [] for entity in ENTITIES}
        # A file or header could not be read: its rows are unknown, so references to them
        # cannot be checked either.
        self.broken = False

    def issue(self, source: str, row: int | None, column: str | None, message: str) -> None:
        self.issues.append(ImportIssue(source, row, column, message))
        self.broken = True

    def read(self, sources: list[ImportSource]) -> dict[str, list[Row]]:
        workbooks = sum(1 for s in sources if s.data.startswith(XLSX_MAGIC))
        limit = settings.GRID_IMPORT_MAX_BYTES
        for source in sources:
            if len(source.data) > limit:
                self.issue(
                    source.name,
                    None,
                    None,
                    _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
                )
            elif not source.data.strip():
                self.issue(source.name, None, None, _("The file is empty."))
            elif source.data.startswith(XLSX_MAGIC):
                self.read_xlsx(source, prefix=f"{source.name}/" if workbooks > 1 else "")
            elif source.data.startswith(XLS_MAGIC):
                self.issue(
                    source.name,
                    None,
                    None,
                    _("Old Excel (.xls) files are not supported: save it as .xlsx or CSV."),
                )
            else:
                self.read_csv(source)
        return self.rows

    def read_xlsx(self, source: ImportSource, prefix: str) -> None:
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds of errors on a zip that is no workbook
            self.issue(source.name, None, None, _("This is not a CSV file or an XLSX workbook."))
            return
        try:
            for sheet in workbook.worksheets:
                name = prefix + sheet.title
                entity = sheet.title.strip().lower()
                if entity not in COLUMNS:
                    self.issue(
                        name,
                        None,
                        None,
                        _("Unknown sheet %(sheet)s: use regions, grid_points, units or people.")
                        % {"sheet": sheet.title},
                    )
                    continue
                sheet.reset_dimensions()  # the stored dimensions may be wrong; read every row
                rows = sheet.iter_rows(values_only=True)
                self.read_table(name, entity, ([_cell(v) for v in row] for row in rows))
        finally:
            workbook.close()

    def read_csv(self, source: ImportSource) -> None:
        text = _decode(source.data)
        if text is None or "\x00" in text:
            self.issue(source.name, None, None, _("This is not a CSV file or an XLSX workbook."))
            return
        try:
            table = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            self.issue(source.name, None, None, _("Broken CSV: %(error)s") % {"error": exc})
            return
        header = [_norm_column(c) for c in table[0]] if table else []
        entity = self.entity_for_header(source.name, header)
        if entity is not None:
            self.read_table(source.name, entity, iter(table))

    def entity_for_header(self, source: str, header: list[str]) -> str | None:
        """Recognise a CSV file's entity from its header row; report the closest if none fits."""
        names = {c for c in header if c}
        for entity, columns in COLUMNS.items():
            if names == set(columns):
                return entity
        closest = max(ENTITIES, key=lambda e: len(names & set(COLUMNS[e])))
        if not names & set(COLUMNS[closest]):
            self.issue(
                source,
                1,
                None,
                _("Row 1 must hold the column names of regions, grid_points, units or people."),
            )
            return None
        self.report_columns(source, closest, names)
        return None

    def report_columns(self, source: str, entity: str, names: set[str]) -> None:
        missing = [c for c in COLUMNS[entity] if c not in names]
        unknown = sorted(names - set(COLUMNS[entity]))
        if missing:
            self.issue(
                source,
                1,
                None,
                _("Missing columns for %(entity)s: %(columns)s")
                % {"entity": entity, "columns": ", ".join(missing)},
            )
        if unknown:
            self.issue(
                source,
                1,
                None,
                _("Unknown columns for %(entity)s: %(columns)s")
                % {"entity": entity, "columns": ", ".join(unknown)},
            )

    def read_table(self, source: str, entity: str, table: Iterable[list[str]]) -> None:
        """Read rows below the header (row 1) into :class:`Row` objects."""
        table = iter(table)
        header = [_norm_column(c) for c in next(table, [])]
        names = [c for c in header if c]
        if not names:
            if any(any(cells) for cells in table):
                self.issue(source, 1, None, _("Row 1 must hold the column names."))
            return
        duplicated = sorted({c for c in names if names.count(c) > 1})
        if duplicated:
            self.issue(
                source,
                1,
                None,
                _("Repeated columns: %(columns)s") % {"columns": ", ".join(duplicated)},
            )
            return
        if set(names) != set(COLUMNS[entity]):
            self.report_columns(source, entity, set(names))
            return
        width = len(header)
        rows = self.rows[entity]
        for number, raw in enumerate(table, start=2):
            cells = [c.strip() for c in raw]
            if not any(cells):
                continue
            values = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}
            values.pop("", None)
            row = Row(source, number, values)
            if any(cells[width:]) or any(cells[i] for i, n in enumerate(header) if not n):
                row.ok = False
                self.issues.append(
                    ImportIssue(
                        source, number, None, _("A value stands in a column without a name.")
                    )
                )
            rows.append(row)


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _norm_column(value: str) -> str:
    return value.strip().lstrip("\ufeff").lower()


def _cell(value) -> str:
    """A spreadsheet cell as text; whole numbers (codes typed as numbers) without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()
