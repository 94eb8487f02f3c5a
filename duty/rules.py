"""Who may do what with rosters, one rule per question (views, API, services and panels ask here).

- A grid point's roster is kept by its person in charge (the point's head, or a grid point head
  of it); the city platform's by the system admins of its city. System admins may keep the
  grid points' rosters of their jurisdiction too. The same people approve swaps.
- The people on duty at a grid point are its members (informants, volunteers, heads); at the
  platform, the city's duty officers. The leader on duty (带班领导) of a grid point is its head
  or a leader whose jurisdiction covers it; of the platform, a leader of its city.
- The person on duty clocks in, declares absences, requests swaps and hands over; the person
  on duty the next day acknowledges; the people on duty and the leader on duty write the log.
- Leaders on duty, roster keepers, leaders, duty officers and admins see the watch page (clock-ins
  and handovers) of their jurisdiction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from grid.models import GRID_POINT_ROLES, GridPoint, Role, Unit, UnitKind, User
from grid.scoping import jurisdiction_of

if TYPE_CHECKING:
    from duty.models import DutyDay

Desk = GridPoint | Unit

WATCH_ROLES = frozenset({Role.LEADER, Role.DUTY_OFFICER, Role.SYS_ADMIN, Role.COUNTY_ADMIN})


def is_platform(unit: Unit) -> bool:
    """A unit with a roster: a sentiment platform (the city's 网信办)."""
    return unit.kind == UnitKind.PLATFORM


def may_keep_roster(user: User, desk: Desk) -> bool:
    """Whether ``user`` may write ``desk``'s roster and decide its swaps."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not jurisdiction_of(user).covers(desk.region.path):
        return False
    if user.is_superuser or user.role == Role.SYS_ADMIN:
        return True
    if isinstance(desk, GridPoint):
        return desk.head_id == user.pk or (
            user.role == Role.GRID_HEAD and user.grid_point_id == desk.pk
        )
    return False


def on_duty_candidates(desk: Desk) -> QuerySet:
    """The people who may be on duty at ``desk``."""
    people = User.objects.filter(is_active=True, is_system=False)
    if isinstance(desk, GridPoint):
        return people.filter(grid_point_id=desk.pk, role__in=sorted(GRID_POINT_ROLES))
    return people.filter(role=Role.DUTY_OFFICER, region_id=desk.region_id)


def leader_candidates(desk: Desk) -> QuerySet:
    """The people who may be the leader on duty at ``desk``."""
    people = User.objects.filter(is_active=True, is_system=False)
    region = desk.region
    covering = list(region.path.rstrip("/").split("/"))
    leaders = Q(role=Role.LEADER, region__code__in=covering)
    if isinstance(desk, GridPoint):
        head = Q(pk=desk.head_id) if desk.head_id else Q(pk__in=[])
        return people.filter(leaders | head | Q(role=Role.GRID_HEAD, grid_point_id=desk.pk))
    return people.filter(role=Role.LEADER, region_id=desk.region_id)


def may_watch(user: User) -> bool:
    """Whether ``user`` has the watch page (clock-ins and handovers of a day)."""
    return user.is_authenticated and (
        user.is_superuser or user.role in WATCH_ROLES or user.role == Role.GRID_HEAD
    )


def is_on_duty(user: User, day: DutyDay) -> bool:
    """``user`` is one of ``day``'s people on duty (its shifts prefetched, or one query)."""
    return any(shift.person_id == user.pk for shift in day.shifts.all())


def may_write_log(user: User, day: DutyDay) -> bool:
    return day.leader_id == user.pk or is_on_duty(user, day)
