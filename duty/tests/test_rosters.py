"""Rosters: a day by hand, a month from a rotation; who may write them."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duty.errors import DutyConflict
from duty.models import DutyDay, DutyShift
from duty.services import roster_generate, roster_set_day
from duty.times import local_at

pytestmark = pytest.mark.django_db

NOW = local_at(date(2026, 11, 20), datetime.min.time().replace(hour=10))


def test_rotation_fills_the_month_in_order_round_and_round(crew, django_assert_num_queries):
    people = [m.pk for m in crew.members]
    # given: the 5th already on the roster by hand
    roster_set_day(
        by=crew.head,
        desk=crew.point,
        day=date(2026, 12, 5),
        people=[crew.head.pk],
        leader_id=None,
        now=NOW,
    )
    # when
    with django_assert_num_queries(
        8
    ):  # people, leaders, days, 2 inserts, handovers owed?, savepoint
        written = roster_generate(
            by=crew.head,
            desk=crew.point,
            month=date(2026, 12, 1),
            people=people,
            leaders=[crew.head.pk],
            now=NOW,
        )
    # then: 30 new days, each to the next person by date, the 5th kept as it was
    assert written == 30
    shifts = dict(
        DutyShift.objects.filter(day__grid_point=crew.point).values_list("date", "person_id")
    )
    assert len(shifts) == 31
    assert shifts[date(2026, 12, 1)] == people[0]
    assert shifts[date(2026, 12, 2)] == people[1]
    assert shifts[date(2026, 12, 3)] == people[2]
    assert shifts[date(2026, 12, 4)] == people[0]
    assert shifts[date(2026, 12, 5)] == crew.head.pk
    assert shifts[date(2026, 12, 31)] == people[30 % 3]
    day = DutyDay.objects.get(grid_point=crew.point, date=date(2026, 12, 1))
    assert day.leader_id == crew.head.pk
    assert day.starts_at == local_at(date(2026, 12, 1), datetime.min.time().replace(hour=9))
    assert day.ends_at == local_at(date(2026, 12, 2), datetime.min.time().replace(hour=9))
    # a second run writes nothing
    assert (
        roster_generate(
            by=crew.head, desk=crew.point, month=date(2026, 12, 1), people=people, now=NOW
        )
        == 0
    )


def test_rotation_with_two_a_day_and_past_days_left_alone(crew):
    people = [m.pk for m in crew.members]
    written = roster_generate(
        by=crew.head, desk=crew.point, month=date(2026, 11, 1), people=people, per_day=2, now=NOW
    )
    # Nov 1..18 are over at 10:00 on the 20th (the 19th's duty ends at 09:00 on the 20th)
    assert written == 11
    day = DutyDay.objects.get(grid_point=crew.point, date=date(2026, 11, 20))
    index = 19
    assert sorted(day.shifts.values_list("person_id", flat=True)) == sorted(
        [people[(index * 2) % 3], people[(index * 2 + 1) % 3]]
    )


def test_platform_rotation_by_the_admin(crew):
    written = roster_generate(
        by=crew.admin,
        desk=crew.platform,
        month=date(2026, 12, 1),
        people=[o.pk for o in crew.officers],
        leaders=[crew.leader.pk],
        now=NOW,
    )
    assert written == 31
    assert DutyDay.objects.filter(unit=crew.platform, leader=crew.leader).count() == 31


@pytest.mark.parametrize("who", ["member", "stranger", "officer", "leader", "other_head"])
def test_only_the_head_or_an_admin_keeps_a_points_roster(crew, who):
    from grid.models import Role
    from grid.tests.factories import UserFactory

    person = {
        "member": crew.members[0],
        "stranger": crew.stranger,
        "officer": crew.officers[0],
        "leader": crew.leader,
        "other_head": UserFactory(
            role=Role.GRID_HEAD, region=crew.other_point.region, grid_point=crew.other_point
        ),
    }[who]
    with pytest.raises(PermissionDenied):
        roster_set_day(
            by=person,
            desk=crew.point,
            day="2026-12-01",
            people=[crew.members[0].pk],
            leader_id=None,
            now=NOW,
        )
    assert not DutyDay.objects.exists()


def test_only_the_admin_keeps_the_platforms_roster(crew):
    with pytest.raises(PermissionDenied):
        roster_generate(
            by=crew.officers[0],
            desk=crew.platform,
            month=date(2026, 12, 1),
            people=[crew.officers[0].pk],
            now=NOW,
        )
    roster_set_day(
        by=crew.admin,
        desk=crew.point,
        day="2026-12-01",
        people=[crew.members[0].pk],
        leader_id=crew.county_leader.pk,
        now=NOW,
    )


def test_people_must_be_of_the_desk(crew):
    with pytest.raises(ValidationError) as refused:
        roster_set_day(
            by=crew.head,
            desk=crew.point,
            day="2026-12-01",
            people=[crew.stranger.pk],
            leader_id=crew.officers[0].pk,
            now=NOW,
        )
    assert set(refused.value.message_dict) == {"people", "leader"}
    with pytest.raises(ValidationError):
        roster_generate(
            by=crew.admin,
            desk=crew.platform,
            month=date(2026, 12, 1),
            people=[crew.members[0].pk],
            now=NOW,
        )
    with pytest.raises(ValidationError):
        roster_set_day(
            by=crew.head,
            desk=crew.point,
            day="2026-13-01",
            people=[crew.members[0].pk],
            leader_id=None,
            now=NOW,
        )
    assert not DutyDay.objects.exists()


def test_a_day_over_is_history_and_a_clocked_in_person_stays(crew):
    with pytest.raises(DutyConflict):
        roster_set_day(
            by=crew.head,
            desk=crew.point,
            day="2026-11-18",
            people=[crew.members[0].pk],
            leader_id=None,
            now=NOW,
        )
    day = roster_set_day(
        by=crew.head,
        desk=crew.point,
        day="2026-11-20",
        people=[crew.members[0].pk, crew.members[1].pk],
        leader_id=None,
        now=NOW,
    )
    DutyShift.objects.filter(day=day, person=crew.members[0]).update(clocked_in_at=NOW)
    with pytest.raises(DutyConflict):
        roster_set_day(
            by=crew.head,
            desk=crew.point,
            day="2026-11-20",
            people=[crew.members[1].pk],
            leader_id=None,
            now=NOW,
        )
    roster_set_day(
        by=crew.head,
        desk=crew.point,
        day="2026-11-20",
        people=[crew.members[0].pk, crew.members[2].pk],
        leader_id=crew.head.pk,
        now=NOW,
    )
    assert sorted(day.shifts.values_list("person_id", flat=True)) == sorted(
        [crew.members[0].pk, crew.members[2].pk]
    )
