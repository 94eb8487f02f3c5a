"""Import of the grid from CSV and XLSX files: read, check every row, then write all or nothing.

The same columns serve both formats (see :data:`COLUMNS` and :data:`FORMAT_HELP`). An import
is one or more files; rows may refer to rows of any file of the same import, in any order,
or to rows already in the database. Existing rows are matched by code (username for people)
and updated only where a value differs, so importing the same files twice writes nothing.

Existing rows are loaded with one query per table, every row is checked in memory, and the
writes are bulk inserts and updates in one transaction, parents before children. The entry
point is :func:`grid.services.grid_import`.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grid.importing.checking import Checker, load_existing
from grid.importing.formats import (
    COLUMNS,
    ENTITIES,
    FORMAT_HELP,
    EntityCounts,
    ImportIssue,
    ImportResult,
    ImportSource,
)
from grid.importing.reading import Reader
from grid.importing.writing import plan_import, write_import
from grid.scoping import EVERYTHING, Jurisdiction

__all__ = [
    "COLUMNS",
    "ENTITIES",
    "FORMAT_HELP",
    "EntityCounts",
    "ImportIssue",
    "ImportResult",
    "ImportSource",
    "run_import",
]


def run_import(*, sources: list[ImportSource], dry_run: bool, scope: Jurisdiction = EVERYTHING):
    """Read, check and (unless ``dry_run`` or anything is wrong) write; see the module doc."""
    result = ImportResult(dry_run=dry_run)
    if not sources:
        result.errors.append(ImportIssue("", None, None, _("No file was given.")))
        return result
    reader = Reader(result.errors)
    rows = reader.read(sources)
    if reader.broken:
        return result
    if not any(rows.values()):
        result.errors.append(ImportIssue("", None, None, _("The files hold no rows.")))
        return result
    existing = load_existing()
    wanted = Checker(rows, existing, scope, result.errors).check()
    result.errors.sort(key=lambda i: (i.source, i.row or 0))
    if result.errors:
        return result
    plan = plan_import(wanted, existing, result)
    if dry_run or not any(creates or updates for creates, updates in plan.values()):
        return result
    try:
        with transaction.atomic():
            write_import(plan, existing)
    except IntegrityError as exc:
        # A concurrent change, or a swap of grid point regions the checks do not foresee.
        result.errors.append(
            ImportIssue(
                "", None, None, _("The database refused the import: %(error)s") % {"error": exc}
            )
        )
    return result
