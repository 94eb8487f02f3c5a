"""The 09:00 handover check at province scale (see bench/README.md, "Handover check").

On a scratch database with the province's grid and people (``BENCH_DB=roster_bench
bench/seed_grid.sh``): writes 60 days of rosters for every grid point with people and the
platforms (``duty.demo_rosters.seed_rosters(province=True)``, timed), then, at 09:00:00 of the
next day, with every handover of that day not yet given, times the first check (marks each
missed and tells its leaders) and a second one (nothing left to do)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roster_bench .venv/bin/python bench/handover.py
"""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from duty.demo_rosters import seed_rosters  # noqa: E402
from duty.handover_kind import HANDOVER  # noqa: E402
from duty.handover_tasks import handover_check  # noqa: E402
from duty.models import DutyDay, ExpectedSubmission, Handover  # noqa: E402
from duty.times import duty_date_at, handover_due  # noqa: E402


def main() -> None:
    now = timezone.now()
    started = time.monotonic()
    counts = seed_rosters(province=True, now=now, log=print) or {}
    print(f"rosters written in {time.monotonic() - started:.1f} s: {counts}")
    tomorrow = duty_date_at(now) + timedelta(days=1)
    due = handover_due(tomorrow + timedelta(days=1))  # the handover from tomorrow's duty
    owed = DutyDay.objects.filter(date=tomorrow + timedelta(days=1)).count()
    Handover.objects.filter(due_at=due).delete()
    for run in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.monotonic()
            result = handover_check(now=due)
            elapsed = time.monotonic() - t0
        print(
            f"check {run} at {timezone.localtime(due):%Y-%m-%d %H:%M:%S}: {elapsed:.2f} s, "
            f"{len(queries)} queries, {result} (duties owed a handover: {owed})"
        )
    missed = ExpectedSubmission.objects.filter(kind=HANDOVER, due_at=due, status="missed").count()
    print(f"handovers missed at that time: {missed}")


if __name__ == "__main__":
    main()
