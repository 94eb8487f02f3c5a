"""Deductions at scale: one sweep's batch of 15,000 score events (every grid point missed its
daily report), told twice, and the month's totals per grid point.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/deductions.py

On a database with the seeded province grid (bench/seed_grid.sh is enough): times the hook
recording 15,000 deductions (and writing the notifications of the grid points' heads) in one
transaction, the same batch told again (nothing new), and ``deductions_totals`` for the
month at grid-point level; then deletes what it wrote. Prints the times and the counts.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from duty.deductions.selectors import deductions_totals  # noqa: E402
from duty.deductions.services import deductions_from_events  # noqa: E402
from duty.models import Deduction, DeductionEvent  # noqa: E402
from grid.hooks import ScoreEvent  # noqa: E402
from grid.models import GridPoint  # noqa: E402
from notifications.models import Notification  # noqa: E402

# A day no demo data uses: what this writes is told apart by it, and deleted.
AT = datetime(2030, 1, 15, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=15000)
    args = parser.parse_args()
    ids = list(GridPoint.objects.order_by("pk").values_list("pk", flat=True)[: args.points])
    events = [
        ScoreEvent(
            kind="daily_report_missed",
            source_model=GridPoint,
            source_id=pk,
            target_model=GridPoint,
            target_id=pk,
            at=AT,
        )
        for pk in ids
    ]
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        for label in ("first", "second"):
            started = time.perf_counter()
            with transaction.atomic():
                made = deductions_from_events(events)
            print(
                f"{label} telling: {made:,} new of {len(events):,} in "
                f"{time.perf_counter() - started:.3f} s"
            )
        started = time.perf_counter()
        totals = deductions_totals(month=date(2030, 1, 1), level="grid_point")
        print(f"totals: {len(totals):,} grid points in {time.perf_counter() - started:.3f} s")
        told = Notification.objects.filter(pk__gt=before, kind="deduction_recorded").count()
        print(f"notifications written: {told:,}")
    finally:
        with transaction.atomic():
            mine = Deduction.objects.filter(at=AT, created_by__isnull=True)
            DeductionEvent.objects.filter(deduction__in=mine)._raw_delete(connection.alias)
            mine._raw_delete(connection.alias)
            Notification.objects.filter(pk__gt=before, kind="deduction_recorded").delete()


if __name__ == "__main__":
    main()
