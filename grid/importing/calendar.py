"""Reading a year's holiday schedule from CSV (``date,kind,name``) for the working calendar.

The State Council publishes the next year's schedule each late autumn; a system admin types it
into a small file (docs/deployment.md, "The working calendar") and imports it in the admin or
with ``manage.py import_calendar FILE``. Every row is checked as the admin checks a row typed
in by hand (``CalendarDay.full_clean``), every problem is reported with its line number, and
the service (:func:`grid.services.calendar_import`) writes only a file without any.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from grid.importing.reading import _decode
from grid.models.calendar import FIRST_YEAR, LAST_YEAR, CalendarDay, CalendarKind

CALENDAR_COLUMNS = ("date", "kind", "name")
# A year's schedule is some forty rows; a file far larger is not one.
CALENDAR_MAX_BYTES = 64 * 1024
CALENDAR_MAX_ROWS = 1000

_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")

# The first lines of 2026's schedule, as the State Council published it.
FORMAT_EXAMPLE = """date,kind,name
2026-01-01,holiday,元旦
2026-01-02,holiday,元旦
2026-01-03,holiday,元旦
2026-01-04,makeup,元旦
2026-02-14,makeup,春节
2026-02-15,holiday,春节"""


@dataclass
class CalendarFile:
    """What a file holds once read: its year, its days, and every problem found (by line)."""

    year: int | None = None
    days: list[CalendarDay] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def error(self, line: int | None, message: str) -> None:
        if line is None:
            self.errors.append(message)
        else:
            self.errors.append(_("Line %(line)d: %(message)s") % {"line": line, "message": message})


def read_calendar(data: bytes, *, year: int | None = None) -> CalendarFile:
    """Read and check a schedule file; ``year`` is the year it publishes (else the year most
    of its days fall in). Nothing is written."""
    result = CalendarFile()
    if len(data) > CALENDAR_MAX_BYTES:
        result.error(
            None, _("The file is larger than %(n)d KB.") % {"n": CALENDAR_MAX_BYTES // 1024}
        )
        return result
    text = _decode(data)
    if text is None or "\x00" in text:
        result.error(None, _("This is not a CSV text file."))
        return result
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        result.error(None, _("Broken CSV: %(error)s") % {"error": exc})
        return result
    if not table or not any(cell.strip() for cell in table[0]):
        result.error(None, _("The file is empty."))
        return result
    header = [cell.strip().lstrip("\ufeff").lower() for cell in table[0]]
    if header[: len(CALENDAR_COLUMNS)] != list(CALENDAR_COLUMNS) or any(header[3:]):
        result.error(
            1,
            _("the first line must be the column names: %(columns)s")
            % {"columns": "date,kind,name"},
        )
        return result
    rows = [
        (line, cells)
        for line, cells in enumerate(table[1:], start=2)
        if any(c.strip() for c in cells)
    ]
    if not rows:
        result.error(None, _("The file holds no days."))
        return result
    if len(rows) > CALENDAR_MAX_ROWS:
        result.error(None, _("The file holds more than %(n)d days.") % {"n": CALENDAR_MAX_ROWS})
        return result
    seen: dict[date, int] = {}
    checked: list[tuple[int, CalendarDay]] = []
    for line, cells in rows:
        day = _check_row(result, line, cells)
        if day is None:
            continue
        if day.date in seen:
            result.error(
                line,
                _("%(date)s is already on line %(other)d.")
                % {"date": day.date.isoformat(), "other": seen[day.date]},
            )
            continue
        seen[day.date] = line
        checked.append((line, day))
    result.year = year or _main_year([day for _line, day in checked])
    if result.year is not None:
        _check_year(result, checked)
    result.days = [day for _line, day in checked]
    return result


def _check_row(result: CalendarFile, line: int, cells: list[str]) -> CalendarDay | None:
    cells = [cell.strip() for cell in cells] + ["", "", ""]
    raw_date, kind, name = cells[0], cells[1].lower(), cells[2]
    if any(cells[3:]):
        result.error(line, _("a line holds three values: date, kind, name."))
        return None
    match = _DATE.match(raw_date)
    if match is None:
        result.error(
            line, _("“%(value)s” is not a date like 2027-01-01.") % {"value": raw_date[:40]}
        )
        return None
    try:
        parsed = date(*(int(part) for part in match.groups()))
    except ValueError:
        result.error(line, _("“%(value)s” is not a date of the calendar.") % {"value": raw_date})
        return None
    if kind not in CalendarKind.values:
        result.error(
            line,
            _(
                "the kind is “holiday” (a day off) or “makeup” (a make-up working day), "
                "not “%(value)s”."
            )
            % {"value": kind[:40]},
        )
        return None
    day = CalendarDay(date=parsed, kind=kind, name=name)
    try:
        day.full_clean(validate_unique=False)
    except ValidationError as exc:
        for messages in exc.message_dict.values():
            for message in messages:
                result.error(line, message)
        return None
    return day


def _main_year(days: list[CalendarDay]) -> int | None:
    """The year most of the days fall in: the year the schedule is for."""
    counts = Counter(day.date.year for day in days)
    return counts.most_common(1)[0][0] if counts else None


def _check_year(result: CalendarFile, checked: list[tuple[int, CalendarDay]]) -> None:
    year = result.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        result.error(None, _("%(year)d is not a year the calendar can hold.") % {"year": year})
        return
    # A year's schedule may reach into the neighbouring years' edges: a make-up working day on
    # a Saturday of late December before New Year's Day, the days off around it.
    first, last = date(year - 1, 12, 1), date(year + 1, 1, 31)
    for line, day in checked:
        if not first <= day.date <= last:
            result.error(
                line,
                _(
                    "%(date)s is not in the schedule of %(year)d (which may reach into "
                    "December %(before)d and January %(after)d, no further)."
                )
                % {
                    "date": day.date.isoformat(),
                    "year": year,
                    "before": year - 1,
                    "after": year + 1,
                },
            )
