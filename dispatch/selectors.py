"""Reads of dispatch: the city duty console, a unit's inbox, a case's routings, the route
form's suggestions, major cases to acknowledge and supervision notices.

Every read is scoped to the person (their jurisdiction, their unit); lists are querysets the
caller paginates, read in a constant number of queries whatever the page size (pinned by
tests), off indexes of what they filter and sort on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from dispatch.deadlines import rules_for
from dispatch.models import (
    Assignment,
    AssignmentState,
    Clock,
    ClockKind,
    Extension,
    Handler,
    HandlerRole,
    MajorAcknowledgement,
    Reply,
    ReplyState,
    SupervisionNotice,
)
from grid.models import Role, Unit, UnitKind, User
from grid.scoping import jurisdiction_of
from reports.models import Grade, Report, ReportEvent, Status
from reports.rules import sees_internal

SUGGESTION_DAYS = 90
SUGGESTIONS = 5


def emergency_centre_for(report: Report) -> Unit | None:
    """The emergency command centre (应急指挥中心) of the case's city: the unit that leads
    difficult cases and sudden incidents."""
    city_code = report.region_path.split("/", 1)[0]
    return (
        Unit.objects.filter(kind=UnitKind.EMERGENCY, is_active=True, region__code=city_code)
        .order_by("code")
        .first()
    )


# --- the city duty console -------------------------------------------------------------------


def may_use_console(user: User) -> bool:
    """City duty officers work the console (superusers may look)."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.DUTY_OFFICER)


def may_use_inbox(user: User) -> bool:
    """Unit liaisons work their unit's inbox."""
    return user.is_authenticated and user.role == Role.UNIT_LIAISON and user.unit_id is not None


class ConsoleTab:
    ESCALATED = "escalated"  # waiting to be routed (bounced ones among them)
    BOUNCED = "bounced"  # escalated cases a unit sent back: misroutes to route again
    REVIEW = "review"  # routed cases whose reply awaits review
    ROUTED = "routed"  # every routed case

    CHOICES = (ESCALATED, BOUNCED, REVIEW, ROUTED)


def _first_escalation():
    """When the case first came up to the city (the console's age since escalation)."""
    return Subquery(
        ReportEvent.objects.filter(report_id=OuterRef("pk"), transition="escalate")
        .order_by("at", "pk")
        .values("at")[:1]
    )


def console_list_for(*, user: User, tab: str = ConsoleTab.ESCALATED, filters=None) -> QuerySet:
    """The duty console's cases of ``tab`` that ``user`` may see, narrowed by ``filters`` (a
    validated :class:`dispatch.filters.ConsoleFilter`), newest first unless sorted otherwise.

    Rows carry ``escalated_at``; :func:`with_routings` adds each row's current routing and
    last bounce after the page is cut (one query).
    """
    from reports.selectors import report_list_for  # the reports list, its filters and sorts

    qs = report_list_for(user=user, filters=filters)
    if tab in (ConsoleTab.ESCALATED, ConsoleTab.BOUNCED):
        qs = qs.filter(status=Status.ESCALATED)
        if tab == ConsoleTab.BOUNCED:
            qs = qs.filter(
                Exists(
                    Assignment.objects.filter(
                        report_id=OuterRef("pk"), state=AssignmentState.BOUNCED
                    )
                )
            )
    elif tab == ConsoleTab.REVIEW:
        qs = qs.filter(
            status=Status.ROUTED,
            pk__in=Assignment.objects.filter(
                state=AssignmentState.ACTIVE, reply_state=ReplyState.PENDING
            ).values("report_id"),
        )
    else:
        qs = qs.filter(status=Status.ROUTED)
    return qs.annotate(escalated_at=_first_escalation())


@dataclass
class Routings:
    """A case's current routing and its last bounce, as a list row shows them."""

    current: Assignment | None = None
    last_bounce: Assignment | None = None


def with_routings(reports: list[Report]) -> list[Report]:
    """Put ``routings`` (:class:`Routings`) on each report of a page: one query for all."""
    by_report: dict[int, Routings] = {r.pk: Routings() for r in reports}
    if not by_report:
        return reports
    rows = (
        Assignment.objects.filter(report_id__in=list(by_report))
        .filter(state__in=[AssignmentState.ACTIVE, AssignmentState.BOUNCED])
        .select_related("lead_unit")
        .only(
            "pk",
            "report_id",
            "number",
            "state",
            "grade",
            "lead_unit__id",
            "lead_unit__name",
            "routed_at",
            "claim_due_at",
            "reply_due_at",
            "reply_due_assumed",
            "reply_state",
            "promised_at",
            "bounced_at",
            "bounce_reason",
        )
        .order_by("report_id", "number")
    )
    for assignment in rows:
        routings = by_report[assignment.report_id]
        if assignment.state == AssignmentState.ACTIVE:
            routings.current = assignment
        else:
            routings.last_bounce = assignment  # ordered by number: the last one wins
    for report in reports:
        report.routings = by_report[report.pk]
    return reports


# --- a unit's inbox --------------------------------------------------------------------------


class InboxState:
    TO_CLAIM = "to_claim"
    TO_ANSWER = "to_answer"
    SENT_BACK = "sent_back"
    AWAITING_REVIEW = "awaiting_review"
    OVERDUE = "overdue"

    CHOICES = (TO_CLAIM, TO_ANSWER, SENT_BACK, AWAITING_REVIEW, OVERDUE)


def inbox_state_q(state: str, *, now: datetime) -> Q:
    """The inbox rows (handlers) in ``state``."""
    if state == InboxState.TO_CLAIM:
        return Q(claimed_at__isnull=True)
    if state == InboxState.TO_ANSWER:
        return Q(
            role=HandlerRole.LEAD,
            claimed_at__isnull=False,
            assignment__reply_state__in=[ReplyState.NONE, ReplyState.SENT_BACK],
        )
    if state == InboxState.SENT_BACK:
        return Q(assignment__reply_state=ReplyState.SENT_BACK)
    if state == InboxState.AWAITING_REVIEW:
        return Q(assignment__reply_state=ReplyState.PENDING)
    if state == InboxState.OVERDUE:
        return (
            Q(claimed_at__isnull=True, assignment__claim_due_at__lt=now)
            | (
                ~Q(assignment__reply_state=ReplyState.APPROVED)
                & Q(assignment__reply_due_at__lt=now)
            )
            | Q(assignment__promised_at__lt=now)
        )
    raise ValueError(state)


# The columns an inbox row reads (for ``.only()``).
INBOX_COLUMNS = (
    "id",
    "role",
    "claimed_at",
    "due_at",
    "unit_id",
    "assignment__id",
    "assignment__number",
    "assignment__grade",
    "assignment__routed_at",
    "assignment__claim_due_at",
    "assignment__claim_due_assumed",
    "assignment__reply_due_at",
    "assignment__reply_due_assumed",
    "assignment__promised_at",
    "assignment__reply_state",
    "assignment__lead_unit_id",
    "report__id",
    "report__case_number",
    "report__title",
    "report__status",
    "report__category",
    "report__region__id",
    "report__region__code",
    "report__region__name",
)


def inbox_for(*, user: User, filters=None) -> QuerySet:
    """The open routings of ``user``'s unit, as lead or co-handler, next deadline first
    (``due_at``: the claim's until claimed, then the reply's, stored on the handler and
    indexed with its unit), narrowed by ``filters`` (a validated
    :class:`dispatch.filters.InboxFilter`)."""
    scope = jurisdiction_of(user)
    if not may_use_inbox(user) or scope.nothing:
        return Handler.objects.none()
    qs = Handler.objects.filter(unit_id=user.unit_id, open=True)
    if not scope.everything:
        qs = qs.filter(report__region_path__startswith=scope.path)
    qs = qs.order_by("due_at", "pk")
    if filters is not None:
        qs = filters.filter_queryset(qs)
    return qs.select_related("assignment", "report", "report__region").only(*INBOX_COLUMNS)


# --- one case --------------------------------------------------------------------------------


@dataclass
class CaseDispatch:
    """Everything dispatch holds on one case, as a staff reader sees it: its routings newest
    first, each with its units, replies, extensions, clocks and notices loaded; and the
    reader's own open acknowledgement of a major case, if any."""

    routings: list[Assignment] = field(default_factory=list)
    my_acknowledgement: MajorAcknowledgement | None = None

    @property
    def current(self) -> Assignment | None:
        return next((a for a in self.routings if a.state == AssignmentState.ACTIVE), None)


def case_dispatch_for(*, user: User, report: Report) -> CaseDispatch | None:
    """The routings of ``report`` (one ``user`` may see) for its page and API answer; None for
    readers who see a case's steps in plain words only (people of grid points). Seven queries
    whatever the number of routings."""
    if not sees_internal(user):
        return None
    routings = list(
        Assignment.objects.filter(report_id=report.pk)
        .select_related("lead_unit", "routed_by", "bounced_by")
        .prefetch_related(
            Prefetch(
                "handlers",
                queryset=Handler.objects.select_related("unit", "claimed_by").order_by(
                    "role", "pk"
                ),
            ),
            Prefetch(
                "replies",
                queryset=Reply.objects.select_related("submitted_by", "reviewed_by").order_by(
                    "number"
                ),
            ),
            Prefetch(
                "extensions",
                queryset=Extension.objects.select_related("requested_by", "decided_by").order_by(
                    "requested_at", "pk"
                ),
            ),
            Prefetch("clocks", queryset=Clock.objects.order_by("started_at", "pk")),
            Prefetch(
                "notices",
                queryset=SupervisionNotice.objects.select_related("unit", "explained_by").order_by(
                    "issued_at", "pk"
                ),
            ),
        )
        .order_by("-number")
    )
    mine = (
        MajorAcknowledgement.objects.filter(report_id=report.pk, person=user)
        .order_by("acknowledged_at")
        .first()
        if any(a.grade == "major" for a in routings)
        else None
    )
    return CaseDispatch(routings=routings, my_acknowledgement=mine)


# --- the route form's suggestions ------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    unit_id: int
    name: str
    count: int  # routings of this category in this county in the last 90 days


@dataclass(frozen=True)
class RouteSuggestions:
    """Whom to route a case to: the units that most often handled its category in its county
    lately, the county's own platform (for general cases) and the emergency command centre
    (difficult and sudden cases)."""

    frequent: list[Suggestion]
    county_units: list[Unit]
    emergency_centre: Unit | None


def route_suggestions_for(*, report: Report, now: datetime) -> RouteSuggestions:
    """Suggestions for routing ``report``: three small queries, the first one indexed
    (``assignment_suggest``: county, category, time; misroutes left out)."""
    ancestors = report.region_path.rstrip("/").split("/")
    frequent = (
        Assignment.objects.filter(
            county_id=report.county_id,
            category=report.category,
            routed_at__gte=now - timedelta(days=SUGGESTION_DAYS),
        )
        .exclude(state=AssignmentState.BOUNCED)
        .filter(lead_unit__is_active=True, lead_unit__region__code__in=ancestors)
        .values("lead_unit_id", "lead_unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "lead_unit__name")[:SUGGESTIONS]
    )
    county_units = list(
        Unit.objects.filter(
            region_id=report.county_id, kind=UnitKind.PLATFORM, is_active=True
        ).order_by("code")
    )
    return RouteSuggestions(
        frequent=[Suggestion(r["lead_unit_id"], r["lead_unit__name"], r["n"]) for r in frequent],
        county_units=county_units,
        emergency_centre=emergency_centre_for(report),
    )


# --- major cases, supervision notices --------------------------------------------------------


def major_cases_unacknowledged_for(*, user: User) -> QuerySet:
    """The major cases ``user`` was asked to acknowledge and has not (the banner), newest
    first, with their cases' numbers and titles: one query off a partial index."""
    return (
        MajorAcknowledgement.objects.filter(person_id=user.pk, acknowledged_at__isnull=True)
        .filter(report__in=Report.objects.visible_to(user).values("pk"))
        .select_related("report")
        .only(
            "pk",
            "notified_at",
            "report__id",
            "report__case_number",
            "report__title",
            "report__status",
        )
        .order_by("-notified_at", "-pk")
    )


def supervision_notices_for(*, user: User) -> QuerySet:
    """Supervision notices ``user`` may read: a liaison their unit's; staff those of cases in
    their jurisdiction; nobody else any. Newest first."""
    qs = SupervisionNotice.objects.select_related("report", "unit").order_by("-issued_at", "-pk")
    if not sees_internal(user):
        return qs.none()
    if user.role == Role.UNIT_LIAISON:
        if user.unit_id is None:
            return qs.none()
        qs = qs.filter(unit_id=user.unit_id)
    scope = jurisdiction_of(user)
    if scope.nothing:
        return qs.none()
    if not scope.everything:
        qs = qs.filter(report__region_path__startswith=scope.path)
    return qs


# --- for the pages (console, inbox, case page) -----------------------------------------------

# The steps the sweep takes by itself: no person's step, so no reason to refuse a form drawn
# before one of them (dispatch.services.dispatch_act_as_seen).
SWEEP_STEPS = ("remind", "urge", "supervise")


def case_last_step_for(*, report_id: int):
    """The id of the latest step a person took on the case (its last event that the sweep did
    not write), or None: what an action form drawn now was decided on. One indexed query."""
    return (
        ReportEvent.objects.filter(report_id=report_id)
        .exclude(transition__in=SWEEP_STEPS)
        .order_by("-at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def inbox_counts_for(*, user: User, now: datetime) -> dict[str, int]:
    """How many of the unit's open routings are in each inbox state, and in all (``total``):
    one query whatever the inbox's size (the home page's figures)."""
    qs = inbox_for(user=user).order_by()
    counts = {
        state: Count("pk", filter=inbox_state_q(state, now=now)) for state in InboxState.CHOICES
    }
    return qs.aggregate(total=Count("pk"), **counts)


def reply_proposals_for(*, now: datetime) -> dict[str, object]:
    """By grade, the reply deadline the rule proposes for a case routed at ``now`` (a
    :class:`grid.workdays.Deadline`; the latest the officer may set): one rule query and one
    calendar query per distinct rule."""
    by_rule: dict[tuple, object] = {}
    proposals = {}
    for grade, rule in rules_for(ClockKind.REPLY, grades=Grade.values).items():
        key = (rule.limit, rule.unit)
        if key not in by_rule:
            by_rule[key] = rule.deadline_from(now)
        proposals[grade] = by_rule[key]
    return proposals
