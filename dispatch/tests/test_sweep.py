"""The reminder sweep: reminder at 80 %, urging when due, a supervision notice after the grace
period — each exactly once, at the moment it fell due, whatever runs when (time-machine)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection, connections

from dispatch import services
from dispatch.models import (
    Assignment,
    Clock,
    ClockKind,
    ClockStep,
    SupervisionNotice,
)
from dispatch.tasks import sweep_clocks
from dispatch.tests import factories as f
from grid.models import Unit, User
from grid.workdays import SHANGHAI
from notifications.models import Notification
from reports.models import ReportEvent

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def sweep(moment: datetime):
    """A beat run at ``moment`` (the task, as beat calls it)."""
    with time_machine.travel(moment, tick=False):
        return sweep_clocks()


def steps(report, kind: str | None = None) -> list[tuple[str, str, datetime]]:
    qs = ClockStep.objects.filter(report=report).select_related("clock").order_by("due_at", "pk")
    if kind is not None:
        qs = qs.filter(clock__kind=kind)
    return [(s.clock.kind, s.kind, s.due_at) for s in qs]


def routed_and_claimed(cast, when: datetime, **data):
    """Routed at ``when`` to the lead unit alone, claimed at once: only the reply clock runs."""
    with time_machine.travel(when, tick=False):
        report = f.routed(cast, co=False, **data)
        services.assignment_claim(report_id=report.pk, by=cast.liaison)
    return report


# --- every step of every clock ---------------------------------------------------------------


def test_the_reply_clock_reminds_urges_and_supervises_each_once_at_its_moment(cast, settings):
    # Routed on Monday 10:00: the reply is due at the end of Thursday (3 working days).
    monday = at(2026, 11, 16, 10, 0)
    report = routed_and_claimed(cast, monday)
    due = at(2026, 11, 20, 0, 0)
    remind = monday + (due - monday) * 0.8  # 80 % of the 86 hours: Thursday 06:48
    supervise = at(2026, 11, 21, 0, 0)  # one working day's grace: the end of Friday
    assert remind == at(2026, 11, 19, 6, 48)
    clock = Clock.objects.get(report=report, kind=ClockKind.REPLY)
    assert (clock.remind_at, clock.due_at, clock.supervise_at) == (remind, due, supervise)

    sweep(remind - timedelta(minutes=1))
    assert steps(report) == []
    sweep(remind + timedelta(minutes=3))
    assert steps(report) == [("reply", "remind", remind)]
    assert Notification.objects.filter(recipient=cast.liaison, kind="dispatch_remind").count() == 1
    assert not Notification.objects.filter(recipient=cast.duty, kind="dispatch_remind").exists()

    sweep(due + timedelta(minutes=2))
    assert steps(report)[-1] == ("reply", "urge", due)
    assert Notification.objects.filter(recipient=cast.liaison, kind="dispatch_urge").count() == 1
    assert not Notification.objects.filter(recipient=cast.duty, kind="dispatch_urge").exists()

    settings.LANGUAGE_CODE = "zh-hans"  # the product's language, whoever's request runs it
    sweep(supervise + timedelta(minutes=4))
    assert steps(report) == [
        ("reply", "remind", remind),
        ("reply", "urge", due),
        ("reply", "supervise", supervise),
    ]
    notice = SupervisionNotice.objects.get(report=report)
    assert (notice.unit, notice.issued_at) == (cast.lead_unit, supervise)
    assert notice.missed == [
        {"clock": "reply", "due_at": "2026-11-20T00:00:00+08:00", "assumed_weekdays": False}
    ]
    assert report.case_number in notice.demand
    assert "书面说明" in notice.demand  # an official letter, in the product's language
    assert "2026-11-25 00:00" in notice.demand
    # Two working days for the written explanation: the end of Tuesday.
    assert notice.explanation_due_at == at(2026, 11, 25, 0, 0)
    for person in (cast.liaison, cast.duty):  # the duty officers are told of notices too
        told = Notification.objects.filter(recipient=person, kind="dispatch_supervision")
        assert told.count() == 1
    # Each step is on the case's timeline at its moment, by the system.
    system = User.objects.system()
    events = list(
        ReportEvent.objects.filter(report=report, transition__in=["remind", "urge", "supervise"])
        .order_by("at", "pk")
        .values_list("transition", "at", "actor", "unit")
    )
    assert events == [
        ("remind", remind, system.pk, cast.lead_unit.pk),
        ("urge", due, system.pk, cast.lead_unit.pk),
        ("supervise", supervise, system.pk, cast.lead_unit.pk),
    ]
    # Nothing is left to do on that clock.
    clock.refresh_from_db()
    assert (clock.next_step, clock.next_at) == ("", None)
    assert sweep(supervise + timedelta(days=10))["steps"] == {}


def test_a_claim_clock_runs_for_each_unit_until_it_claims(cast):
    monday = at(2026, 11, 16, 10, 0)
    with time_machine.travel(monday, tick=False):
        report = f.routed(cast)  # lead and co-handler, nobody claimed
        services.assignment_claim(report_id=report.pk, by=cast.liaison)
    claim_due = at(2026, 11, 18, 0, 0)  # the end of Tuesday: one working day
    sweep(claim_due + timedelta(minutes=1))
    # Only the co-handler, who has not claimed, is reminded and urged.
    assert {(s.unit_id, s.kind) for s in ClockStep.objects.filter(report=report)} == {
        (cast.co_unit.pk, "remind"),
        (cast.co_unit.pk, "urge"),
    }
    # Caught up in one run: the co-handler is told of the urging only, not "due soon" too.
    assert not Notification.objects.filter(
        recipient=cast.co_liaison, kind="dispatch_remind"
    ).exists()
    assert Notification.objects.filter(recipient=cast.co_liaison, kind="dispatch_urge").count() == 1
    with time_machine.travel(claim_due + timedelta(hours=2), tick=False):
        services.assignment_claim(report_id=report.pk, by=cast.co_liaison)
    sweep(claim_due + timedelta(days=5))  # past the grace: claimed meanwhile, nothing more
    assert not SupervisionNotice.objects.filter(report=report, unit=cast.co_unit).exists()
    claim = Clock.objects.get(report=report, kind=ClockKind.CLAIM, unit=cast.co_unit)
    assert (claim.outcome, claim.stopped_at) == ("met", claim_due + timedelta(hours=2))


def test_a_promise_is_reminded_urged_and_supervised_like_a_deadline(cast):
    monday = at(2026, 11, 16, 10, 0)
    report = routed_and_claimed(cast, monday)
    with time_machine.travel(monday, tick=False):
        services.promise_record(
            report_id=report.pk, by=cast.liaison, promised_on=monday.date(), note="今日修复"
        )
        f.services.reply_submit(
            report_id=report.pk, by=cast.liaison, disposal="d", citizen_text="c"
        )
        f.services.reply_review(
            report_id=report.pk, by=cast.duty, decision="approve", published_via="phone"
        )
    end_of_monday = at(2026, 11, 17, 0, 0)
    sweep(at(2026, 11, 19, 12, 0))
    assert steps(report, ClockKind.PROMISE) == [
        ("promise", "remind", monday + (end_of_monday - monday) * 0.8),
        ("promise", "urge", end_of_monday),
        ("promise", "supervise", at(2026, 11, 18, 0, 0)),
    ]
    # The reply was approved in time: its clock stopped, nothing was urged on it.
    assert steps(report, ClockKind.REPLY) == []


def test_nothing_is_urged_while_the_reply_awaits_review_and_a_reply_sent_back_is_late(cast):
    monday = at(2026, 11, 16, 10, 0)
    report = routed_and_claimed(cast, monday)
    with time_machine.travel(monday + timedelta(hours=1), tick=False):
        services.reply_submit(report_id=report.pk, by=cast.liaison, disposal="d", citizen_text="c")
    due = at(2026, 11, 20, 0, 0)
    sweep(due + timedelta(hours=1))
    assert steps(report) == []  # the duty officers hold it, not the unit
    with time_machine.travel(due + timedelta(hours=2), tick=False):
        services.reply_review(report_id=report.pk, by=cast.duty, decision="send_back", comment="改")
    sweep(due + timedelta(hours=3))
    remind = monday + (due - monday) * 0.8
    assert steps(report) == [("reply", "remind", remind), ("reply", "urge", due)]


# --- what a deadline passed counts for (grid.hooks.score_events) ---------------------------


def scored_as(events) -> list[tuple]:
    return [
        (e.kind, e.source_model, e.source_id, e.target_model, e.target_id, e.at, e.grade)
        for e in events
    ]


def test_a_late_reply_is_told_once_against_the_unit_at_the_deadline(cast, scored):
    monday = at(2026, 11, 16, 10, 0)
    report = routed_and_claimed(cast, monday, grade="important")
    due = at(2026, 11, 20, 0, 0)
    sweep(due - timedelta(minutes=1))  # the reminder counts for nothing
    assert scored == []
    sweep(due + timedelta(minutes=5))
    urge = ClockStep.objects.get(report=report, kind="urge")
    assert scored_as(scored) == [
        ("reply_late", ClockStep, urge.pk, Unit, cast.lead_unit.pk, due, "important")
    ]
    assert scored[0].responsibility == "primary"
    # The supervision notice and any later run tell nothing more.
    sweep(due + timedelta(days=3))
    sweep(due + timedelta(days=3))
    assert len(scored) == 1


def test_a_late_claim_counts_against_the_unit_that_did_not_claim(cast, scored):
    monday = at(2026, 11, 16, 10, 0)
    with time_machine.travel(monday, tick=False):
        report = f.routed(cast)
        services.assignment_claim(report_id=report.pk, by=cast.liaison)
    claim_due = at(2026, 11, 18, 0, 0)
    sweep(claim_due + timedelta(minutes=1))
    urge = ClockStep.objects.get(report=report, kind="urge")
    assert scored_as(scored) == [
        ("reply_late", ClockStep, urge.pk, Unit, cast.co_unit.pk, claim_due, report.grade)
    ]


def test_a_promise_passed_without_the_case_closed_is_a_promise_broken(cast, scored):
    monday = at(2026, 11, 16, 10, 0)
    report = routed_and_claimed(cast, monday)
    with time_machine.travel(monday, tick=False):
        services.promise_record(
            report_id=report.pk, by=cast.liaison, promised_on=monday.date(), note="今日修复"
        )
        services.reply_submit(report_id=report.pk, by=cast.liaison, disposal="d", citizen_text="c")
        services.reply_review(
            report_id=report.pk, by=cast.duty, decision="approve", published_via="phone"
        )
    sweep(at(2026, 11, 19, 12, 0))
    urge = ClockStep.objects.get(report=report, clock__kind=ClockKind.PROMISE, kind="urge")
    assert [(e.kind, e.source_id, e.target_id, e.at) for e in scored] == [
        ("promise_broken", urge.pk, cast.lead_unit.pk, at(2026, 11, 17, 0, 0))
    ]


# --- the calendar ----------------------------------------------------------------------------


def test_a_routing_the_day_before_national_day(cast):
    # Wednesday 30 September 2026: 1-7 October are off, Saturday 10 October is worked.
    eve = at(2026, 9, 30, 10, 0)
    with time_machine.travel(eve, tick=False):
        report = f.routed(cast, co=False)
    assignment = Assignment.objects.get(report=report)
    assert assignment.claim_due_at == at(2026, 10, 9, 0, 0)  # the end of Thursday 8 October
    assert assignment.reply_due_at == at(2026, 10, 11, 0, 0)  # the end of Saturday 10 October
    assert assignment.reply_max_due_at == at(2026, 10, 14, 0, 0)  # 5 working days
    sweep(at(2026, 10, 7, 23, 0))  # the holiday: only the claim's 80 % reminder fell due
    claim_remind = eve + (at(2026, 10, 9, 0, 0) - eve) * 0.8
    assert steps(report) == [("claim", "remind", claim_remind)]
    assert claim_remind == at(2026, 10, 7, 6, 48)
    sweep(at(2026, 10, 12, 8, 0))
    reply_remind = eve + (at(2026, 10, 11, 0, 0) - eve) * 0.8
    assert steps(report) == [
        ("claim", "remind", claim_remind),
        ("reply", "remind", reply_remind),
        ("claim", "urge", at(2026, 10, 9, 0, 0)),
        ("claim", "supervise", at(2026, 10, 10, 0, 0)),  # grace: the make-up Saturday
        ("reply", "urge", at(2026, 10, 11, 0, 0)),
    ]
    # The reply's grace is one working day: Sunday is off, so the end of Monday 12 October.
    sweep(at(2026, 10, 13, 0, 1))
    assert steps(report, ClockKind.REPLY)[-1] == ("reply", "supervise", at(2026, 10, 13, 0, 0))


def test_a_routing_across_new_year_into_a_year_the_calendar_does_not_know(cast):
    # Wednesday 30 December 2026; 2027's holidays are not in the calendar yet.
    with time_machine.travel(at(2026, 12, 30, 16, 0), tick=False):
        report = f.routed(cast, co=False)
    assignment = Assignment.objects.get(report=report)
    # Thursday 31 December, then Friday 1 January and Monday 4 January counted as weekdays.
    assert assignment.reply_due_at == at(2027, 1, 5, 0, 0)
    assert assignment.reply_due_assumed
    assert not assignment.claim_due_assumed  # the end of Thursday 31 December
    assert assignment.claim_due_at == at(2027, 1, 1, 0, 0)
    reply = Clock.objects.get(report=report, kind=ClockKind.REPLY)
    assert reply.assumed_weekdays
    sweep(at(2027, 1, 5, 0, 30))
    urge = ReportEvent.objects.get(report=report, transition="urge", data__clock="reply")
    assert urge.data["assumed_weekdays"] is True
    body = f.api(cast.liaison).get("/api/v1/dispatch/inbox/").json()["results"][0]
    assert body["routing"]["reply_due_assumed"] is True


def test_an_extension_moves_the_reminders_to_the_new_deadline(cast):
    monday = at(2026, 11, 16, 10, 0)
    report = routed_and_claimed(cast, monday)
    old_due = at(2026, 11, 20, 0, 0)
    sweep(at(2026, 11, 19, 9, 0))  # the old deadline's 80 % passed: reminded
    assert steps(report) == [("reply", "remind", monday + (old_due - monday) * 0.8)]
    with time_machine.travel(at(2026, 11, 19, 10, 0), tick=False):
        services.extension_request(report_id=report.pk, by=cast.liaison, days=2, reason="会商")
        services.extension_decide(report_id=report.pk, by=cast.duty, decision="approve")
    new_due = at(2026, 11, 24, 0, 0)  # the end of Monday: 5 working days in all
    sweep(old_due + timedelta(hours=1))
    assert len(steps(report)) == 1  # not urged at the old deadline
    sweep(new_due + timedelta(minutes=5))
    assert steps(report) == [
        ("reply", "remind", monday + (old_due - monday) * 0.8),
        ("reply", "remind", monday + (new_due - monday) * 0.8),
        ("reply", "urge", new_due),
    ]


# --- exactly once ----------------------------------------------------------------------------


def test_a_doubled_run_sends_nothing_twice_and_reads_only_the_due_index(
    cast, django_assert_num_queries
):
    monday = at(2026, 11, 16, 10, 0)
    report = routed_and_claimed(cast, monday)
    moment = at(2026, 11, 21, 1, 0)
    first = sweep(moment)
    assert first["steps"] == {"remind": 1, "urge": 1, "supervise": 1}
    told = Notification.objects.count()
    User.objects.system()
    with django_assert_num_queries(2):  # the system actor, the (empty) due range
        second = sweep(moment)
    assert second == {"steps": {}, "clocks": 0, "skipped": 0}
    assert Notification.objects.count() == told
    assert len(steps(report)) == 3
    assert SupervisionNotice.objects.filter(report=report).count() == 1


def test_a_step_already_taken_is_not_taken_again_whatever_the_clock_says(cast):
    monday = at(2026, 11, 16, 10, 0)
    report = routed_and_claimed(cast, monday)
    sweep(at(2026, 11, 20, 1, 0))
    # A clock put back as if its steps were still to do (a restored backup, a bug): the
    # unique constraint, not a prior read, keeps the steps once.
    clock = Clock.objects.get(report=report, kind=ClockKind.REPLY)
    Clock.objects.filter(pk=clock.pk).update(next_step="remind", next_at=clock.remind_at)
    told = Notification.objects.count()
    sweep(at(2026, 11, 20, 2, 0))
    assert [k for _c, k, _t in steps(report)] == ["remind", "urge"]
    assert Notification.objects.count() == told


def test_a_run_after_two_days_without_beat_catches_up_at_the_moments_due(cast):
    monday = at(2026, 11, 16, 10, 0)
    reports = [routed_and_claimed(cast, monday + timedelta(minutes=i)) for i in range(3)]
    # Beat was down from Wednesday morning to Saturday morning.
    sweep(at(2026, 11, 18, 8, 0))
    assert ClockStep.objects.count() == 0
    result = sweep(at(2026, 11, 21, 8, 0))
    assert result["steps"] == {"remind": 3, "urge": 3, "supervise": 3}
    for i, report in enumerate(reports):
        start = monday + timedelta(minutes=i)
        due = at(2026, 11, 20, 0, 0)
        assert steps(report) == [
            ("reply", "remind", start + (due - start) * 0.8),
            ("reply", "urge", due),
            ("reply", "supervise", at(2026, 11, 21, 0, 0)),
        ]
    # One message per clock, of its latest step: the supervision notice.
    told = Notification.objects.filter(recipient=cast.liaison, kind__startswith="dispatch_")
    assert sorted(told.values_list("kind", flat=True)) == ["dispatch_supervision"] * 3


def test_batches_are_bounded(cast, settings):
    settings.DISPATCH_SWEEP_BATCH = 2
    monday = at(2026, 11, 16, 10, 0)
    for i in range(5):
        routed_and_claimed(cast, monday + timedelta(minutes=i))
    result = sweep(at(2026, 11, 19, 9, 0))
    assert result["steps"] == {"remind": 5}
    assert result["clocks"] == 5


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers and has no row locks",
)
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_take_each_step_once(cast, scored):
    monday = at(2026, 11, 16, 10, 0)
    reports = [routed_and_claimed(cast, monday + timedelta(minutes=i)) for i in range(12)]
    moment = at(2026, 11, 21, 8, 0)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(services.clocks_sweep(now=moment, batch=5))
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
    assert sum(r.taken for r in results) == 3 * len(reports)
    for report in reports:
        assert [k for _c, k, _t in steps(report)] == ["remind", "urge", "supervise"]
    assert SupervisionNotice.objects.count() == len(reports)
    assert Notification.objects.filter(
        recipient=cast.liaison, kind="dispatch_supervision"
    ).count() == len(reports)
    assert ReportEvent.objects.filter(transition="supervise").count() == len(reports)
    urgings = set(ClockStep.objects.filter(kind="urge").values_list("pk", flat=True))
    assert sorted(e.source_id for e in scored) == sorted(urgings)  # each told once
