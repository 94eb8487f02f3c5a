"""The figures read from reports and dispatch (cases, routings, the units' handling, urgings).

Every count is of distinct cases. Places (county, township) are judged on the cases filed in
the month that concern them; a grid point on the cases its people filed in the month; a unit
on the cases it received for handling in the month (routed to it as lead unit, or assigned to
it by the county) and on the routings made to it. Statuses and replies are read as they stand
when the month is computed (the month close on the 1st), then frozen in the snapshot.
"""

from __future__ import annotations

from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, When
from django.utils.translation import gettext_lazy as _

from dispatch.models import (
    Assignment,
    AssignmentState,
    ClockStep,
    ClockStepKind,
    Handler,
    HandlerRole,
    Reply,
    ReplyState,
)
from grid.models import Level
from reports.models import Report, ReportEvent, Satisfaction, Status
from scorecards.figures.registry import (
    AssessLevel,
    Figure,
    Kind,
    Source,
    register_figure,
    register_measure,
)
from scorecards.figures.sql import Hours

L = AssessLevel
PLACES = [L.COUNTY, L.TOWNSHIP]
HANDLED_STATUSES = [Status.LOCAL_HANDLING, Status.ESCALATED, Status.ROUTED, Status.CLOSED]
SATISFIED = [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED]


def township_of(prefix: str = ""):
    """The township a case concerns: its region, or the region's parent for a village."""
    return Case(
        When(**{f"{prefix}region__level": Level.TOWNSHIP}, then=F(f"{prefix}region_id")),
        default=F(f"{prefix}region__parent_id"),
    )


# --- sources ---------------------------------------------------------------------------------

CASES = Source(
    name="cases",
    rows=lambda month, as_of: Report.objects.filter(
        created_at__gte=month.start, created_at__lt=month.end
    ),
    keys={
        L.COUNTY: F("county_id"),
        L.TOWNSHIP: township_of(),
        L.GRID_POINT: F("reporter__grid_point_id"),
    },
    case="pk",
)

ROUTINGS = Source(
    name="routings",
    rows=lambda month, as_of: Assignment.objects.filter(
        routed_at__gte=month.start, routed_at__lt=month.end
    ),
    keys={
        L.UNIT: F("lead_unit_id"),
        L.COUNTY: F("report__county_id"),
        L.TOWNSHIP: township_of("report__"),
    },
    counts="pk",
)

HANDLING = Source(
    name="handling",
    rows=lambda month, as_of: ReportEvent.objects.filter(
        transition__in=["route", "accept_local"],
        at__gte=month.start,
        at__lt=month.end,
        unit__isnull=False,
    ),
    keys={L.UNIT: F("unit_id")},
)

URGINGS = Source(
    name="urgings",
    rows=lambda month, as_of: ClockStep.objects.filter(
        kind=ClockStepKind.URGE, due_at__gte=month.start, due_at__lt=month.end
    ),
    keys={L.UNIT: F("unit_id")},
)

# A unit closed the case it received, and it is closed now (not reopened since): the close
# step names the case's lead unit, or without one its assigned unit (reports.workflow), and a
# closed case keeps both as they were. Said as a join, not a subquery per row.
closed_by_unit = Q(report__status=Status.CLOSED) & (
    Q(report__lead_unit_id=F("unit_id"))
    | Q(report__lead_unit__isnull=True, report__assigned_unit_id=F("unit_id"))
)
replied_on_time = Exists(
    Reply.objects.filter(
        assignment_id=OuterRef("pk"),
        state=ReplyState.APPROVED,
        submitted_at__lte=OuterRef("reply_due_at"),
    )
)
lead_claimed_at = Subquery(
    Handler.objects.filter(assignment_id=OuterRef("pk"), role=HandlerRole.LEAD).values(
        "claimed_at"
    )[:1]
)


def disposal_overdue(month, as_of) -> Q:
    """Disposal status reported after its 24-hour deadline, or not yet and past it."""
    return ~Q(status=Status.REJECTED) & (
        Q(disposal_reported_at__gt=F("disposal_due_at"))
        | Q(disposal_reported_at__isnull=True, disposal_due_at__lt=as_of)
    )


# --- figures, in column order ----------------------------------------------------------------

for figure in [
    Figure("filed", _("Reports filed"), help=_("Cases filed in the month.")),
    Figure("valid", _("Valid reports"), help=_("Filed in the month and not rejected.")),
    Figure(
        "handled",
        _("Cases handled"),
        help=_("Places: valid cases taken into handling. Units: cases received to handle."),
    ),
    Figure("closed", _("Cases closed"), help=_("Of the cases handled, those closed.")),
    Figure("completion_rate", _("Completion rate"), Kind.RATE, ratio=("closed", "handled")),
    Figure("routed", _("Routings"), help=_("Routings made in the month.")),
    Figure("to_reply", _("Replies owed"), help=_("Routings not sent back as misrouted.")),
    Figure("replied", _("Replies approved"), help=_("Routings whose reply was approved.")),
    Figure(
        "replied_on_time",
        _("Replies on time"),
        help=_("Approved replies submitted by the reply deadline."),
    ),
    Figure("reply_rate", _("Reply rate"), Kind.RATE, ratio=("replied", "to_reply")),
    Figure(
        "on_time_reply_rate",
        _("On-time reply rate"),
        Kind.RATE,
        ratio=("replied_on_time", "to_reply"),
    ),
    Figure(
        "first_response_hours",
        _("Median time to first response"),
        Kind.HOURS,
        help=_("Places: to the disposal status. Units: to the claim of a routing."),
    ),
    Figure("close_hours", _("Median time to close"), Kind.HOURS),
    Figure("visited", _("Return visits"), help=_("Closed cases with a return visit.")),
    Figure("satisfied", _("Satisfied"), help=_("Return visits: satisfied or basically.")),
    Figure("satisfaction_rate", _("Satisfaction rate"), Kind.RATE, ratio=("satisfied", "visited")),
    Figure(
        "overdue",
        _("Overdue cases"),
        help=_(
            "Places: disposal status later than 24 hours. Units: cases urged for a missed "
            "claim, reply or promise."
        ),
    ),
    Figure("bounces", _("Misroutes sent back"), help=_("Routings sent back as not the unit's.")),
]:
    register_figure(figure)

# --- how each level measures them ------------------------------------------------------------

ALL_CASE_LEVELS = [*PLACES, L.GRID_POINT]
register_measure("filed", source=CASES, levels=ALL_CASE_LEVELS)
register_measure("valid", source=CASES, levels=ALL_CASE_LEVELS, where=~Q(status=Status.REJECTED))
register_measure(
    "handled", source=CASES, levels=ALL_CASE_LEVELS, where=Q(status__in=HANDLED_STATUSES)
)
register_measure("closed", source=CASES, levels=ALL_CASE_LEVELS, where=Q(status=Status.CLOSED))
register_measure(
    "visited",
    source=CASES,
    levels=ALL_CASE_LEVELS,
    where=Q(status=Status.CLOSED, return_visit=True),
)
register_measure(
    "satisfied",
    source=CASES,
    levels=ALL_CASE_LEVELS,
    where=Q(status=Status.CLOSED, return_visit=True, satisfaction__in=SATISFIED),
)
register_measure(
    "first_response_hours",
    source=CASES,
    levels=PLACES,
    value=Hours(F("disposal_reported_at"), F("created_at")),
)
register_measure(
    "close_hours",
    source=CASES,
    levels=PLACES,
    where=Q(status=Status.CLOSED),
    value=Hours(F("closed_at"), F("created_at")),
)
register_measure("overdue", source=CASES, levels=PLACES, where=disposal_overdue)

routing_levels = [L.UNIT, *PLACES]
register_measure("routed", source=ROUTINGS, levels=routing_levels)
register_measure(
    "to_reply", source=ROUTINGS, levels=routing_levels, where=~Q(state=AssignmentState.BOUNCED)
)
register_measure(
    "replied", source=ROUTINGS, levels=routing_levels, where=Q(reply_state=ReplyState.APPROVED)
)
register_measure(
    "replied_on_time", source=ROUTINGS, levels=routing_levels, where=Q(replied_on_time)
)
register_measure(
    "bounces", source=ROUTINGS, levels=routing_levels, where=Q(state=AssignmentState.BOUNCED)
)
register_measure(
    "first_response_hours",
    source=ROUTINGS,
    levels=[L.UNIT],
    value=Hours(lead_claimed_at, F("routed_at")),
)

register_measure("handled", source=HANDLING, levels=[L.UNIT])
register_measure("closed", source=HANDLING, levels=[L.UNIT], where=closed_by_unit)
register_measure(
    "visited", source=HANDLING, levels=[L.UNIT], where=closed_by_unit & Q(report__return_visit=True)
)
register_measure(
    "satisfied",
    source=HANDLING,
    levels=[L.UNIT],
    where=closed_by_unit & Q(report__return_visit=True, report__satisfaction__in=SATISFIED),
)
register_measure(
    "close_hours",
    source=HANDLING,
    levels=[L.UNIT],
    where=closed_by_unit,
    value=Hours(F("report__closed_at"), F("at")),
)
register_measure("overdue", source=URGINGS, levels=[L.UNIT])
