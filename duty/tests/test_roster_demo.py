"""The demo duty history: rosters for 60 days, logs and handovers of the duties begun, their
expected submissions consistent with them; a second run writes nothing."""

from datetime import timedelta

import pytest

from duty.demo_rosters import seed_rosters
from duty.handover_kind import HANDOVER
from duty.models import DutyDay, DutyShift, ExpectedSubmission, Handover, LogEntry, SubmissionStatus
from duty.tests.helpers import DAY, at
from duty.times import duty_span

pytestmark = pytest.mark.django_db


# The city's writer (Python objects) and the province's (inside PostgreSQL for the grid points;
# elsewhere it is the city's writer) give the same history.
@pytest.mark.parametrize("province", [False, True], ids=["city", "province"])
def test_demo_history_is_consistent_and_seeded_once(crew, told, province):
    # given the crew's city, written as the city or as the province is
    now = at(DAY, 10)
    counts = seed_rosters(province=province, now=now, log=lambda message: None)
    # then every desk has its 60 days, a shift each, a week of them ahead
    desks = 3  # the two points with members, and the platform (its officers)
    assert counts["days"] == DutyDay.objects.count() == desks * 60
    assert DutyShift.objects.count() == desks * 60
    assert DutyDay.objects.filter(date__gt=DAY).count() == desks * 7
    assert not DutyShift.objects.filter(date__gt=DAY, clocked_in_at__isnull=False).exists()
    for point in crew.city.grid_points:
        days = DutyDay.objects.filter(grid_point=point)
        if days.exists():
            assert days.count() == 60
            assert set(days.values_list("region_id", flat=True)) == {point.region_id}
    # a member of the point is on duty each day
    for shift in DutyShift.objects.filter(day__grid_point__isnull=False).select_related("day"):
        assert shift.person.grid_point_id == shift.day.grid_point_id
        assert shift.day.starts_at == duty_span(shift.day.date)[0]
    # the duties ended have their logs (today's, begun an hour ago, may have none yet), none
    # in the future
    ended = DutyDay.objects.filter(ends_at__lte=now)
    logged = LogEntry.objects.filter(day__in=ended).order_by().values("day").distinct()
    assert logged.count() == ended.count() > 0
    assert LogEntry.objects.filter(occurred_at__gt=now).count() == 0
    # every handover due is on record, on time iff acknowledged before its due time, and each
    # handover joins consecutive days of the same desk
    rows = ExpectedSubmission.objects.filter(kind=HANDOVER)
    assert rows.filter(grid_point__isnull=False).count() > 50
    for row in rows:
        handover = Handover.objects.filter(incoming_id=row.subject_id).first()
        on_time = (
            handover is not None
            and handover.acknowledged_at is not None
            and handover.acknowledged_at < row.due_at
        )
        assert (row.status == SubmissionStatus.ON_TIME) == on_time
        assert row.due_at <= now
        assert row.owner_key == ExpectedSubmission.key_for(
            grid_point_id=row.grid_point_id, unit_id=row.unit_id, subject_id=row.subject_id
        )
        if handover is not None:
            assert handover.incoming.date == handover.outgoing.date + timedelta(days=1)
            assert handover.incoming.grid_point_id == handover.outgoing.grid_point_id
            assert handover.incoming.unit_id == handover.outgoing.unit_id
    # the misses are scored, as the sweep would have scored them
    missed = rows.filter(status=SubmissionStatus.MISSED)
    assert missed.filter(grid_point__isnull=False).exists()
    assert sorted(e.source_id for e in told if e.kind == "handover_missed") == sorted(
        missed.values_list("pk", flat=True)
    )
    assert seed_rosters(province=province, now=now, log=lambda message: None) == {}
