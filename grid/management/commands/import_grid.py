"""``manage.py import_grid FILE [FILE ...] [--dry-run]``: load the grid from CSV/XLSX files."""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grid.importing import ENTITIES, FORMAT_HELP, ImportSource
from grid.services import grid_import


class Command(BaseCommand):
    """Import regions, grid points, units and people; all or nothing, safe to run again."""

    help = "Import the grid (regions, grid points, units, people) from CSV or XLSX files.\n\n" + (
        FORMAT_HELP
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter  # keep the format's lines
        return parser

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="CSV or XLSX files")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the files and count, but write nothing"
        )

    def handle(self, *args, files: list[str], dry_run: bool, **options):
        sources = []
        for name in files:
            try:
                sources.append(ImportSource.from_path(name))
            except OSError as exc:
                raise CommandError(f"{name}: {exc.strerror or exc}") from exc
        result = grid_import(sources=sources, dry_run=dry_run)
        if not result.ok:
            for issue in result.errors:
                self.stderr.write(str(issue))
            raise CommandError(
                _("%(count)s error(s); nothing was imported.") % {"count": len(result.errors)}
            )
        for entity in ENTITIES:
            counts = result.counts[entity]
            if counts.total:
                self.stdout.write(
                    _(
                        "%(entity)s: %(created)s created, %(updated)s updated, "
                        "%(unchanged)s unchanged"
                    )
                    % {
                        "entity": entity,
                        "created": counts.created,
                        "updated": counts.updated,
                        "unchanged": counts.unchanged,
                    }
                )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
