"""Duty at province scale: the 15:00 sweep, a day's expected rows, the overview pages.

    BENCH_DB=subs_bench bench/seed_grid.sh          # a scratch database with the province grid
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/subs_bench DJANGO_DEBUG=false \\
    DJANGO_SECRET_KEY=$(openssl rand -hex 32) DJANGO_ALLOWED_HOSTS=testserver \\
    .venv/bin/python bench/duty.py

On a database with the province's grid (16,391 grid points): seeds 60 days of filings if there
are none (``duty.demo.seed_filings_postgres``, timed), then

1. sets today's daily-report rows back to pending (none filed), forgets what an earlier run
   recorded of them (their deductions, the notifications telling them, the missing lists'
   marker) and times the whole 15:00 sweep as beat runs it (``duty.tasks.sweep_at`` at today
   15:00: every row missed, its score events told to the deductions' hook, the deductions'
   parties and the county admins told, all committed) and a second run right after (nothing
   left to do);
2. times creating tomorrow's rows for every grid point, and again (nothing to create), then
   deletes them;
3. times the overview pages (Django's test client, signed in): a county admin's (the county
   with most grid points), a duty officer's city (every county of the city) and an operator's
   (every county of the province) — queries per page and p50/p95 over ``--requests``.

It writes to the database it is given: use a scratch one (it never deletes seeded rows).
"""

from __future__ import annotations

import argparse
import gc
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

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from duty.deductions.notices import deduction_url  # noqa: E402
from duty.demo import seed_filings_postgres  # noqa: E402
from duty.filings import DAILY_REPORT  # noqa: E402
from duty.kinds import at_local, local_today  # noqa: E402
from duty.models import (  # noqa: E402
    DailyReport,
    Deduction,
    DeductionEvent,
    ExpectedSubmission,
    SubmissionNotice,
    SubmissionStatus,
)
from duty.services.expected import expected_create_for  # noqa: E402
from duty.tasks import sweep_at  # noqa: E402
from grid.models import GridPoint, Role, User  # noqa: E402
from notifications.models import Notification  # noqa: E402


def backend_cpu() -> float:
    """CPU seconds this connection's PostgreSQL backend has used (Linux /proc; the database on
    this machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn):
    """Run ``fn``: (wall seconds, its result); the CPU seconds it took in this process and in
    the database's backend are kept in ``timed.cpu`` — on a busy machine the wall time counts
    the waits for a core, the CPU time does not."""
    cpu, db = time.process_time(), backend_cpu()
    started = time.perf_counter()
    result = fn()
    wall = time.perf_counter() - started
    timed.cpu = (time.process_time() - cpu, backend_cpu() - db)
    return wall, result


def cpu_text() -> str:
    python, db = timed.cpu
    return f"(CPU: Python {python:.2f} s + PostgreSQL {db:.2f} s)"


def page_figures(client: Client, url: str, requests: int) -> tuple[int, float, float]:
    client.get(url, secure=True)  # warm
    # Counted by a wrapper on the connection (the query log does not survive the request's
    # closing of the connection).
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
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


def sources(rows) -> dict:
    """The lookup of the deductions whose source is one of ``rows``."""
    return {
        "source_type": ContentType.objects.get_for_model(ExpectedSubmission),
        "source_id__in": rows.values("pk"),
    }


def forget_sweep(rows, today) -> None:
    """Undo what an earlier run's sweep recorded of ``rows``: their deductions (with their
    history and the notifications that told them) and the missing lists' marker."""
    with connection.cursor() as cursor:
        mine = Deduction.objects.filter(**sources(rows))
        ids = list(mine.values_list("pk", flat=True))
        urls = [deduction_url(pk) for pk in ids]
        Notification.objects.filter(kind="deduction_recorded", url__in=urls).delete()
        DeductionEvent.objects.filter(deduction_id__in=ids)._raw_delete(connection.alias)
        mine._raw_delete(connection.alias)
        SubmissionNotice.objects.filter(kind=DAILY_REPORT, period=today).delete()
        # As the day would find them: the rows were created the evening before, autovacuum has
        # cleaned up after earlier runs (their rows set back and forth, deductions and
        # notifications deleted), and a checkpoint has run (PostgreSQL's runs every 5
        # minutes), so the sweep pays for the first write of every page it touches.
        for table in ("duty_expectedsubmission", "duty_deduction", "notifications_notification"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("CHECKPOINT")


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
    forget_sweep(today_rows, today)
    print(f"today's daily-report rows, none filed: {today_rows.count():,}")

    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    gc.collect()  # a worker does not carry the garbage of a seed run in the same process
    first, result = timed(lambda: sweep_at(at_three))
    told = Notification.objects.filter(pk__gt=before).count()
    recorded = Deduction.objects.filter(**sources(today_rows)).count()
    print(
        f"15:00 sweep: {result['missed']:,} missed, {recorded:,} deductions, "
        f"{told:,} notifications in {first:.3f} s {cpu_text()}"
    )
    second, again = timed(lambda: sweep_at(at_three))
    print(f"second sweep: {again['missed']} missed in {second:.3f} s {cpu_text()}")

    tomorrow = today + timedelta(days=1)
    tomorrow_rows = ExpectedSubmission.objects.filter(kind=DAILY_REPORT, period=tomorrow)
    tomorrow_rows.delete()
    create, n = timed(lambda: expected_create_for(kind=DAILY_REPORT, period=tomorrow))
    print(f"create tomorrow's rows: {n:,} in {create:.3f} s {cpu_text()}")
    recreate, _n = timed(lambda: expected_create_for(kind=DAILY_REPORT, period=tomorrow))
    print(f"create them again (nothing new): {recreate:.3f} s {cpu_text()}")
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
