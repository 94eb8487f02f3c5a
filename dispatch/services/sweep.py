"""The reminder sweep (催办/督办): reminds a unit as a deadline nears, urges it when the deadline
passes, and after the grace period issues a supervision notice (督办函) asking for a written
explanation — exactly once each, with catch-up.

A run takes ``now`` once and acts on every step due up to then that was not taken yet, in
bounded batches read off the partial index of clocks with a step due (``clock_due``): a second
run right after reads an empty index range and nothing else. Each batch is one transaction:
the batch's cases are locked first (as every service of a case locks it; a case another
transaction holds is left to the next run) and then their clocks; the steps are inserted with
``ON CONFLICT DO NOTHING`` on the unique (clock, step) constraint, and only the steps that
insert are acted on (events, notices, notifications) — so two sweeps at once, or one run twice,
take each step once, and nothing is decided by a prior read. The handled marker (the clock's
next step) is written in the same transaction.

The moment recorded is when the step fell due, not when the run happened: a run after two days
without beat records the reminder at its moment, the urging at the deadline and the supervision
after the grace; only the latest step of a clock caught up is told (a reminder "due soon" of a
deadline long passed would mislead).

Each urging inserted also tells what it counts for (:func:`grid.hooks.score_events`, one batch
per transaction, with the step rows): a claim or reply late is ``reply_late`` and a promised
completion date passed with the case still open is ``promise_broken``, against the unit whose
deadline it was, at the deadline, the step row as the source — so once per deadline missed.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone, translation
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
from grid.hooks import ScoreEvent, score_events
from grid.models import Role, Unit, User
from reports.models import Report, ReportEvent

logger = logging.getLogger(__name__)

# What is late, as a supervision notice says it.
DEADLINE_WORDS = {
    ClockKind.CLAIM: gettext_lazy("claiming the case"),
    ClockKind.REPLY: gettext_lazy("the reply"),
    ClockKind.PROMISE: gettext_lazy("the promised completion"),
}

# What the sweep reads of a clock, its routing, case and unit.
CLOCK_COLUMNS = (
    "id",
    "assignment_id",
    "report_id",
    "unit_id",
    "kind",
    "due_at",
    "assumed_weekdays",
    "remind_at",
    "supervise_at",
    "next_step",
    "next_at",
    "stopped_at",
    "assignment__id",
    "assignment__state",
    "report__id",
    "report__case_number",
    "report__title",
    "report__status",
    "report__grade",
    "report__region_path",
    "unit__id",
    "unit__name",
)

# Each step and the moment it falls due (a clock's own columns), in their order.
MOMENTS = (
    (ClockStepKind.REMIND, "remind_at"),
    (ClockStepKind.URGE, "due_at"),
    (ClockStepKind.SUPERVISE, "supervise_at"),
)

# What a deadline passed counts for (grid.hooks.ScoreEvent kinds): a claim or a reply late is a
# late response or reply (001: −0.5 each); a promised completion date passed without the case
# closed is a promise broken (001: −2).
SCORED = {
    ClockKind.CLAIM: "reply_late",
    ClockKind.REPLY: "reply_late",
    ClockKind.PROMISE: "promise_broken",
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

    @property
    def taken(self) -> int:
        return sum(self.steps.values())


def clocks_sweep(*, now: datetime | None = None, batch: int | None = None) -> SweepResult:
    """Take every step due up to ``now`` on every clock, once (see the module docstring)."""
    now = now or timezone.now()
    batch = batch or settings.DISPATCH_SWEEP_BATCH
    system = User.objects.system()
    result = SweepResult()
    passed: set[int] = set()  # clocks whose case another transaction holds: the next run's
    while True:
        due = list(
            Clock.objects.filter(next_at__lte=now)
            .exclude(pk__in=passed)
            .order_by("next_at", "pk")
            .values_list("pk", "report_id")[:batch]
        )
        if not due:
            return result
        with transaction.atomic():
            skipped = _sweep_batch(due, now=now, system=system, result=result)
        passed |= skipped
        if len(due) < batch:
            return result


def _sweep_batch(due: list[tuple[int, int]], *, now, system: User, result: SweepResult) -> set:
    """Take the due steps of one batch of clocks; the clocks skipped (their case is held)."""
    result.clocks += len(due)
    locked = set(
        Report.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk__in={report_id for _clock, report_id in due})
        .values_list("pk", flat=True)
    )
    skipped = {clock_id for clock_id, report_id in due if report_id not in locked}
    result.skipped += len(skipped)
    clocks = list(
        Clock.objects.select_for_update(of=("self",))
        .select_related("assignment", "report", "unit")
        .only(*CLOCK_COLUMNS)
        .filter(pk__in=[c for c, r in due if r in locked], next_at__lte=now)
        .order_by("next_at", "pk")
    )
    # What is due on each clock, in order; a clock whose routing ended takes nothing more.
    planned: list[tuple[Clock, str, datetime]] = []
    ended = []
    for clock in clocks:
        if clock.stopped_at is not None or clock.assignment.state != AssignmentState.ACTIVE:
            ended.append(clock.pk)
            continue
        step, moment = clock.next_step, clock.next_at
        while step and moment is not None and moment <= now:
            planned.append((clock, step, moment))
            step, moment = clock.step_after(step)
    taken = _insert_steps(planned, now=now)
    _record(taken, now=now, system=system)
    # The handled marker, in the same transaction: each clock's next step is the first whose
    # moment lies after ``now`` (the moments are in order: reminder, deadline, supervision).
    Clock.objects.filter(pk__in=[c.pk for c in clocks if c.pk not in set(ended)]).update(
        next_step=Case(
            *(When(**{f"{field}__gt": now}, then=Value(kind)) for kind, field in MOMENTS),
            default=Value(""),
        ),
        next_at=Case(
            *(When(**{f"{field}__gt": now}, then=F(field)) for _kind, field in MOMENTS),
            default=None,
        ),
    )
    if ended:
        Clock.objects.filter(pk__in=ended).update(next_step="", next_at=None)
    result.steps.update(str(step.kind) for step in taken)
    return skipped


@dataclass(frozen=True)
class Taken:
    """A step this run inserted (:class:`ClockStep` ``pk``), with its clock."""

    pk: int
    clock: Clock
    kind: str
    due_at: datetime

    @property
    def clock_id(self) -> int:
        return self.clock.pk

    @property
    def unit_id(self) -> int:
        return self.clock.unit_id

    @property
    def assignment_id(self) -> int:
        return self.clock.assignment_id


def _insert_steps(planned: list[tuple[Clock, str, datetime]], *, now) -> list[Taken]:
    """Insert the planned steps; those already there (the unique constraint says so) are left
    out. The steps inserted, with their clocks."""
    if not planned:
        return []
    table = ClockStep._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    rows = [
        (c.pk, c.assignment_id, c.report_id, c.unit_id, kind, adapt(moment), adapt(now))
        for c, kind, moment in planned
    ]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {table} (clock_id, assignment_id, report_id, unit_id, kind, due_at, "  # noqa: S608 - our own table and placeholders
        f"taken_at) VALUES {values} ON CONFLICT (clock_id, kind) DO NOTHING "
        "RETURNING id, clock_id, kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
        inserted = {(clock_id, kind): pk for pk, clock_id, kind in cursor.fetchall()}
    return [
        Taken(pk=inserted[(clock.pk, kind)], clock=clock, kind=kind, due_at=moment)
        for clock, kind, moment in planned
        if (clock.pk, kind) in inserted
    ]


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")  # |date:"Y-m-d H:i"


def _deadline_words(clock: Clock) -> str:
    """ "Reply due 2026-11-20 00:00", once per clock (the event and the message say it)."""
    words = getattr(clock, "_words", None)
    if words is None:
        label = ClockKind(clock.kind).label
        words = clock._words = _("%(deadline)s due %(due)s") % {
            "deadline": label,
            "due": _local(clock.due_at),
        }
    return words


def _record(taken: list[Taken], *, now, system: User) -> None:
    """The taken steps' supervision notices, events on their cases' timelines, and who is told
    (a handful of statements for the whole batch, whatever its size)."""
    if not taken:
        return
    notices = _issue_notices([s for s in taken if s.kind == ClockStepKind.SUPERVISE])
    events = []
    for step in taken:
        clock = step.clock
        data = {
            "clock": clock.kind,
            "due_at": iso(clock.due_at),
            "assumed_weekdays": clock.assumed_weekdays,
            "unit_name": clock.unit.name,
        }
        notice = notices.get(step.pk)
        if notice is not None:
            data |= {"notice": notice.pk, "number": notice.number}
        events.append(
            (
                clock.report_id,
                step.kind,
                clock.report.status,
                clock.report.status,
                system.pk,
                step.due_at,
                _deadline_words(clock),
                data,
                clock.unit_id,
            )
        )
    _insert_events(events)
    score_events(_scored(taken))
    # One message per clock, of its latest step taken now.
    latest: dict[int, Taken] = {}
    for step in taken:
        latest[step.clock_id] = step
    _tell(list(latest.values()))


EVENT_CHUNK = 1000  # rows per INSERT (SQLite takes at most 32,766 parameters)


def _insert_events(rows: list[tuple]) -> None:
    """Append the steps to their cases' timelines: one multi-row INSERT per chunk, without a
    model instance per row (the sweep's largest cost in Python, a third of a 10,000-clock run)."""
    table = ReportEvent._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), EVENT_CHUNK):
            chunk = rows[start : start + EVENT_CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params = []
            for report_id, kind, source, target, actor, at, comment, data, unit_id in chunk:
                params += [
                    report_id,
                    kind,
                    source,
                    target,
                    actor,
                    adapt(at),
                    comment,
                    json.dumps(data, cls=DjangoJSONEncoder),
                    unit_id,
                    True,
                ]
            cursor.execute(
                f"INSERT INTO {table} (report_id, transition, source, target, actor_id, at, "  # noqa: S608 - our own table and placeholders
                f"comment, data, unit_id, internal) VALUES {values}",
                params,
            )


def _scored(taken: list[Taken]) -> list[ScoreEvent]:
    """What the deadlines passed in this batch count for: one event per urging (the step row
    is the source, inserted once, so a doubled run tells nothing again), against the unit
    whose deadline it was, at the deadline, with the case's grade."""
    return [
        ScoreEvent(
            kind=SCORED[step.clock.kind],
            source_model=ClockStep,
            source_id=step.pk,
            target_model=Unit,
            target_id=step.unit_id,
            at=step.due_at,
            grade=step.clock.report.grade,
        )
        for step in taken
        if step.kind == ClockStepKind.URGE
    ]


def _issue_notices(steps: list[Taken]) -> dict[int, SupervisionNotice]:
    """The 督办函 of each supervision step (by step id): the unit's deadlines missed on that
    routing by then, what is demanded, when the written explanation is due. Worded in the
    product's language (an official letter), whoever's request the sweep runs in."""
    if not steps:
        return {}
    running = defaultdict(list)
    for c in Clock.objects.filter(
        assignment_id__in={s.assignment_id for s in steps}, stopped_at__isnull=True
    ).order_by("due_at", "pk"):
        running[(c.assignment_id, c.unit_id)].append(c)
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for step in steps:
            clock = step.clock
            missed = [
                {"clock": c.kind, "due_at": iso(c.due_at), "assumed_weekdays": c.assumed_weekdays}
                for c in running[(clock.assignment_id, clock.unit_id)]
                if c.due_at <= step.due_at
            ]
            due = explanation_due(issued_at=step.due_at)
            demand = _(
                "The deadline for %(deadline)s on case %(number)s passed at %(due)s. Complete "
                "it at once, report how the case is handled, and give a written explanation of "
                "the delay by %(explain)s."
            ) % {
                "deadline": DEADLINE_WORDS[clock.kind],
                "number": clock.report.case_number,
                "due": _local(clock.due_at),
                "explain": _local(due.at),
            }
            notices.append(
                SupervisionNotice(
                    step_id=step.pk,
                    assignment_id=clock.assignment_id,
                    report_id=clock.report_id,
                    unit_id=clock.unit_id,
                    issued_at=step.due_at,
                    missed=missed,
                    demand=demand,
                    explanation_due_at=due.at,
                    explanation_due_assumed=due.assumed_weekdays,
                )
            )
    SupervisionNotice.objects.bulk_create(notices)
    return {notice.step_id: notice for notice in notices}


def _tell(steps: list[Taken]) -> None:
    """The unit is told of each clock's latest step; the city's duty officers of supervision
    notices too (urgings they see on the console). The recipients are read once for the
    batch, the messages written at once."""
    liaisons = defaultdict(list)
    for unit_id, pk in User.objects.filter(
        role=Role.UNIT_LIAISON, is_active=True, unit_id__in={s.unit_id for s in steps}
    ).values_list("unit_id", "pk"):
        liaisons[unit_id].append(pk)
    cities = {s.clock.report.region_path.split("/", 1)[0] for s in steps}
    duty = defaultdict(list)
    for code, pk in User.objects.filter(
        role=Role.DUTY_OFFICER, is_active=True, region__code__in=cities
    ).values_list("region__code", "pk"):
        duty[code].append(pk)
    messages = []
    for step in steps:
        clock = step.clock
        people = list(liaisons[clock.unit_id])
        if step.kind == ClockStepKind.SUPERVISE:
            people += duty[clock.report.region_path.split("/", 1)[0]]
        if people:
            messages.append((people, TELL[step.kind], clock.report, _deadline_words(clock)))
    tell.tell_each(messages)
