"""The deadlines of a routing, from the rule table (:mod:`grid.clocks`) and the working
calendar (:mod:`grid.workdays`): the one place dispatch asks when a clock runs out.

Every deadline is computed when its clock starts (routing: claim and reply; an approved
extension: the new reply; a promise: the date promised) and stored with the routing, with
whether it was counted on assumed weekdays (a year the calendar does not hold).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from dispatch.models import ClockKind
from grid.clocks import clock_rule_for, clock_rules_by_grade
from grid.models import ClockRule, TimeUnit
from grid.workdays import SHANGHAI, Deadline, add_working_time

# The rule (grid.models.Clock) each deadline of a routing follows. A promised completion
# date is the unit's own; its reminder share and grace follow the reply's rule.
RULE_OF = {
    ClockKind.CLAIM: "unit_claim",
    ClockKind.REPLY: "unit_reply",
    ClockKind.PROMISE: "unit_reply",
}


@dataclass(frozen=True)
class RoutingDeadlines:
    """The deadlines a routing starts with: claim, the reply as the rule proposes it, and the
    latest any extension may move the reply to (the rule's maximum)."""

    claim: Deadline
    reply: Deadline
    reply_max: Deadline


@dataclass(frozen=True)
class Steps:
    """When the sweep's steps fall due on one clock (None: the rule has no such step)."""

    remind_at: datetime | None
    supervise_at: datetime | None


def rule_for(kind: str, *, grade: str) -> ClockRule:
    return clock_rule_for(clock=RULE_OF[kind], grade=grade)


def rules_for(kind: str, *, grades) -> dict[str, ClockRule]:
    """:func:`rule_for` of each of ``grades``, in one query."""
    return clock_rules_by_grade(clock=RULE_OF[kind], grades=grades)


def routing_deadlines(*, start: datetime, grade: str) -> RoutingDeadlines:
    """The deadlines of a case of ``grade`` routed at ``start``, by the rules."""
    claim_rule = rule_for(ClockKind.CLAIM, grade=grade)
    reply_rule = rule_for(ClockKind.REPLY, grade=grade)
    return RoutingDeadlines(
        claim=claim_rule.deadline_from(start),
        reply=reply_rule.deadline_from(start),
        reply_max=reply_rule.longest_deadline_from(start),
    )


def steps_of(kind: str, *, grade: str, start: datetime, due: datetime) -> Steps:
    """When to remind (the rule's share of the time used) and when to issue a supervision
    notice (the rule's grace after ``due``) on a clock from ``start`` to ``due``."""
    rule = rule_for(kind, grade=grade)
    remind_at = rule.reminder_at(start, due) if due > start else None
    return Steps(remind_at=remind_at, supervise_at=rule.supervision_after(due).at)


def extended_reply(*, due: datetime, days: int, grade: str, latest: datetime) -> Deadline:
    """``due`` moved ``days`` more in the reply rule's unit, never past ``latest`` (the
    rule's maximum from the routing)."""
    rule = rule_for(ClockKind.REPLY, grade=grade)
    moved = add_working_time(due, days, rule.unit)
    if moved.at > latest:
        return Deadline(at=latest, assumed_weekdays=moved.assumed_weekdays)
    return moved


def end_of_day(day: date) -> datetime:
    """24:00 of ``day`` in Asia/Shanghai: a promise "by that day" runs out then."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI)


def explanation_due(*, issued_at: datetime) -> Deadline:
    """When a written explanation (书面说明) asked for by a supervision notice is due:
    ``DISPATCH_EXPLANATION_WORKING_DAYS`` working days after it was issued."""
    return add_working_time(
        issued_at, settings.DISPATCH_EXPLANATION_WORKING_DAYS, TimeUnit.WORKING_DAYS
    )


def iso(moment: datetime) -> str:
    """A moment as a case's history records it: ISO 8601 in the city's time (+08:00)."""
    return timezone.localtime(moment).isoformat()
