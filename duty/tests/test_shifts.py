"""Clock-in at the boundary, swaps by request and approval, short absences."""

import pytest
import time_machine
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError

from duty.errors import DutyConflict
from duty.models import Absence, DutyShift, Swap, SwapState
from duty.rosters.selectors import ClockIn, clock_in_state
from duty.services import (
    absence_declare,
    absence_end,
    shift_clock_in,
    swap_decide,
    swap_request,
    swap_withdraw,
)
from duty.tests.helpers import DAY, at, put_on

pytestmark = pytest.mark.django_db


def _shift(day, person):
    return DutyShift.objects.get(day=day, person=person)


@pytest.mark.parametrize(
    ("clock", "state"),
    [((8, 0, 0), ClockIn.ON_TIME), ((9, 0, 0), ClockIn.ON_TIME), ((9, 0, 1), ClockIn.LATE)],
)
def test_clock_in_on_time_up_to_the_start_to_the_second(crew, clock, state):
    day = put_on(crew, [crew.members[0]])
    shift = shift_clock_in(
        by=crew.members[0], shift_id=_shift(day, crew.members[0]).pk, now=at(DAY, *clock)
    )
    assert (
        clock_in_state(clocked_in_at=shift.clocked_in_at, starts_at=day.starts_at, now=at(DAY, 12))
        == state
    )


def test_missing_clock_in_once_the_duty_began():
    from duty.tests.helpers import at as t

    starts = t(DAY, 9)
    assert clock_in_state(clocked_in_at=None, starts_at=starts, now=t(DAY, 9)) == ClockIn.NOT_YET
    assert (
        clock_in_state(clocked_in_at=None, starts_at=starts, now=t(DAY, 9, 0, 1)) == ClockIn.MISSING
    )


def test_clock_in_refusals_in_order(crew):
    day = put_on(crew, [crew.members[0]])
    shift = _shift(day, crew.members[0])
    with pytest.raises(ObjectDoesNotExist):  # 404: not in the stranger's jurisdiction
        shift_clock_in(by=crew.stranger, shift_id=shift.pk, now=at(DAY, 8, 30))
    with pytest.raises(DutyConflict):  # 409: not open yet
        shift_clock_in(by=crew.members[0], shift_id=shift.pk, now=at(DAY, 7, 59, 59))
    with pytest.raises(PermissionDenied):  # 403: a colleague
        shift_clock_in(by=crew.members[1], shift_id=shift.pk, now=at(DAY, 8, 30))
    shift_clock_in(by=crew.members[0], shift_id=shift.pk, now=at(DAY, 8, 30))
    with pytest.raises(DutyConflict):  # once
        shift_clock_in(by=crew.members[0], shift_id=shift.pk, now=at(DAY, 8, 31))


def test_leader_sees_late_and_missing_on_the_watch_page(client, crew):
    day = put_on(crew, [crew.members[0], crew.members[1]], leader=crew.head)
    shift_clock_in(
        by=crew.members[0], shift_id=_shift(day, crew.members[0]).pk, now=at(DAY, 9, 0, 1)
    )
    with time_machine.travel(at(DAY, 9, 30), tick=False):
        client.force_login(crew.head)
        page = client.get("/duty/watch/").content.decode()
    assert 'data-testid="clock-late"' in page
    assert 'data-testid="clock-missing"' in page
    with time_machine.travel(at(DAY, 8, 59), tick=False):
        client.force_login(crew.head)
        page = client.get("/duty/watch/?date=2026-12-10").content.decode()
    assert 'data-testid="clock-missing"' not in page


def test_approved_swap_changes_the_roster(crew):
    day = put_on(crew, [crew.members[0]])
    shift = _shift(day, crew.members[0])
    swap = swap_request(
        by=crew.members[0],
        shift_id=shift.pk,
        colleague_id=str(crew.members[1].pk),
        reason="家中有事",
        now=at(DAY, 6),
    )
    assert list(day.shifts.values_list("person_id", flat=True)) == [crew.members[0].pk]
    with pytest.raises(PermissionDenied):
        swap_decide(by=crew.members[2], swap_id=swap.pk, approve=True, now=at(DAY, 7))
    swap = swap_decide(by=crew.head, swap_id=swap.pk, approve="true", note="同意", now=at(DAY, 7))
    assert swap.state == SwapState.APPROVED
    shift.refresh_from_db()
    assert shift.person_id == crew.members[1].pk
    assert shift.swap_id == swap.pk
    with pytest.raises(DutyConflict):  # decided once
        swap_decide(by=crew.head, swap_id=swap.pk, approve=False, now=at(DAY, 7))


def test_swap_request_refusals(crew):
    day = put_on(crew, [crew.members[0], crew.members[2]])
    shift = _shift(day, crew.members[0])
    with pytest.raises(ObjectDoesNotExist):
        swap_request(
            by=crew.stranger,
            shift_id=shift.pk,
            colleague_id=crew.members[1].pk,
            reason="x",
            now=at(DAY, 6),
        )
    with pytest.raises(DutyConflict):  # begun
        swap_request(
            by=crew.members[0],
            shift_id=shift.pk,
            colleague_id=crew.members[1].pk,
            reason="x",
            now=at(DAY, 9),
        )
    with pytest.raises(PermissionDenied):
        swap_request(
            by=crew.members[1],
            shift_id=shift.pk,
            colleague_id=crew.members[1].pk,
            reason="x",
            now=at(DAY, 6),
        )
    for colleague, reason in (
        (crew.stranger.pk, "x"),
        (crew.members[2].pk, "x"),
        ("abc", "x"),
        (crew.members[1].pk, " "),
    ):
        with pytest.raises(ValidationError):
            swap_request(
                by=crew.members[0],
                shift_id=shift.pk,
                colleague_id=colleague,
                reason=reason,
                now=at(DAY, 6),
            )
    swap = swap_request(
        by=crew.members[0],
        shift_id=shift.pk,
        colleague_id=crew.members[1].pk,
        reason="x",
        now=at(DAY, 6),
    )
    with pytest.raises(DutyConflict):  # one pending at a time
        swap_request(
            by=crew.members[0],
            shift_id=shift.pk,
            colleague_id=crew.members[1].pk,
            reason="y",
            now=at(DAY, 6),
        )
    swap_withdraw(by=crew.members[0], swap_id=swap.pk, now=at(DAY, 7))
    assert Swap.objects.get().state == SwapState.WITHDRAWN
    with pytest.raises(DutyConflict):
        swap_decide(by=crew.head, swap_id=swap.pk, approve=True, now=at(DAY, 7))
    assert _shift(day, crew.members[0]).swap_id is None


def test_absence_declared_and_ended(crew):
    day = put_on(crew, [crew.members[0]])
    shift = _shift(day, crew.members[0])
    with pytest.raises(DutyConflict):  # before the duty
        absence_declare(
            by=crew.members[0], shift_id=shift.pk, reason="取件", whereabouts="门口", now=at(DAY, 8)
        )
    with pytest.raises(PermissionDenied):
        absence_declare(
            by=crew.members[1],
            shift_id=shift.pk,
            reason="取件",
            whereabouts="门口",
            now=at(DAY, 10),
        )
    with pytest.raises(ValidationError) as refused:
        absence_declare(
            by=crew.members[0], shift_id=shift.pk, reason="", whereabouts=None, now=at(DAY, 10)
        )
    assert set(refused.value.message_dict) == {"reason", "whereabouts"}
    absence = absence_declare(
        by=crew.members[0], shift_id=shift.pk, reason="取件", whereabouts="门口", now=at(DAY, 10)
    )
    with pytest.raises(DutyConflict):
        absence_declare(
            by=crew.members[0],
            shift_id=shift.pk,
            reason="再次",
            whereabouts="门口",
            now=at(DAY, 10, 5),
        )
    absence_end(by=crew.members[0], absence_id=absence.pk, now=at(DAY, 10, 20))
    assert Absence.objects.get().ended_at == at(DAY, 10, 20)
    with pytest.raises(DutyConflict):
        absence_end(by=crew.members[0], absence_id=absence.pk, now=at(DAY, 10, 21))
