"""The reminder sweep at scale: 100,000 running clocks of which 10,000 have a step due.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/sweep.py

On a database with the seeded province (bench/run.sh, or any with reports): writes routings on
existing cases (their instruction marks them, 压测), two clocks each (claim and reply), a tenth
of them with their reminder due (``--catch-up``: their reminder and urging, as after beat was
down); times one sweep and a second one right after; then deletes everything it wrote. Prints
the two times and what was taken.
"""

from __future__ import annotations

import argparse
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
from django.utils import timezone  # noqa: E402

from dispatch.models import Assignment, Clock, ClockStep, Handler, SupervisionNotice  # noqa: E402
from dispatch.services import clocks_sweep  # noqa: E402
from grid.models import Unit, User  # noqa: E402
from notifications.models import Notification  # noqa: E402
from reports.models import Report, ReportEvent  # noqa: E402

MARK = "压测"
BATCH = 5000


def build(*, clocks: int, due: int, now, catch_up: bool = False) -> list[int]:
    """Routings on ``clocks // 2`` cases, two clocks each; ``due`` clocks with steps due."""
    routings = clocks // 2
    report_ids = list(Report.objects.order_by("-pk").values_list("pk", flat=True)[:routings])
    reports = dict(Report.objects.filter(pk__in=report_ids).values_list("pk", "county_id"))
    unit = Unit.objects.filter(is_active=True).order_by("pk").first()
    officer = User.objects.system()
    later = now + timedelta(days=3)
    assignments = Assignment.objects.bulk_create(
        (
            Assignment(
                report_id=pk,
                number=90 + i % 7,
                grade="general",
                category="other",
                county_id=reports[pk],
                lead_unit=unit,
                routed_by=officer,
                routed_at=now,
                instruction=MARK,
                claim_due_at=later,
                reply_due_at=later,
                reply_proposed_at=later,
                reply_max_due_at=later,
            )
            for i, pk in enumerate(report_ids)
        ),
        batch_size=BATCH,
    )
    Handler.objects.bulk_create(
        (Handler(assignment=a, report_id=a.report_id, unit=unit, role="lead") for a in assignments),
        batch_size=BATCH,
    )
    rows = []
    for a in assignments:
        for kind in ("claim", "reply"):
            late = len(rows) < due
            start = now - timedelta(days=4 if late else 1)
            if late:
                due_at = now - timedelta(hours=1) if catch_up else now + timedelta(hours=1)
            else:
                due_at = later
            rows.append(
                Clock(
                    assignment=a,
                    report_id=a.report_id,
                    unit=unit,
                    kind=kind,
                    started_at=start,
                    due_at=due_at,
                    remind_at=start + (due_at - start) * 0.8,
                    supervise_at=due_at + timedelta(days=1),
                    next_step="remind",
                    next_at=start + (due_at - start) * 0.8,
                )
            )
    Clock.objects.bulk_create(rows, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dispatch_clock")
    return [a.pk for a in assignments]


def high_water() -> tuple[int, int]:
    """The last event and notification ids before the runs: what the runs add lies above."""
    event = ReportEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    note = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return event, note


def clean(assignment_ids: list[int], *, since: tuple[int, int]) -> None:
    """Delete what the build and the runs wrote, nothing else (the seeded history stays)."""
    report_ids = list(
        Assignment.objects.filter(pk__in=assignment_ids).values_list("report_id", flat=True)
    )
    SupervisionNotice.objects.filter(assignment_id__in=assignment_ids).delete()
    ClockStep.objects.filter(assignment_id__in=assignment_ids).delete()
    Clock.objects.filter(assignment_id__in=assignment_ids).delete()
    Handler.objects.filter(assignment_id__in=assignment_ids).delete()
    Assignment.objects.filter(pk__in=assignment_ids).delete()
    ReportEvent.objects.filter(
        pk__gt=since[0],
        report_id__in=report_ids,
        transition__in=["remind", "urge", "supervise"],
        actor=User.objects.system(),
    )._raw_delete("default")
    Notification.objects.filter(
        pk__gt=since[1], kind__in=["dispatch_remind", "dispatch_urge", "dispatch_supervision"]
    )._raw_delete("default")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clocks", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--catch-up", action="store_true", help="two steps due on each clock")
    args = parser.parse_args()
    if connection.settings_dict["NAME"] in ("test",):
        sys.exit("refusing to run in the database 'test'")
    now = timezone.now()
    print(f"building {args.clocks:,} clocks, {args.due:,} due …")
    ids = build(clocks=args.clocks, due=args.due, now=now, catch_up=args.catch_up)
    since = high_water()
    try:
        for run in ("first", "second"):
            started = time.monotonic()
            result = clocks_sweep(now=now)
            print(
                f"{run} run: {time.monotonic() - started:.2f} s, clocks {result.clocks:,}, "
                f"steps {dict(result.steps)}"
            )
    finally:
        clean(ids, since=since)


if __name__ == "__main__":
    main()
