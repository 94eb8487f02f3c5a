"""The demo's dispatch history is consistent: every routed case has its routing, its deadlines
follow the rules, each step lies between the routing and the close, and the sweep has taken
every reminder, urging and supervision notice due by now."""

from __future__ import annotations

import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from dispatch.deadlines import routing_deadlines, steps_of
from dispatch.demo import plan
from dispatch.models import (
    Assignment,
    AssignmentState,
    Clock,
    ClockKind,
    ClockOutcome,
    ClockStep,
    Extension,
    Handler,
    HandlerRole,
    Reply,
    ReplyState,
    SupervisionNotice,
)
from grid.models import User
from grid.tests.seeding import seed_data_migrations
from reports.models import Report, ReportEvent, Status

pytestmark = pytest.mark.django_db

MIN = plan.MIN_CLOSED_SPAN

DISPATCH_STEPS = [
    "claim",
    "contribute",
    "reply",
    "reply_sent_back",
    "reply_approved",
    "request_extension",
    "extension_approved",
    "promise",
    "remind",
    "urge",
    "supervise",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo city with its history, once for the module (read-only tests)."""
    with django_db_blocker.unblock():
        try:
            call_command("seed_demo", stdout=StringIO())
            yield
        finally:  # a seed that failed half-way is emptied too, not left to the next module
            call_command("flush", interactive=False, verbosity=0)
            seed_data_migrations()  # the flush removed the data migrations' rows


def assert_consistent() -> None:
    now = timezone.now()
    routed = Report.objects.filter(status=Status.ROUTED)
    assert routed.exists()
    # Every routed case has one active routing to its lead unit; a case closed after routing
    # has its routing closed; nothing else has one.
    assert not routed.exclude(assignments__state=AssignmentState.ACTIVE).exists()
    routed_long_before_close = ReportEvent.objects.filter(
        report=OuterRef("pk"), transition="route", at__lte=OuterRef("closed_at") - MIN
    )
    assert not Report.objects.filter(
        Exists(routed_long_before_close), status=Status.CLOSED, assignments__isnull=True
    ).exists()
    for a in Assignment.objects.select_related("report"):
        report = a.report
        assert a.lead_unit_id == report.lead_unit_id
        assert a.grade == report.grade
        assert (a.route_event.transition, a.route_event.at) == ("route", a.routed_at)
        if report.status == Status.CLOSED:
            assert a.state == AssignmentState.CLOSED
            assert a.reply_state == ReplyState.APPROVED  # a routed case closes approved
            assert a.ended_at == report.closed_at
        else:
            assert (report.status, a.state) == (Status.ROUTED, AssignmentState.ACTIVE)
        # Deadlines as the rules give them.
        rules = routing_deadlines(start=a.routed_at, grade=a.grade)
        assert (a.claim_due_at, a.reply_proposed_at) == (rules.claim.at, rules.reply.at)
        assert a.reply_max_due_at == rules.reply_max.at
        assert a.reply_due_at <= a.reply_max_due_at
    assert Handler.objects.filter(role=HandlerRole.LEAD).count() == Assignment.objects.count()
    # Every clock follows its rule; one running clock per unit and kind; nothing left due.
    for clock in Clock.objects.select_related("assignment"):
        steps = steps_of(
            clock.kind, grade=clock.assignment.grade, start=clock.started_at, due=clock.due_at
        )
        assert (clock.remind_at, clock.supervise_at) == (steps.remind_at, steps.supervise_at)
        if clock.kind == ClockKind.CLAIM:
            assert clock.due_at == clock.assignment.claim_due_at
        if clock.kind == ClockKind.REPLY and clock.stopped_at is None:
            assert clock.due_at == clock.assignment.reply_due_at
        if clock.stopped_at is not None:
            assert clock.next_at is None
            assert clock.outcome
    running = Clock.objects.filter(stopped_at__isnull=True)
    assert not running.values("assignment", "unit", "kind").annotate(n=Count("id")).filter(n__gt=1)
    assert not Clock.objects.filter(next_at__lte=now).exists()
    assert not running.filter(assignment__state__in=["closed", "bounced", "superseded"]).exists()
    # A claimed handler's claim clock stopped as met when it claimed.
    for h in Handler.objects.filter(claimed_at__isnull=False):
        clock = Clock.objects.get(assignment_id=h.assignment_id, unit_id=h.unit_id, kind="claim")
        assert (clock.outcome, clock.stopped_at) == (ClockOutcome.MET, h.claimed_at)
        # The unit's liaison; else whoever closed the case acted for a unit without one.
        assert h.claimed_by.unit_id in (h.unit_id, None)
    # Replies: the routing says where its latest stands; a pending reply pauses its clock.
    for a in Assignment.objects.annotate(n=Count("replies")).filter(n__gt=0):
        latest = a.replies.order_by("-number").first()
        assert latest.state == a.reply_state
        if a.reply_state == ReplyState.PENDING:
            assert a.clocks.filter(kind="reply", stopped_at__isnull=True, next_at=None).exists()
    # Each case's steps in order, between its routing and its close, all internal.
    for report in Report.objects.filter(assignments__isnull=False).distinct()[:300]:
        events = list(report.events.order_by("at", "id"))
        assert all(a.target == b.source for a, b in itertools.pairwise(events)), [
            (e.transition, e.source, e.target, str(e.at)) for e in events
        ]
        route = next(e for e in events if e.transition == "route")
        for e in events:
            if e.transition in DISPATCH_STEPS:
                assert e.internal
                assert route.at <= e.at <= now
                if report.closed_at is not None:
                    assert e.at <= report.closed_at
    # Every story the pages show is there.
    assert Handler.objects.filter(claimed_at__isnull=True, open=True).exists()  # to claim
    assert Reply.objects.filter(state=ReplyState.PENDING).exists()  # awaiting review
    assert Reply.objects.filter(state=ReplyState.SENT_BACK).exists()  # sent back
    assert Assignment.objects.filter(
        state=AssignmentState.ACTIVE, reply_state=ReplyState.APPROVED
    ).exists()  # replied and approved
    assert Extension.objects.filter(state="approved").exists()
    assert Assignment.objects.filter(promised_at__isnull=False).exists()
    assert Handler.objects.filter(role=HandlerRole.CO, contribution__gt="").exists()
    assert ClockStep.objects.filter(kind="urge").exists()
    assert SupervisionNotice.objects.exists()
    # The sweep's steps are the clocks', at their moments.
    for step in ClockStep.objects.select_related("clock")[:300]:
        assert step.due_at == step.clock.moment_of(step.kind)
        assert step.due_at <= now
    assert ReportEvent.objects.filter(transition="urge").count() == (
        ClockStep.objects.filter(kind="urge").count()
    )


def test_the_demo_city_has_consistent_dispatch_history(demo):
    assert_consistent()


def test_the_demo_unit_and_duty_officer_have_work(demo):
    unit = User.objects.get(username="demo-unit").unit_id
    unit_cases = Handler.objects.filter(unit_id=unit, open=True)
    assert unit_cases.exists()
    assert Report.objects.filter(
        Q(status=Status.ESCALATED) | Q(assignments__reply_state=ReplyState.PENDING)
    ).exists()


def test_a_second_seed_writes_nothing(demo):
    count = Assignment.objects.count()
    steps = ClockStep.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert (Assignment.objects.count(), ClockStep.objects.count()) == (count, steps)
