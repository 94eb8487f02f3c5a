"""The 09:00 handover: submitted and acknowledged by 08:59:59 it is on time; at 09:00:00 the
sweep marks it missed (at the due time), tells the score event and the leaders on duty, once."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError

from duty.errors import DutyConflict
from duty.handover_kind import HANDOVER
from duty.handover_notices import KIND
from duty.handover_tasks import check_handovers, handover_check
from duty.models import ExpectedSubmission, Handover, SubmissionStatus
from duty.services.handovers import handover_acknowledge, handover_submit
from duty.tests.helpers import DAY, at, put_on
from grid.models import GridPoint, Unit
from notifications.models import Notification
from reports.tests.factories import submit

pytestmark = pytest.mark.django_db

NEXT = DAY + timedelta(days=1)


@pytest.fixture
def duties(crew):
    """Member 0 on duty on DAY (the head leads), member 1 the next day (the county leader leads)."""
    out = put_on(crew, [crew.members[0]], leader=crew.head)
    incoming = put_on(crew, [crew.members[1]], day=NEXT, leader=crew.county_leader)
    return out, incoming


def _handover_events(told):
    return [e for e in told if e.kind == "handover_missed"]


def _row():
    return ExpectedSubmission.objects.get(kind=HANDOVER)


def _hand_over(crew, out, *, when=None):
    return handover_submit(
        by=crew.members[0],
        day_id=out.pk,
        log_summary="夜间平稳，接到两条线索",
        unfinished="一条待核实",
        points_to_watch="明早村民集会",
        now=when or at(NEXT, 8, 30),
    )


def test_acknowledged_at_08_59_59_is_on_time(crew, duties, told):
    out, incoming = duties
    handover = _hand_over(crew, out)
    handover_acknowledge(
        by=crew.members[1], handover_id=handover.pk, note="收到", now=at(NEXT, 8, 59, 59)
    )
    row = _row()
    assert (row.status, row.settled_at, row.filing_id) == (
        SubmissionStatus.ON_TIME,
        at(NEXT, 8, 59, 59),
        handover.pk,
    )
    assert row.subject_id == incoming.pk
    assert row.grid_point_id == crew.point.pk
    result = handover_check(now=at(NEXT, 9))
    assert result == {"missed": 0, "announced": 0}
    assert _handover_events(told) == []
    assert not Notification.objects.filter(kind=KIND).exists()


def test_not_acknowledged_at_09_00_00_is_missed_and_told_once(crew, duties, told):
    out, _incoming = duties
    handover = _hand_over(crew, out)
    assert handover_check(now=at(NEXT, 8, 59, 59)) == {"missed": 0, "announced": 0}
    # when: the 09:00:00 check, twice
    first = handover_check(now=at(NEXT, 9))
    second = handover_check(now=at(NEXT, 9, 5))
    # then: one miss, at the due time, one event against the grid point, one notice per leader
    assert first == {"missed": 1, "announced": 1}
    assert second == {"missed": 0, "announced": 0}
    row = _row()
    assert (row.status, row.settled_at) == (SubmissionStatus.MISSED, at(NEXT, 9))
    assert [(e.kind, e.target_model, e.target_id, e.at) for e in _handover_events(told)] == [
        ("handover_missed", GridPoint, crew.point.pk, at(NEXT, 9))
    ]
    notified = sorted(Notification.objects.filter(kind=KIND).values_list("recipient_id", flat=True))
    assert notified == sorted([crew.head.pk, crew.county_leader.pk])  # both leaders on duty
    # acknowledging late records the handover, and it stays missed
    handover_acknowledge(by=crew.members[1], handover_id=handover.pk, now=at(NEXT, 9, 20))
    assert _row().status == SubmissionStatus.MISSED
    assert Handover.objects.get().acknowledged_at == at(NEXT, 9, 20)


def test_not_handed_over_is_missed_too_and_acknowledging_at_09_00_00_is_too_late(
    crew, duties, told
):
    out, _incoming = duties
    handover = _hand_over(crew, out)
    handover_acknowledge(by=crew.members[1], handover_id=handover.pk, now=at(NEXT, 9))
    assert handover_check(now=at(NEXT, 9))["missed"] == 1
    # the day after: nobody on duty on NEXT+1, nothing owed; a desk with no handover at all
    other = put_on(crew, [crew.members[2]], day=NEXT + timedelta(days=1))
    assert handover_check(now=at(NEXT + timedelta(days=1), 9))["missed"] == 1
    assert (
        ExpectedSubmission.objects.get(kind=HANDOVER, subject_id=other.pk).status
        == SubmissionStatus.MISSED
    )


def test_the_platform_misses_against_its_unit(crew, told):
    put_on(crew, [crew.officers[0]], desk=crew.platform, leader=crew.leader)
    put_on(crew, [crew.officers[1]], desk=crew.platform, day=NEXT, leader=crew.leader)
    assert handover_check(now=at(NEXT, 9, 0, 1)) == {"missed": 1, "announced": 1}
    assert [(e.target_model, e.target_id) for e in _handover_events(told)] == [
        (Unit, crew.platform.pk)
    ]
    assert list(Notification.objects.filter(kind=KIND).values_list("recipient_id", flat=True)) == [
        crew.leader.pk
    ]


def test_the_task_at_09_00_with_beat_back_late_catches_up(crew, duties, told):
    with time_machine.travel(at(NEXT, 11, 20), tick=False):
        assert check_handovers() == {"missed": 1, "announced": 1}
    assert _row().settled_at == at(NEXT, 9)  # the due time, not the run time


def test_submit_lists_the_open_cases_held_and_refuses_in_order(crew, duties):
    out, incoming = duties
    mine = submit(crew.members[0])
    with pytest.raises(ObjectDoesNotExist):
        handover_submit(by=crew.stranger, day_id=out.pk, log_summary="x", now=at(NEXT, 8))
    with pytest.raises(DutyConflict):  # too early
        handover_submit(by=crew.members[0], day_id=out.pk, log_summary="x", now=at(NEXT, 2, 59))
    with pytest.raises(PermissionDenied):
        handover_submit(by=crew.members[1], day_id=out.pk, log_summary="x", now=at(NEXT, 8))
    with pytest.raises(ValidationError):
        handover_submit(by=crew.members[0], day_id=out.pk, log_summary=" ", now=at(NEXT, 8))
    handover = _hand_over(crew, out)
    assert list(handover.cases.values_list("pk", flat=True)) == [mine.pk]
    assert handover.open_cases_total == 1
    with pytest.raises(DutyConflict):
        _hand_over(crew, out)
    with pytest.raises(PermissionDenied):  # only the incoming person acknowledges
        handover_acknowledge(by=crew.members[0], handover_id=handover.pk, now=at(NEXT, 8, 40))
    with pytest.raises(DutyConflict):  # nobody on the roster the day after NEXT
        handover_submit(
            by=crew.members[1],
            day_id=incoming.pk,
            log_summary="x",
            now=at(NEXT + timedelta(days=1), 8),
        )


def test_a_roster_written_after_the_rows_were_created_is_owed_its_handover(crew, told):
    put_on(crew, [crew.members[0]])
    # the rows of NEXT were created (nobody on duty on NEXT then) …
    handover_check(now=at(NEXT, 1))
    assert not ExpectedSubmission.objects.filter(kind=HANDOVER).exists()
    # … then the head puts someone on NEXT: the handover is owed
    from duty.services import roster_set_day

    roster_set_day(
        by=crew.head,
        desk=crew.point,
        day=NEXT,
        people=[crew.members[1].pk],
        leader_id=None,
        now=at(NEXT, 2),
    )
    assert ExpectedSubmission.objects.filter(kind=HANDOVER, period=NEXT).count() == 1
