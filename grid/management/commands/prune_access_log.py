"""``manage.py prune_access_log [--days N]``: delete access records past their retention."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from grid.audit import access_log_prune


class Command(BaseCommand):
    """Delete access records older than ``ACCESS_LOG_RETENTION_DAYS``, in batches; safe to rerun.

    The daily task ``grid.tasks.prune_access_log`` does the same; this is for by hand.
    """

    help = "Delete access log records older than ACCESS_LOG_RETENTION_DAYS days (or --days)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"keep this many days (default: ACCESS_LOG_RETENTION_DAYS, "
            f"now {settings.ACCESS_LOG_RETENTION_DAYS})",
        )
        parser.add_argument("--batch-size", type=int, default=5000, help="rows per DELETE")

    def handle(self, *args, days: int | None, batch_size: int, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        deleted = access_log_prune(now=timezone.now(), days=days, batch_size=batch_size)
        self.stdout.write(f"Deleted {deleted} access record(s).")
