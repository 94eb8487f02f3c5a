"""Starting, stopping, pausing and resuming the clocks of a routing (inside a service's
transaction; the sweep, :mod:`dispatch.services.sweep`, takes their steps)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from dispatch.deadlines import steps_of
from dispatch.models import Assignment, Clock, ClockOutcome
from grid.models import Unit
from grid.workdays import Deadline


def clock_start(
    *,
    assignment: Assignment,
    unit: Unit | int,
    kind: str,
    start: datetime,
    due: Deadline,
) -> Clock:
    """A running clock for ``unit`` from ``start`` to ``due``, its steps' moments stored."""
    steps = steps_of(kind, grade=assignment.grade, start=start, due=due.at)
    clock = Clock(
        assignment=assignment,
        report_id=assignment.report_id,
        unit_id=unit if isinstance(unit, int) else unit.pk,
        kind=kind,
        started_at=start,
        due_at=due.at,
        assumed_weekdays=due.assumed_weekdays,
        remind_at=steps.remind_at,
        supervise_at=steps.supervise_at,
    )
    clock.next_step, clock.next_at = clock.step_after(None)
    clock.save()
    return clock


def _running(assignment: Assignment, kinds: Iterable[str] | None, unit_id: int | None):
    qs = Clock.objects.filter(assignment=assignment, stopped_at__isnull=True)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs


def clocks_stop(
    *,
    assignment: Assignment,
    now: datetime,
    outcome: str,
    kinds: Iterable[str] | None = None,
    unit_id: int | None = None,
) -> list[Clock]:
    """Stop the running clocks of ``assignment`` (of ``kinds``, of ``unit_id``); return them."""
    clocks = list(_running(assignment, kinds, unit_id).select_for_update(of=("self",)))
    if clocks:
        Clock.objects.filter(pk__in=[c.pk for c in clocks]).update(
            stopped_at=now, outcome=outcome, next_step="", next_at=None
        )
    return clocks


def clocks_pause(*, assignment: Assignment, kinds: Iterable[str]) -> int:
    """Take no step on these clocks for now (the unit's reply awaits review)."""
    return _running(assignment, kinds, None).update(next_at=None)


def clocks_resume(*, assignment: Assignment, kinds: Iterable[str]) -> int:
    """Take the steps of paused clocks again (the reply was sent back): a step whose moment
    passed meanwhile is taken by the next sweep, at that moment."""
    resumed = 0
    for clock in (
        _running(assignment, kinds, None).filter(next_at__isnull=True).exclude(next_step="")
    ):
        clock.next_at = clock.moment_of(clock.next_step)
        clock.save(update_fields=["next_at"])
        resumed += 1
    return resumed


def clock_move(
    *,
    assignment: Assignment,
    kind: str,
    unit_id: int,
    now: datetime,
    due: Deadline,
    start: datetime | None = None,
) -> Clock:
    """A deadline moved (an extension, a new promise): its clock stops as moved and a new one
    runs to ``due``, from ``start`` or else the old clock's start (an extension's reminder
    counts the whole time given since the routing)."""
    stopped = clocks_stop(
        assignment=assignment, now=now, outcome=ClockOutcome.MOVED, kinds=[kind], unit_id=unit_id
    )
    if start is None:
        start = min((c.started_at for c in stopped), default=now)
    return clock_start(assignment=assignment, unit=unit_id, kind=kind, start=start, due=due)
