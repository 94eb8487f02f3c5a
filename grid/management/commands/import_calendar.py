"""``manage.py import_calendar FILE [--year YEAR]``: a year's holidays into the working calendar."""

from __future__ import annotations

import argparse
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grid.importing.calendar import CALENDAR_MAX_BYTES, FORMAT_EXAMPLE
from grid.services import calendar_import


class Command(BaseCommand):
    """Import the State Council's holiday schedule of a year from CSV; all or nothing."""

    help = (
        "Import a year's holidays and make-up working days into the working calendar, from a "
        "CSV file with the columns date,kind,name (kind: holiday or makeup), e.g.\n\n"
        + FORMAT_EXAMPLE
        + "\n\nThe year is then known: its deadlines are counted on its holidays."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter  # keep the example's lines
        return parser

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="CSV file: date,kind,name")
        parser.add_argument(
            "--year",
            type=int,
            help="the year the file publishes (default: the year most of its days fall in)",
        )

    def handle(self, *args, file: str, year: int | None, **options):
        path = Path(file)
        try:
            with path.open("rb") as handle:
                data = handle.read(CALENDAR_MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}") from exc
        try:
            done = calendar_import(data=data, source=f"CSV {path.name}", year=year)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(f"{path.name}: {message}")
            raise CommandError(
                _("%(count)d error(s); nothing was imported.") % {"count": len(exc.messages)}
            ) from exc
        self.stdout.write(
            _("%(year)d: %(created)d days added, %(updated)d changed, %(unchanged)d unchanged.")
            % {
                "year": done.year,
                "created": done.created,
                "updated": done.updated,
                "unchanged": done.unchanged,
            }
        )
