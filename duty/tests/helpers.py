"""Small helpers of the duty tests."""

from datetime import date, datetime, time, timedelta

from duty.models import DutyDay
from duty.services import roster_set_day
from duty.times import local_at

DAY = date(2026, 12, 10)  # a Thursday


def at(day: date, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return local_at(day, time(hh, mm, ss))


def put_on(crew, people, *, day: date = DAY, leader=None, desk=None) -> DutyDay:
    """``people`` on duty at the crew's point (or ``desk``) on ``day``, written a week before."""
    desk = desk or crew.point
    keeper = crew.head if desk == crew.point else crew.admin
    return roster_set_day(
        by=keeper,
        desk=desk,
        day=day,
        people=[p.pk for p in people],
        leader_id=leader.pk if leader else None,
        now=at(day - timedelta(days=7), 12),
    )
