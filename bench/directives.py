"""A notice to every grid point of the province, and its tracking page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/directives.py

On a database with the seeded province (``seed_demo --scale province``, migrated for
directives): a bench duty officer (a superuser, so that the ten cities are in reach) issues one
notice needing acknowledgement and a completion report to every city — every active grid
point — through :func:`directives.services.notice_issue`, timed with its query count; then
marks a third of the nodes acknowledged and a tenth reported (one UPDATE each, as if people
had answered), and times the tracking page (full page, the htmx part, the ``late`` tab and a
deep page) through Django's test client, ``--requests`` times each. Prints the figures, then
deletes everything it wrote (the notice, its recipients, expected submissions, notifications,
the bench user and their session).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from directives.kinds import NOTICE_ACK, NOTICE_ISSUED, NOTICE_REPORT  # noqa: E402
from directives.models import Notice, NoticeRecipient  # noqa: E402
from directives.services import notice_issue  # noqa: E402
from duty.models import ExpectedSubmission  # noqa: E402
from grid.models import GridPoint, Level, Region, Role, User  # noqa: E402
from notifications.models import Notification  # noqa: E402

USERNAME = "bench-directives"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_get(client: Client, url: str, n: int, **kw) -> dict:
    client.get(url, **kw)  # warm
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, **kw)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "max": max(times),
    }


def cleanup(notice_ids: list[int]) -> None:
    Notification.objects.filter(kind=NOTICE_ISSUED, context__notice__in=notice_ids).delete()
    ExpectedSubmission.objects.filter(
        kind__in=[NOTICE_ACK, NOTICE_REPORT], subject_id__in=notice_ids
    ).delete()
    NoticeRecipient.objects.filter(notice_id__in=notice_ids).delete()
    Notice.objects.filter(pk__in=notice_ids).delete()
    User.objects.filter(username=USERNAME).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    city = Region.objects.filter(level=Level.CITY).order_by("code").first()
    leftovers = list(
        Notice.objects.filter(issued_by__username=USERNAME).values_list("pk", flat=True)
    )
    cleanup(leftovers)
    officer = User.objects.create(
        username=USERNAME,
        name="压测值班员",
        role=Role.DUTY_OFFICER,
        region=city,
        is_superuser=True,
    )
    officer.set_unusable_password()
    officer.save(update_fields=["password"])
    cities = list(Region.objects.filter(level=Level.CITY))
    points = GridPoint.objects.filter(is_active=True).count()
    now = timezone.now()
    notice_ids: list[int] = []
    try:
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            notice = notice_issue(
                by=officer,
                now=now,
                title="压测：全省网格点通知",
                body="压测通知，请忽略。",
                regions=cities,
                needs_ack=True,
                ack_due_at=now + timedelta(hours=4),
                needs_report=True,
                report_due_at=now + timedelta(days=1),
            )
            fan_out = time.perf_counter() - start
        notice_ids.append(notice.pk)
        told = Notification.objects.filter(kind=NOTICE_ISSUED, context__notice=notice.pk).count()
        print(
            f"fan-out: {notice.recipient_count:,} nodes of {points:,} active grid points, "
            f"{told:,} people told, {fan_out:.2f} s, {len(queries)} queries"
        )
        rows = NoticeRecipient.objects.filter(notice=notice)
        ids = list(rows.order_by("pk").values_list("pk", flat=True))
        rows.filter(pk__in=ids[::3]).update(acknowledged_at=now + timedelta(minutes=5))
        rows.filter(pk__in=ids[::10]).update(
            acknowledged_at=now + timedelta(minutes=5),
            reported_at=now + timedelta(minutes=30),
            report_text="压测反馈",
        )
        client = Client()
        client.force_login(officer)
        url = reverse("directives-tracking", args=[notice.pk])
        cases = {
            "tracking page": (url, {}),
            "htmx part (poll)": (url, {"headers": {"HX-Request": "true"}}),
            "outstanding tab": (f"{url}?state=outstanding", {}),
            "page 200": (f"{url}?page=200", {}),
        }
        for label, (target, kw) in cases.items():
            figures = time_get(client, target, args.requests, **kw)
            print(
                f"{label}: p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
                f"max {figures['max']:.1f} ms ({args.requests} requests)"
            )
        client.logout()
    finally:
        cleanup(notice_ids)
        print("cleaned up")


if __name__ == "__main__":
    main()
