"""The Python writer of the dispatch history: any database, the demo city's size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction

from dispatch.deadlines import end_of_day, extended_reply, iso, routing_deadlines, steps_of
from dispatch.demo import plan
from dispatch.models import (
    Assignment,
    AssignmentState,
    Clock,
    ClockKind,
    ClockOutcome,
    Extension,
    ExtensionState,
    Handler,
    HandlerRole,
    Reply,
    ReplyState,
    handlers_set_due,
)
from grid.models import Unit
from grid.workdays import SHANGHAI, Deadline
from reports.demo.plan import Cast
from reports.models import Report, ReportEvent, Status


@dataclass
class Story:
    """One routed case being written: its routing and what its units did, in order."""

    report: Report
    route: ReportEvent
    close: ReportEvent | None
    scenario: str
    assignment: Assignment
    now: datetime
    handlers: list[Handler] = field(default_factory=list)
    clocks: list[Clock] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    extension: Extension | None = None
    # (moment, name, actor id, unit id, comment, data, row whose pk the data names)
    steps: list[tuple] = field(default_factory=list)


def seed_dispatch_history(*, now: datetime) -> int:
    """Write the routing of every routed or closed-after-routing case that has none; the
    number of routings written."""
    cast = Cast.load()
    names = dict(Unit.objects.values_list("pk", "name"))
    routes = {
        e.report_id: e
        for e in ReportEvent.objects.filter(
            transition="route", report__status__in=[Status.ROUTED, Status.CLOSED]
        )
        .exclude(report__assignments__isnull=False)
        .select_related("report")
        .order_by("report_id", "at", "pk")
    }
    closes = {
        e.report_id: e
        for e in ReportEvent.objects.filter(
            transition="close", source=Status.ROUTED, report_id__in=list(routes)
        )
    }
    stories = []
    for report_id, route in routes.items():
        report = route.report
        close = closes.get(report_id)
        if report.status == Status.CLOSED and (
            close is None or close.at - route.at < plan.MIN_CLOSED_SPAN
        ):
            continue  # closed without a routing's close, or with no room for a story
        stories.append(_story(report, route, close, cast=cast, now=now))
    for story in stories:
        _act(story, cast=cast, names=names)
    with transaction.atomic():
        Assignment.objects.bulk_create([s.assignment for s in stories])
        for s in stories:
            for row in (*s.handlers, *s.clocks, *s.replies, s.extension):
                if row is not None:
                    row.assignment_id = s.assignment.pk
        Handler.objects.bulk_create([h for s in stories for h in s.handlers])
        handlers_set_due(Handler.objects.filter(due_at__isnull=True))
        Clock.objects.bulk_create([c for s in stories for c in s.clocks])
        Reply.objects.bulk_create([r for s in stories for r in s.replies])
        Extension.objects.bulk_create([s.extension for s in stories if s.extension])
        ReportEvent.objects.bulk_create(
            [
                ReportEvent(
                    report_id=s.report.pk,
                    transition=name,
                    source=Status.ROUTED,
                    target=Status.ROUTED,
                    actor_id=actor,
                    at=at,
                    comment=comment,
                    data={**data, **({key: row.pk} if row is not None else {})},
                    unit_id=unit,
                    internal=True,
                )
                for s in stories
                for at, name, actor, unit, comment, data, (key, row) in sorted(
                    s.steps, key=lambda step: step[0]
                )
            ]
        )
    return len(stories)


def _story(report: Report, route: ReportEvent, close, *, cast: Cast, now: datetime) -> Story:
    closed = close is not None
    routed_at = route.at
    deadlines = routing_deadlines(start=routed_at, grade=report.grade)
    assignment = Assignment(
        report=report,
        number=1,
        grade=report.grade,
        category=report.category,
        county_id=report.county_id,
        lead_unit_id=route.unit_id,
        routed_by_id=route.actor_id,
        routed_at=routed_at,
        instruction=plan.TEXTS["instruction"],
        route_event=route,
        state=AssignmentState.CLOSED if closed else AssignmentState.ACTIVE,
        ended_at=close.at if closed else None,
        claim_due_at=deadlines.claim.at,
        claim_due_assumed=deadlines.claim.assumed_weekdays,
        reply_due_at=deadlines.reply.at,
        reply_due_assumed=deadlines.reply.assumed_weekdays,
        reply_proposed_at=deadlines.reply.at,
        reply_max_due_at=deadlines.reply_max.at,
        reply_max_due_assumed=deadlines.reply_max.assumed_weekdays,
    )
    scenario = plan.scenario_of(report.pk, closed=closed)
    if cast.liaison.get(route.unit_id) is None and not closed:
        scenario = plan.TO_CLAIM  # nobody in the unit to act
    return Story(report, route, close, scenario, assignment, now)


def _clock(story: Story, *, unit_id: int, kind: str, start: datetime, due: Deadline) -> Clock:
    steps = steps_of(kind, grade=story.assignment.grade, start=start, due=due.at)
    clock = Clock(
        report_id=story.report.pk,
        unit_id=unit_id,
        kind=kind,
        started_at=start,
        due_at=due.at,
        assumed_weekdays=due.assumed_weekdays,
        remind_at=steps.remind_at,
        supervise_at=steps.supervise_at,
    )
    clock.next_step, clock.next_at = clock.step_after(None)
    story.clocks.append(clock)
    return clock


def _stop(clock: Clock, *, at: datetime, outcome: str) -> None:
    clock.stopped_at, clock.outcome, clock.next_step, clock.next_at = at, outcome, "", None


def _act(story: Story, *, cast: Cast, names: dict[int, str]) -> None:
    """The handlers, clocks, replies, extension and steps of ``story``'s scenario."""
    a, report, scenario = story.assignment, story.report, story.scenario
    closed = story.close is not None
    at = plan.moments(a.routed_at, story.close.at if closed else story.now, closed=closed)
    lead_liaison = cast.liaison.get(a.lead_unit_id) or (story.close.actor_id if closed else None)
    units = [(a.lead_unit_id, HandlerRole.LEAD, lead_liaison)]
    if plan.has_co_unit(report.pk):
        city = report.region_path.split("/", 1)[0]
        others = [u for u in cast.city_units.get(city, []) if u != a.lead_unit_id]
        if others:
            co = others[plan.mix(report.pk) % len(others)]
            units.append((co, HandlerRole.CO, cast.liaison.get(co)))
    claim_due = Deadline(at=a.claim_due_at, assumed_weekdays=a.claim_due_assumed)
    for unit_id, role, liaison in units:
        handler = Handler(
            report_id=report.pk,
            unit_id=unit_id,
            role=role,
            open=not closed,
            visible=True,
        )
        story.handlers.append(handler)
        clock = _clock(
            story, unit_id=unit_id, kind=ClockKind.CLAIM, start=a.routed_at, due=claim_due
        )
        if scenario == plan.TO_CLAIM or liaison is None:
            if closed:
                _stop(clock, at=story.close.at, outcome=ClockOutcome.MET)
            continue
        moment = at["claim" if role == HandlerRole.LEAD else "co_claim"]
        handler.claimed_at, handler.claimed_by_id = moment, liaison
        _stop(clock, at=moment, outcome=ClockOutcome.MET)
        story.steps.append(
            (
                moment,
                "claim",
                liaison,
                unit_id,
                plan.TEXTS["claim"],
                {"role": role, "unit_name": names[unit_id]},
                (None, None),
            )
        )
        if role == HandlerRole.CO:
            handler.contribution, handler.contributed_at = (
                plan.TEXTS["contribute"],
                at["contribute"],
            )
            story.steps.append(
                (
                    at["contribute"],
                    "contribute",
                    liaison,
                    unit_id,
                    plan.TEXTS["contribute"],
                    {"unit_name": names[unit_id]},
                    (None, None),
                )
            )
    reply_due = Deadline(at=a.reply_due_at, assumed_weekdays=a.reply_due_assumed)
    reply_clock = _clock(
        story, unit_id=a.lead_unit_id, kind=ClockKind.REPLY, start=a.routed_at, due=reply_due
    )
    if scenario in (plan.TO_CLAIM, plan.CLAIMED):
        if closed:
            _stop(reply_clock, at=story.close.at, outcome=ClockOutcome.MET)
        return
    duty = a.routed_by_id
    if scenario == plan.EXTENDED:
        extension = Extension(
            report_id=report.pk,
            unit_id=a.lead_unit_id,
            days=plan.EXTENSION_DAYS,
            reason=plan.TEXTS["extension"],
            requested_by_id=lead_liaison,
            requested_at=at["request_extension"],
            state=ExtensionState.APPROVED,
            decided_by_id=duty,
            decided_at=at["decide_extension"],
            decision_comment=plan.TEXTS["extension_ok"],
            old_due_at=a.reply_due_at,
        )
        due = extended_reply(
            due=a.reply_due_at, days=plan.EXTENSION_DAYS, grade=a.grade, latest=a.reply_max_due_at
        )
        extension.new_due_at, extension.new_due_assumed = due.at, due.assumed_weekdays
        story.extension = extension
        _stop(reply_clock, at=at["decide_extension"], outcome=ClockOutcome.MOVED)
        old_due = a.reply_due_at
        a.reply_due_at, a.reply_due_assumed = due.at, due.assumed_weekdays
        _clock(story, unit_id=a.lead_unit_id, kind=ClockKind.REPLY, start=a.routed_at, due=due)
        story.steps += [
            (
                at["request_extension"],
                "request_extension",
                lead_liaison,
                a.lead_unit_id,
                extension.reason,
                {"days": extension.days},
                ("extension", extension),
            ),
            (
                at["decide_extension"],
                "extension_approved",
                duty,
                a.lead_unit_id,
                extension.decision_comment,
                {
                    "days": extension.days,
                    "old_due_at": iso(old_due),
                    "new_due_at": iso(due.at),
                    "assumed_weekdays": due.assumed_weekdays,
                },
                ("extension", extension),
            ),
        ]
        return
    # A reply, reviewed: pending, sent back, or approved (after one sending back, sometimes).
    first = _reply(story, number=1, by=lead_liaison, at=at["reply"], text="citizen_text")
    if scenario == plan.PENDING:
        a.reply_state = ReplyState.PENDING
        reply_clock.next_at = None  # paused while the reply awaits review
        return
    if scenario == plan.SENT_BACK or plan.sent_back_once(report.pk, scenario):
        _review(story, first, by=duty, at=at["send_back"], approve=False)
        if scenario == plan.SENT_BACK:
            a.reply_state = ReplyState.SENT_BACK
            return
        last = _reply(
            story, number=2, by=lead_liaison, at=at["revise"], text="citizen_text_revised"
        )
    else:
        last = first
    _review(story, last, by=duty, at=at["approve"], approve=True)
    a.reply_state, a.published_at = ReplyState.APPROVED, last.published_at
    _stop(reply_clock, at=at["approve"], outcome=ClockOutcome.MET)
    if scenario == plan.PROMISED:
        promised = end_of_day(
            (a.routed_at + timedelta(days=plan.PROMISE_DAYS)).astimezone(SHANGHAI).date()
        )
        a.promised_at, a.promise_note = promised, plan.TEXTS["promise"]
        _clock(
            story,
            unit_id=a.lead_unit_id,
            kind=ClockKind.PROMISE,
            start=at["promise"],
            due=Deadline(at=promised),
        )
        story.steps.append(
            (
                at["promise"],
                "promise",
                lead_liaison,
                a.lead_unit_id,
                plan.TEXTS["promise"],
                {"promised_at": iso(promised)},
                (None, None),
            )
        )


def _reply(story: Story, *, number: int, by: int, at: datetime, text: str) -> Reply:
    reply = Reply(
        report_id=story.report.pk,
        unit_id=story.assignment.lead_unit_id,
        number=number,
        disposal=plan.TEXTS["disposal"],
        citizen_text=plan.TEXTS[text],
        submitted_by_id=by,
        submitted_at=at,
        state=ReplyState.PENDING,
    )
    story.replies.append(reply)
    story.steps.append(
        (
            at,
            "reply",
            by,
            story.assignment.lead_unit_id,
            reply.citizen_text,
            {"revision": number, "disposal": reply.disposal},
            ("reply", reply),
        )
    )
    return reply


def _review(story: Story, reply: Reply, *, by: int, at: datetime, approve: bool) -> None:
    reply.reviewed_by_id, reply.reviewed_at = by, at
    data = {"revision": reply.number}
    if approve:
        reply.state, reply.review_comment = ReplyState.APPROVED, plan.TEXTS["approve"]
        reply.published_via, reply.published_where = (
            plan.PUBLISHED_VIA,
            plan.TEXTS["published_where"],
        )
        reply.published_at = at
        data |= {
            "published_via": reply.published_via,
            "published_where": reply.published_where,
            "published_at": iso(at),
        }
    else:
        reply.state, reply.review_comment = ReplyState.SENT_BACK, plan.TEXTS["send_back"]
    story.steps.append(
        (
            at,
            "reply_approved" if approve else "reply_sent_back",
            by,
            story.assignment.lead_unit_id,
            reply.review_comment,
            data,
            ("reply", reply),
        )
    )
