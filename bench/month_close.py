"""Time the month close (scorecards) on a seeded database: every level, then the whole close
with its inserts, in a transaction rolled back so the database keeps no snapshot.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
        .venv/bin/python bench/month_close.py 2026-11
"""

from __future__ import annotations

import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from scorecards.assess import assess  # noqa: E402
from scorecards.figures import AssessLevel  # noqa: E402
from scorecards.models import MonthSnapshot  # noqa: E402
from scorecards.months import Month  # noqa: E402
from scorecards.services import month_close  # noqa: E402


class Rollback(Exception):
    pass


def main(text: str) -> None:
    month = Month.parse(text)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM reports_report WHERE created_at >= %s AND created_at < %s",
            [month.start, month.end],
        )
        print(f"{month}: {cursor.fetchone()[0]:,} reports filed")
    for level in AssessLevel.values:
        started = time.monotonic()
        rows, _ = assess(month=month, level=level, as_of=now)
        print(f"  {level:<11} {len(rows):>6} rows  {time.monotonic() - started:6.2f} s")
    started = time.monotonic()
    try:
        with transaction.atomic():
            MonthSnapshot.objects.filter(month=month.first_day).delete()
            month_close(month=month, now=now)
            elapsed = time.monotonic() - started
            raise Rollback
    except Rollback:
        pass
    print(f"month close (compute + store, rolled back): {elapsed:.2f} s")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Month.of(timezone.now()).previous()))
