"""The reminder sweep (催办/督办): reminds a unit as a deadline nears, urges it when the deadline
passes, and after the grace period issues a supervision notice (督办函) asking for a written
explanation — exactly once each, with catch-up.

A run takes ``now`` once and acts on every step due up to then that was not taken yet, in
bounded batches read off the partial index of clocks with a step due (``clock_due``): a second
run right after reads an empty index range. Each clock is handled in its own transaction,
the case's row locked first (as every service of the case locks it) and skipped if another
sweep holds it; each step is a row unique per (clock, step) written in a savepoint, so two
sweeps at once, or one run twice, take it once. The moment recorded is when the step was due,
not when the run happened: a run after two days without beat records the reminder at its
moment, the urging at the deadline, the supervision after the grace; only the latest step of
a clock caught up is told (a reminder "due soon" of a deadline long passed would mislead).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dispatch import tell
from dispatch.deadlines import explanation_due, iso
from dispatch.models import (
    AssignmentState,
    Clock,
    ClockKind,
    ClockStep,
    ClockStepKind,
    SupervisionNotice,
)
from grid.models import User
from reports.models import Report, ReportEvent

logger = logging.getLogger(__name__)

# What is late, as a supervision notice says it.
DEADLINE_WORDS = {
    ClockKind.CLAIM: gettext_lazy("claiming the case"),
    ClockKind.REPLY: gettext_lazy("the reply"),
    ClockKind.PROMISE: gettext_lazy("the promised completion"),
}

TELL = {
    ClockStepKind.REMIND: "dispatch_remind",
    ClockStepKind.URGE: "dispatch_urge",
    ClockStepKind.SUPERVISE: "dispatch_supervision",
}


@dataclass
class SweepResult:
    """What one run did: steps taken by kind, clocks looked at, clocks left to another run."""

    steps: Counter = field(default_factory=Counter)
    clocks: int = 0
    skipped: int = 0
    failed: int = 0

    @property
    def taken(self) -> int:
        return sum(self.steps.values())


def clocks_sweep(*, now: datetime | None = None, batch: int | None = None) -> SweepResult:
    """Take every step due up to ``now`` on every clock, once (see the module docstring)."""
    now = now or timezone.now()
    batch = batch or settings.DISPATCH_SWEEP_BATCH
    system = User.objects.system()
    result = SweepResult()
    passed: set[int] = set()  # skipped (another sweep holds them) or failed: not again
    while True:
        due = list(
            Clock.objects.filter(next_at__lte=now)
            .exclude(pk__in=passed)
            .order_by("next_at", "pk")
            .values_list("pk", "report_id")[:batch]
        )
        for clock_id, report_id in due:
            result.clocks += 1
            try:
                taken = _sweep_clock(clock_id, report_id=report_id, now=now, system=system)
            except Exception:
                logger.exception(
                    "Reminder sweep: clock %s failed; left for the next run.", clock_id
                )
                result.failed += 1
                passed.add(clock_id)
                continue
            if taken is None:
                result.skipped += 1
                passed.add(clock_id)
            else:
                result.steps.update(taken)
        if len(due) < batch:
            return result


def _sweep_clock(clock_id: int, *, report_id: int, now: datetime, system: User) -> list[str] | None:
    """Take the due steps of one clock; the kinds taken, or None if another sweep has it."""
    with transaction.atomic():
        locked = list(
            Report.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=report_id)
            .values_list("pk", flat=True)
        )
        if not locked:
            return None
        clock = (
            Clock.objects.select_for_update(of=("self",))
            .select_related("assignment", "report", "unit")
            .filter(pk=clock_id, next_at__lte=now)
            .first()
        )
        if clock is None:  # done meanwhile (by another sweep, or the clock stopped)
            return []
        if clock.stopped_at is not None or clock.assignment.state != AssignmentState.ACTIVE:
            Clock.objects.filter(pk=clock.pk).update(next_step="", next_at=None)
            return []
        taken: list[ClockStep] = []
        step, moment = clock.next_step, clock.next_at
        while step and moment is not None and moment <= now:
            made = _take(clock, kind=step, moment=moment, now=now, system=system)
            if made is not None:
                taken.append(made)
            step, moment = clock.step_after(step)
        clock.next_step, clock.next_at = step, moment
        clock.save(update_fields=["next_step", "next_at"])
        if taken:
            _tell(clock, taken[-1])
        return [s.kind for s in taken]


def _take(clock: Clock, *, kind: str, moment: datetime, now: datetime, system: User):
    """Write step ``kind`` of ``clock`` at ``moment`` with its event (and notice): the step,
    or None if it was taken already (the unique constraint says so, not a prior read)."""
    try:
        with transaction.atomic():
            step = ClockStep.objects.create(
                clock=clock,
                assignment_id=clock.assignment_id,
                report_id=clock.report_id,
                unit_id=clock.unit_id,
                kind=kind,
                due_at=moment,
                taken_at=now,
            )
    except IntegrityError:
        return None
    data = {
        "clock": clock.kind,
        "due_at": iso(clock.due_at),
        "assumed_weekdays": clock.assumed_weekdays,
        "unit_name": clock.unit.name,
    }
    if kind == ClockStepKind.SUPERVISE:
        notice = _issue_notice(clock, step=step)
        data |= {"notice": notice.pk, "number": notice.number}
    ReportEvent.objects.create(
        report_id=clock.report_id,
        transition=kind,
        source=clock.report.status,
        target=clock.report.status,
        actor=system,
        at=moment,
        comment=_deadline_words(clock),
        data=data,
        unit_id=clock.unit_id,
        internal=True,
    )
    return step


def _local(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _deadline_words(clock: Clock) -> str:
    label = ClockKind(clock.kind).label
    return _("%(deadline)s due %(due)s") % {"deadline": label, "due": _local(clock.due_at)}


def _issue_notice(clock: Clock, *, step: ClockStep) -> SupervisionNotice:
    """The 督办函: the unit's deadlines missed on this routing by now, what is demanded, and
    when its written explanation is due. Worded in the product's language (an official
    letter), whoever's request the sweep runs in."""
    missed = [
        {
            "clock": c.kind,
            "due_at": iso(c.due_at),
            "assumed_weekdays": c.assumed_weekdays,
        }
        for c in Clock.objects.filter(
            assignment_id=clock.assignment_id,
            unit_id=clock.unit_id,
            stopped_at__isnull=True,
            due_at__lte=step.due_at,
        ).order_by("due_at", "pk")
    ]
    due = explanation_due(issued_at=step.due_at)
    with translation.override(settings.LANGUAGE_CODE):
        demand = _(
            "The deadline for %(deadline)s on case %(number)s passed at %(due)s. Complete it at "
            "once, report how the case is handled, and give a written explanation of the delay "
            "by %(explain)s."
        ) % {
            "deadline": DEADLINE_WORDS[clock.kind],
            "number": clock.report.case_number,
            "due": _local(clock.due_at),
            "explain": _local(due.at),
        }
    return SupervisionNotice.objects.create(
        step=step,
        assignment_id=clock.assignment_id,
        report_id=clock.report_id,
        unit_id=clock.unit_id,
        issued_at=step.due_at,
        missed=missed,
        demand=demand,
        explanation_due_at=due.at,
        explanation_due_assumed=due.assumed_weekdays,
    )


def _tell(clock: Clock, step: ClockStep) -> None:
    """The unit is told of the latest step; duty officers of urgings and notices too."""
    text = _deadline_words(clock)
    tell.tell_units([clock.unit_id], kind=TELL[step.kind], report=clock.report, text=text)
    if step.kind != ClockStepKind.REMIND:
        tell.tell_duty_officers(kind=TELL[step.kind], report=clock.report, text=text)
