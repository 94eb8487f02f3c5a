"""Dispatch's part of reports' own transitions, registered with :mod:`reports.hooks` at start-up
(``DispatchConfig.ready()``): each runs inside the transition's transaction, after its event.

- ``route`` writes the routing (:class:`~dispatch.models.Assignment`), its handling units and
  their clocks; a major case also asks every city leader and duty officer to acknowledge it.
- ``bounce`` ends the routing as a misroute, recorded against it (reason, who, the event).
- ``close`` ends the routing; ``reopen`` starts a new one with the same units.
- The close condition: a routed case closes only once its reply is approved (every caller
  asks django-fsm, so pages, the API and bulk actions all answer 409).
- The visibility grant: co-handling units' liaisons see the case while their routing stands.
"""

from __future__ import annotations

from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from dispatch import tell
from dispatch.deadlines import routing_deadlines
from dispatch.models import (
    Assignment,
    AssignmentState,
    ClockKind,
    ClockOutcome,
    Handler,
    HandlerRole,
    MajorAcknowledgement,
    ReplyState,
)
from dispatch.services.clocks import clock_start, clocks_stop
from grid.models import Role, Unit, User
from reports.models import Grade, Report, Status

CLOSE_NEEDS_APPROVED_REPLY = _("A routed case closes only once the lead unit's reply is approved.")


def current_assignment(report: Report, *, lock: bool = True) -> Assignment | None:
    """The case's active routing (locked for the transaction), or None."""
    qs = Assignment.objects.filter(report_id=report.pk, state=AssignmentState.ACTIVE)
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.first()


def routing_start(
    *,
    report: Report,
    by: User,
    now,
    grade: str,
    lead: Unit,
    co_units: list[Unit],
    instruction: str = "",
    reply_due=None,
    event=None,
) -> Assignment:
    """Write a routing of ``report`` (its next number), its handlers and their clocks.

    ``reply_due``: the deadline the officer set (at most what the rule gives), else the rule's.
    """
    deadlines = routing_deadlines(start=now, grade=grade)
    reply = reply_due or deadlines.reply
    if reply.at > deadlines.reply.at:
        reply = deadlines.reply
    number = (
        Assignment.objects.filter(report_id=report.pk).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    assignment = Assignment.objects.create(
        report=report,
        number=number,
        grade=grade,
        category=report.category,
        county_id=report.county_id,
        lead_unit=lead,
        routed_by=by,
        routed_at=now,
        instruction=instruction,
        route_event=event,
        claim_due_at=deadlines.claim.at,
        claim_due_assumed=deadlines.claim.assumed_weekdays,
        reply_due_at=reply.at,
        reply_due_assumed=reply.assumed_weekdays,
        reply_proposed_at=deadlines.reply.at,
        reply_max_due_at=deadlines.reply_max.at,
        reply_max_due_assumed=deadlines.reply_max.assumed_weekdays,
    )
    units = [(lead, HandlerRole.LEAD), *((u, HandlerRole.CO) for u in co_units)]
    Handler.objects.bulk_create(
        Handler(
            assignment=assignment,
            report_id=report.pk,
            unit=unit,
            role=role,
            due_at=assignment.claim_due_at,  # to claim first
        )
        for unit, role in units
    )
    for unit, _role in units:
        clock_start(
            assignment=assignment, unit=unit, kind=ClockKind.CLAIM, start=now, due=deadlines.claim
        )
    clock_start(assignment=assignment, unit=lead, kind=ClockKind.REPLY, start=now, due=reply)
    if co_units:
        tell.tell_units(
            [u.pk for u in co_units], kind="dispatch_co_routed", report=report, text=report.title
        )
    if grade == Grade.MAJOR:
        _ask_leadership(assignment, report=report, now=now)
    return assignment


def _ask_leadership(assignment: Assignment, *, report: Report, now) -> None:
    """Every city leader and duty officer is told at once and asked to acknowledge."""
    people = list(tell.city_leadership(report).values_list("pk", flat=True))
    MajorAcknowledgement.objects.bulk_create(
        MajorAcknowledgement(assignment=assignment, report=report, person_id=pk, notified_at=now)
        for pk in people
    )
    tell.tell_people(people, kind="dispatch_major_case", report=report)


def routing_end(
    assignment: Assignment, *, state: str, now, keep_visible: bool = False, **fields
) -> None:
    """End ``assignment`` as ``state``: out of its units' inboxes, its clocks stopped."""
    for name, value in {"state": state, "ended_at": now, **fields}.items():
        setattr(assignment, name, value)
    assignment.save()
    changes = {"open": False} if keep_visible else {"open": False, "visible": False}
    Handler.objects.filter(assignment=assignment).update(**changes)
    clocks_stop(
        assignment=assignment,
        now=now,
        outcome=ClockOutcome.MET if state == AssignmentState.CLOSED else ClockOutcome.ENDED,
    )


# --- after reports' transitions (reports.hooks.register_after) --------------------------------


def after_route(step) -> None:
    """The duty officer routed the case: write the routing from the extended payload."""
    cleaned = step.cleaned
    routing_start(
        report=step.report,
        by=step.by,
        now=step.now,
        grade=cleaned["grade"],
        lead=cleaned["lead_unit"],
        co_units=list(cleaned.get("co_units") or []),
        instruction=cleaned.get("instruction", ""),
        reply_due=cleaned.get("reply_due"),
        event=step.event,
    )


def after_bounce(step) -> None:
    """The lead unit sent the case back: the misroute is recorded against its routing."""
    assignment = current_assignment(step.report)
    if assignment is None:  # routed before dispatch kept routings
        return
    routing_end(
        assignment,
        state=AssignmentState.BOUNCED,
        now=step.now,
        bounced_at=step.now,
        bounced_by=step.by,
        bounce_reason=step.comment,
        bounce_event=step.event,
    )


def after_close(step) -> None:
    """A routed case closed: its routing ends; the units still see the case they handled."""
    if step.source != Status.ROUTED:
        return
    assignment = current_assignment(step.report)
    if assignment is not None:
        routing_end(assignment, state=AssignmentState.CLOSED, now=step.now, keep_visible=True)


def after_reopen(step) -> None:
    """A reopened case goes back to its units: a new routing, deadlines from now."""
    report = step.report
    if report.status != Status.ROUTED:
        return
    last = (
        Assignment.objects.filter(report_id=report.pk)
        .select_related("lead_unit")
        .order_by("-number")
        .first()
    )
    if last is not None:
        Handler.objects.filter(assignment=last).update(open=False, visible=False)
        co_units = list(
            Unit.objects.filter(handled__assignment=last, handled__role=HandlerRole.CO).order_by(
                "pk"
            )
        )
        lead, grade = last.lead_unit, last.grade
    else:
        lead, grade, co_units = report.lead_unit, report.grade or Grade.GENERAL, []
    routing_start(
        report=report,
        by=step.by,
        now=step.now,
        grade=grade,
        lead=lead,
        co_units=co_units,
        instruction=step.comment,
        event=step.event,
    )


# --- the close condition and the visibility grant ------------------------------------------


def reply_approved_if_routed(report: Report) -> bool:
    """A routed case may close only once its routing's reply is approved (one query).

    A case routed before dispatch kept routings has none; it closes as it did then.
    """
    if report.status != Status.ROUTED:
        return True
    state = (
        Assignment.objects.filter(report_id=report.pk, state=AssignmentState.ACTIVE)
        .values_list("reply_state", flat=True)
        .first()
    )
    return state is None or state == ReplyState.APPROVED


def co_handled_cases(user) -> Q | None:
    """The cases ``user``'s unit co-handles while its routing stands (reports' visibility)."""
    if user.role != Role.UNIT_LIAISON or user.unit_id is None:
        return None
    return Q(
        pk__in=Handler.objects.filter(
            unit_id=user.unit_id, role=HandlerRole.CO, visible=True
        ).values("report_id")
    )
