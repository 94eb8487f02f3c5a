"""Duty at province scale: the 15:00 sweep, a day's expected rows, the overview pages.

    BENCH_DB=subs_bench bench/seed_grid.sh          # a scratch database with the province grid
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/subs_bench DJANGO_DEBUG=false \\
    DJANGO_SECRET_KEY=$(openssl rand -hex 32) DJANGO_ALLOWED_HOSTS=testserver \\
    .venv/bin/python bench/duty.py

On a database with the province's grid (16,391 grid points): seeds 60 days of filings if there
are none (``duty.demo.seed_filings_postgres``, timed), then

1. sets today's daily-report rows back to pending (none filed) and times the 15:00 sweep
   (``expected_sweep`` at today 15:00: every row missed, its score events told) and a
   second run right after (nothing left to do);
2. times creating tomorrow's rows for every grid point, and again (nothing to create), then
   deletes them;
3. times the overview pages (Django's test client, signed in): a county admin's (the county
   with most grid points), a duty officer's city (every county of the city) and an operator's
   (every county of the province) — queries per page and p50/p95 over ``--requests``.

It writes to the database it is given: use a scratch one (it never deletes seeded rows).
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

from django.core import signals  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from duty.demo import seed_filings_postgres  # noqa: E402
from duty.filings import DAILY_REPORT  # noqa: E402
from duty.kinds import at_local, local_today  # noqa: E402
from duty.models import DailyReport, ExpectedSubmission, SubmissionStatus  # noqa: E402
from duty.services.expected import expected_create_for, expected_sweep  # noqa: E402
from grid.models import GridPoint, Role, User  # noqa: E402


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def page_figures(client: Client, url: str, requests: int) -> tuple[int, float, float]:
    # Django empties the query log when a request starts: keep it, to count the page's.
    signals.request_started.disconnect(reset_queries)
    client.get(url, secure=True)  # warm
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url, secure=True).status_code
    if status != 200:
        raise SystemExit(f"{url}: {status}")
    times = []
    for _i in range(requests):
        started = time.perf_counter()
        client.get(url, secure=True)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return len(queries), statistics.median(times), times[int(len(times) * 0.95) - 1]


def operator() -> User:
    """An operator who sees the whole province (created in the scratch database if none)."""
    user = User.objects.filter(is_superuser=True, is_active=True).first()
    if user is None:
        user = User.objects.create_superuser("bench-duty-operator", password=None)
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    points = GridPoint.objects.filter(is_active=True).count()
    print(f"grid points: {points:,}")
    if not DailyReport.objects.exists():
        seconds, rows = timed(lambda: seed_filings_postgres(log=print))
        print(f"seed 60 days of filings: {rows:,} expected submissions in {seconds:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE duty_expectedsubmission")
            cursor.execute("VACUUM ANALYZE duty_dailyreport")

    today = local_today(timezone.now())
    at_three = at_local(today, "15:00")
    today_rows = ExpectedSubmission.objects.filter(kind=DAILY_REPORT, period=today)
    expected_create_for(kind=DAILY_REPORT, period=today)
    today_rows.update(status=SubmissionStatus.PENDING, settled_at=None, filing_id=None)
    print(f"today's daily-report rows, none filed: {today_rows.count():,}")

    first, result = timed(lambda: expected_sweep(now=at_three))
    print(f"15:00 sweep: {len(result.missed):,} missed in {first:.3f} s")
    second, again = timed(lambda: expected_sweep(now=at_three))
    print(f"second sweep: {len(again.missed)} missed in {second:.3f} s")

    tomorrow = today + timedelta(days=1)
    tomorrow_rows = ExpectedSubmission.objects.filter(kind=DAILY_REPORT, period=tomorrow)
    tomorrow_rows.delete()
    create, n = timed(lambda: expected_create_for(kind=DAILY_REPORT, period=tomorrow))
    print(f"create tomorrow's rows: {tomorrow_rows.count():,} of {n:,} in {create:.3f} s")
    recreate, _n = timed(lambda: expected_create_for(kind=DAILY_REPORT, period=tomorrow))
    print(f"create them again (nothing new): {recreate:.3f} s")
    tomorrow_rows.delete()

    county = (
        ExpectedSubmission.objects.filter(kind=DAILY_REPORT, period=today)
        .values("county_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    month_rows = ExpectedSubmission.objects.filter(
        county_id=county["county_id"], period__gte=today.replace(day=1)
    ).count()
    viewers = [
        (
            f"county admin ({county['n']} grid points, {month_rows:,} rows this month)",
            User.objects.filter(role=Role.COUNTY_ADMIN, region_id=county["county_id"]).first(),
        ),
        (
            "duty officer (their city's counties)",
            User.objects.filter(role=Role.DUTY_OFFICER).first(),
        ),
        ("operator (every county of the province)", operator()),
    ]
    for label, user in viewers:
        if user is None:
            print(f"{label}: nobody to sign in as")
            continue
        client = Client()
        client.force_login(user)
        queries, p50, p95 = page_figures(client, "/duty/overview/", args.requests)
        print(f"overview, {label}: {queries} queries, p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    queries, p50, p95 = page_figures(client, "/duty/overview/?status=missed", args.requests)
    print(f"(operator, ?status=missed) {queries} queries, p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
