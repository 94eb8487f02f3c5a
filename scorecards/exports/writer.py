"""The spreadsheet of an export's cases, streamed: read CHUNK rows at a time (keyset pages),
rows written at once by openpyxl's write-only mode to a temporary
file, so memory stays the same for ten rows or a quarter of a province."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from reports.models import Category, Grade, Report, Satisfaction, SourcePlatform, Status
from scorecards.exports.sheets import DATETIME, Column, streamed_sheet

CHUNK = 2000  # rows read per query
FIELDS = (
    "case_number",
    "title",
    "category",
    "source_platform",
    "grade",
    "suggested_grade",
    "status",
    "county__name",
    "region__name",
    "lead_unit__name",
    "assigned_unit__name",
    "created_at",
    "disposal_due_at",
    "disposal_reported_at",
    "closed_at",
    "satisfaction",
)


def columns() -> list[Column]:
    """The sheet's columns, in the active language (the worker writes in the product's)."""
    return [
        Column(_("Case number"), width=22),
        Column(_("Title"), width=40),
        Column(_("Category"), width=14),
        Column(_("Source platform"), width=12),
        Column(_("Grade"), width=10),
        Column(_("Status"), width=12),
        Column(_("County"), width=14),
        Column(_("Concerns"), width=18),
        Column(_("Handling unit"), width=22),
        Column(_("Submitted at"), DATETIME, width=17),
        Column(_("Disposal status due"), DATETIME, width=17),
        Column(_("Disposal status reported"), DATETIME, width=17),
        Column(_("Closed at"), DATETIME, width=17),
        Column(_("Satisfaction"), width=12),
    ]


def _wall_clock() -> Callable[[datetime | None], datetime | None]:
    """Spreadsheets have no time zones: a moment as the city's wall-clock time (the zone looked
    up once, not for each of a quarter's million dates)."""
    zone = timezone.get_current_timezone()

    def local(moment: datetime | None) -> datetime | None:
        return None if moment is None else moment.astimezone(zone).replace(tzinfo=None)

    return local


def _stream(cases: QuerySet[Report]):
    """The rows oldest first, CHUNK at a time by keyset (created_at, id): constant memory even
    where server-side cursors are off (settings: DISABLE_SERVER_SIDE_CURSORS, for poolers),
    which would make ``.iterator()`` read the whole result into the client."""
    after = None
    while True:
        page = cases.order_by("created_at", "id")
        if after is not None:
            page = page.filter(Q(created_at__gt=after[0]) | Q(created_at=after[0], id__gt=after[1]))
        chunk = list(page.values_list(*FIELDS, "id")[:CHUNK])
        for row in chunk:
            yield row[:-1]
        if len(chunk) < CHUNK:
            return
        after = (chunk[-1][FIELDS.index("created_at")], chunk[-1][-1])


def write_cases(
    cases: QuerySet[Report], out, *, progress: Callable[[int], None], every: int = 5000
) -> int:
    """Write ``cases`` (oldest first) to ``out`` (a path or a binary file); calls
    ``progress(rows written so far)`` every ``every`` rows and at the end. Returns the rows."""
    labels = {
        name: {k: str(v) for k, v in choices.choices}
        for name, choices in (
            ("category", Category),
            ("platform", SourcePlatform),
            ("grade", Grade),
            ("status", Status),
            ("satisfaction", Satisfaction),
        )
    }
    local = _wall_clock()
    book = Workbook(write_only=True)
    append = streamed_sheet(book, _("Cases"), columns())
    written = 0
    for (
        number,
        title,
        category,
        platform,
        grade,
        suggested,
        status,
        county,
        region,
        lead_unit,
        assigned_unit,
        created,
        due,
        reported,
        closed,
        satisfaction,
    ) in _stream(cases):
        append(
            (
                number,
                title,
                labels["category"].get(category, category),
                labels["platform"].get(platform, platform),
                labels["grade"].get(grade or suggested, grade),
                labels["status"].get(status, status),
                county,
                region,
                lead_unit or assigned_unit or "",
                local(created),
                local(due),
                local(reported),
                local(closed),
                labels["satisfaction"].get(satisfaction, satisfaction or ""),
            )
        )
        written += 1
        if written % every == 0:
            progress(written)
    book.save(out)
    progress(written)
    return written
