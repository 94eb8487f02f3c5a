"""Two sweeps at once settle each row once (PostgreSQL: real parallel transactions)."""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from duty.filings import DAILY_REPORT
from duty.models import ExpectedSubmission, SubmissionStatus
from duty.services.expected import expected_create_for, expected_settle, expected_sweep

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers",
    ),
    pytest.mark.django_db(transaction=True),
]

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 20)


def run_at_once(*jobs):
    barrier, errors, results = threading.Barrier(len(jobs)), [], []

    def worker(job):
        try:
            barrier.wait(timeout=10)
            results.append(job())
        except Exception as error:  # asserted in the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    return results


def test_two_sweeps_at_once_settle_each_row_once(city, told, settings):
    settings.DUTY_CATCHUP_DAYS = 1
    now = datetime(2026, 11, 20, 15, 0, 1, tzinfo=SH)
    results = run_at_once(*[lambda: expected_sweep(now=now, batch=2)] * 2)
    ids = [m.id for r in results for m in r.missed]
    assert len(ids) == len(set(ids)) == 16  # the 19th's and 20th's rows, once each
    assert len([e for e in told if e.kind == "daily_report_missed"]) == 16
    assert ExpectedSubmission.objects.filter(status=SubmissionStatus.MISSED).count() == 16


def test_a_filing_racing_the_sweep_is_either_on_time_or_missed_then_late(city, told):
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    point = city.grid_points[0]
    at = datetime(2026, 11, 20, 15, 0, 0, tzinfo=SH)
    run_at_once(
        lambda: expected_sweep(now=at),
        lambda: expected_settle(kind=DAILY_REPORT, period=DAY, grid_point_id=point.pk, at=at),
    )
    row = ExpectedSubmission.objects.get(kind=DAILY_REPORT, period=DAY, grid_point=point)
    # filed at 15:00:00 is on time; if the sweep got there first, the filing makes it late
    # (it arrived), never missed with a filing
    assert row.status in (SubmissionStatus.ON_TIME, SubmissionStatus.LATE)
    assert row.settled_at == at
