"""Two sweeps telling the same events at once, on PostgreSQL with real threads: each event
counts once (the unique constraint under ON CONFLICT DO NOTHING, not check-then-write)."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections, transaction

from duty.deductions.services import deductions_from_events
from duty.deductions.tests.conftest import make_cast
from duty.models import Deduction
from grid.hooks import ScoreEvent
from grid.models import GridPoint
from grid.tests.factories import make_city
from notifications.models import Notification

AT = datetime(2026, 11, 30, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_record_each_event_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent inserts need PostgreSQL")
    cast = make_cast(make_city())
    events = [
        ScoreEvent(
            kind="daily_report_missed",
            source_model=GridPoint,
            source_id=p.pk,
            target_model=GridPoint,
            target_id=p.pk,
            at=AT,
        )
        for p in cast.city.grid_points
    ]
    barrier, errors, counts = threading.Barrier(4), [], []

    def sweep():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                counts.append(deductions_from_events(events))
        except Exception as exc:  # asserted in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert sum(counts) == len(events)
    assert Deduction.objects.count() == len(events)
    # the head of the one staffed grid point was told once
    assert Notification.objects.filter(recipient=cast.head, kind="deduction_recorded").count() == 1
