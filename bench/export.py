"""Time a quarter's case export (scorecards.exports) on a seeded province: 250,000 reports
filed in 2026-Q3, streamed to a spreadsheet by the worker's own code path, with its memory.

    BENCH_DB=score12b_bench bench/seed_grid.sh          # the province's grid and people
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/score12b_bench \
        .venv/bin/python bench/export.py

The first run adds the reports (the SQL history writer of reports.demo, 92 days ending on
1 October 2026, so every one is Q3's) if the quarter holds fewer than ROWS (``--seed-only``:
only that, so the timed run can wait for a quiet machine). Then:

1. the quarter's export, timed (wall clock), and the process's peak RSS before and after;
2. exports of 10 days, a month and the quarter under tracemalloc: the peak of Python's
   allocations for each, which must not grow with the number of rows (constant memory).

The files go to the default storage and are deleted afterwards; the log rows stay.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from datetime import date, datetime

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402

from grid.models import User  # noqa: E402
from grid.workdays import SHANGHAI  # noqa: E402
from reports.demo.sql import seed_report_history_postgres  # noqa: E402
from scorecards.exports import services  # noqa: E402
from scorecards.exports.periods import Period  # noqa: E402

ROWS = 250_000
QUARTER = Period("quarter", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30))
MONTH = Period("month", "2026-08", date(2026, 8, 1), date(2026, 8, 31))
TEN_DAYS = Period("range", "2026-08-01_2026-08-10", date(2026, 8, 1), date(2026, 8, 10))


def filed_in(period: Period) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM reports_report WHERE created_at >= %s AND created_at < %s",
            [period.start, period.end],
        )
        return cursor.fetchone()[0]


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(user: User, period: Period) -> tuple[float, int, int]:
    export = services.export_start(user=user, period=period)
    started = time.monotonic()
    done = services.export_run(export_id=export.pk)
    elapsed = time.monotonic() - started
    if done.state != "done":
        raise RuntimeError(done.error)
    size = done.size
    done.file.delete(save=False)
    return elapsed, done.written, size


def main() -> None:
    services.publish_on_commit = lambda *a, **k: None  # the bench is the worker
    if filed_in(QUARTER) < ROWS:
        print(f"adding {ROWS:,} reports filed in {QUARTER.label} …")
        seed_report_history_postgres(
            total=ROWS, days=92, now=datetime(2026, 10, 1, tzinfo=SHANGHAI)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reports_report")
    if "--seed-only" in sys.argv:
        return
    user, _ = User.objects.get_or_create(
        username="bench:export", defaults={"is_superuser": True, "is_staff": True}
    )
    print(f"{QUARTER.label}: {filed_in(QUARTER):,} reports filed")
    before = rss_mib()
    elapsed, rows, size = run(user, QUARTER)
    print(
        f"quarter export: {rows:,} rows, {size / 2**20:.1f} MiB xlsx, {elapsed:.1f} s "
        f"({rows / elapsed:,.0f} rows/s); peak RSS {before:.0f} MiB before, "
        f"{rss_mib():.0f} MiB after"
    )
    for period in (TEN_DAYS, MONTH, QUARTER):
        tracemalloc.start()
        elapsed, rows, _size = run(user, period)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"  under tracemalloc, {period.label:<22} {rows:>8,} rows: "
            f"peak {peak / 2**20:5.1f} MiB ({elapsed:.1f} s)"
        )


if __name__ == "__main__":
    main()
