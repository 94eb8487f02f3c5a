"""The 24-hour disposal clock's sweep: each case whose clock ran out is found once, at its due
time, with catch-up, and told as a score event against whoever held it (time-machine)."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection, connections
from django_celery_beat.models import PeriodicTask

from grid.models import GridPoint, Region, User
from grid.workdays import SHANGHAI
from reports.history import report_history_for
from reports.models import Report, ReportEvent
from reports.services import disposal_sweep, report_transition
from reports.tasks import sweep_disposal
from reports.tests.factories import submit

pytestmark = pytest.mark.django_db

FILED = datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)  # a Monday
DUE = FILED + timedelta(hours=23)  # discovered an hour before it was filed: 24 hours from then


def file(informant, when: datetime = FILED, **fields) -> Report:
    fields.setdefault("discovered_at", when - timedelta(hours=1))
    with time_machine.travel(when, tick=False):
        return submit(informant, **fields)


def sweep(moment: datetime) -> dict:
    """A beat run at ``moment`` (the task, as beat calls it)."""
    with time_machine.travel(moment, tick=False):
        return sweep_disposal()


def escalate(report: Report, admin, when: datetime) -> None:
    with time_machine.travel(when, tick=False):
        report_transition(
            report_id=report.pk, by=admin, name="escalate", data={"reason": "需市级协调"}
        )


def overdue_steps(report: Report) -> list[tuple]:
    return list(
        ReportEvent.objects.filter(report=report, transition="disposal_overdue").values_list(
            "at", "actor", "source", "target", "internal"
        )
    )


def test_the_sweep_runs_every_five_minutes_by_migration():
    task = PeriodicTask.objects.get(task="reports.tasks.sweep_disposal")
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour) == ("*/5", "*")
    assert str(task.crontab.timezone) == "Asia/Shanghai"
    assert json.loads(task.kwargs) == {}


def test_a_clock_run_out_is_found_once_at_its_due_time_against_the_county(city, scored):
    report = file(city.informant(0))
    assert report.disposal_due_at == DUE
    assert sweep(DUE - timedelta(minutes=1)) == {"overdue": 0, "grid_points": 0}
    assert sweep(DUE + timedelta(minutes=4)) == {"overdue": 1, "grid_points": 0}
    report.refresh_from_db()
    assert report.disposal_overdue_at == DUE
    system = User.objects.system()
    assert overdue_steps(report) == [(DUE, system.pk, "submitted", "submitted", True)]
    assert [(e.kind, e.source_model, e.source_id, e.at, e.grade) for e in scored] == [
        ("disposal_overdue", Report, report.pk, DUE, "general")
    ]
    assert (scored[0].target_model, scored[0].target_id) == (Region, city.counties[0].pk)
    assert scored[0].responsibility == "primary"
    # Twice, and days later: nothing more.
    assert sweep(DUE + timedelta(minutes=4)) == {"overdue": 0, "grid_points": 0}
    assert sweep(DUE + timedelta(days=3)) == {"overdue": 0, "grid_points": 0}
    assert len(overdue_steps(report)) == 1
    assert len(scored) == 1


def test_a_status_reported_in_time_is_never_overdue(city, scored):
    report = file(city.informant(0))
    escalate(report, city.county_admin(0), DUE - timedelta(minutes=1))
    sweep(DUE + timedelta(days=1))
    report.refresh_from_db()
    assert report.disposal_overdue_at is None
    assert overdue_steps(report) == []
    assert scored == []


def test_a_status_reported_late_while_beat_was_down_is_still_found(city, scored):
    report = file(city.informant(0))
    sweep(DUE - timedelta(hours=1))
    # Beat was down at the due time; the county escalated an hour late.
    escalate(report, city.county_admin(0), DUE + timedelta(hours=1))
    assert sweep(DUE + timedelta(hours=5))["overdue"] == 1
    report.refresh_from_db()
    assert report.disposal_overdue_at == DUE
    # The step records the state the case was in at the due time: in the county queue.
    assert overdue_steps(report)[0][2:4] == ("submitted", "submitted")
    assert overdue_steps(report)[0][0] == DUE
    assert [e.at for e in scored] == [DUE]


def test_a_case_filed_after_its_clock_ran_out_counts_against_the_grid_point(city, scored):
    informant = city.informant(1)
    # Discovered 30 hours before it was filed: the county never had the 24 hours.
    late = file(informant, discovered_at=FILED - timedelta(hours=30))
    on_time = file(city.informant(0))
    assert sweep(DUE + timedelta(minutes=1)) == {"overdue": 2, "grid_points": 1}
    targets = {e.source_id: (e.target_model, e.target_id) for e in scored}
    assert targets == {
        late.pk: (GridPoint, city.grid_points[1].pk),
        on_time.pk: (Region, city.counties[0].pk),
    }
    step = ReportEvent.objects.get(report=late, transition="disposal_overdue")
    assert step.data["responsible"] == "grid_point"
    assert late.disposal_due_at == FILED - timedelta(hours=6)
    assert step.at == FILED  # on the timeline after its filing; the event says when it was due
    assert [e.at for e in scored if e.source_id == late.pk] == [late.disposal_due_at]


def test_the_city_grade_wins_over_the_suggested_one(city, scored):
    file(city.informant(0), suggested_grade="important")
    sweep(DUE + timedelta(minutes=1))
    assert [e.grade for e in scored] == ["important"]


def test_the_step_on_the_timeline_in_staff_and_plain_words(city):
    informant = city.informant(0)
    report = file(informant)
    sweep(DUE + timedelta(minutes=1))
    staff = report_history_for(user=city.county_admin(0), report=report)[-1]
    assert (staff.words, staff.actor) == ("Disposal status overdue (24 h)", "System")
    assert "2026-11-17 09:00" in staff.comment
    plain = report_history_for(user=informant, report=report)[-1]
    assert plain.words == "Handling took longer than the 24 hours allowed"
    assert (plain.comment, plain.data) == ("", {})


def test_a_second_run_reads_only_the_index_range(city, django_assert_num_queries):
    for i in range(3):
        file(city.informant(i % 2), FILED + timedelta(minutes=i))
    assert sweep(DUE + timedelta(hours=1))["overdue"] == 3
    User.objects.system()
    # The system actor, then one UPDATE over the (empty) range, in its transaction.
    with django_assert_num_queries(4):
        assert sweep(DUE + timedelta(hours=1))["overdue"] == 0


def test_batches_are_bounded(city, settings, scored):
    settings.REPORT_DISPOSAL_SWEEP_BATCH = 2
    reports = [file(city.informant(0), FILED + timedelta(minutes=i)) for i in range(5)]
    assert sweep(DUE + timedelta(hours=1))["overdue"] == 5
    assert sorted(e.source_id for e in scored) == sorted(r.pk for r in reports)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers and has no row locks",
)
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_find_each_case_once(city, scored):
    reports = [file(city.informant(i % 2), FILED + timedelta(minutes=i)) for i in range(12)]
    moment = DUE + timedelta(hours=1)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(disposal_sweep(now=moment, batch=5))
        except Exception as exc:  # asserted below, in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(r.overdue for r in results) == len(reports)
    assert sorted(e.source_id for e in scored) == sorted(r.pk for r in reports)
    assert ReportEvent.objects.filter(transition="disposal_overdue").count() == len(reports)
    assert not Report.objects.filter(disposal_overdue_at__isnull=True).exists()
