"""The figures read from duty: the daily reports, risk-point lists and handovers owed, and the
deductions and bonuses (the score is 100 − deductions + bonuses, :mod:`scorecards.assess`).

**Owed submissions** (duty's :class:`~duty.models.ExpectedSubmission`) count by the period
they are owed for: the month's days for daily reports and handovers, the month itself for the
risk-point list (due at its end). A grid point is judged on its own rows, a township and a
county on their grid points' (a unit on the handovers of its duty desk). Each row is read as
it stood when the month was computed (``as_of``): a row filed after that counts as missed,
as it was then; a row still pending past its due time counts as missed too (the sweep had
not run yet).

**Deductions and bonuses** are duty's :class:`~duty.models.Deduction` rows of the month
(its ``month``), the only place their points are kept: every rule lives in duty's rule table
(the reports' disposal clock, dispatch's late replies and duty's sweeps all score through
:func:`grid.hooks.score_events`). Deductions are the points below zero, bonuses the points
above, in points (a deduction of −2 adds 2 to ``deductions``); by kind, the points of each
kind signed as the rules give them (``points_report_late``: −2). A deduction cancelled on
appeal (or replaced by a late filing's) stops counting; one upheld, or still under appeal,
counts. A place's figures include those of its grid points (and a county's, its townships');
a unit is assessed on its own. Read as of the month's computation: a row recorded later, or a
cancellation decided later, is not in the frozen month (a recomputation takes them in).
"""

from __future__ import annotations

from django.db.models import Case, F, Q, QuerySet, When
from django.utils.translation import gettext_lazy as _

from duty.filings import DAILY_REPORT, RISK_POINTS
from duty.handover_kind import HANDOVER
from duty.models import (
    COUNTING_STATUSES,
    Deduction,
    DeductionKind,
    DeductionStatus,
    ExpectedSubmission,
    SubmissionStatus,
)
from grid.models import Level
from scorecards.figures.builtin import township_of
from scorecards.figures.registry import (
    AssessLevel,
    Figure,
    Kind,
    Listing,
    Source,
    register_figure,
    register_measure,
)

L = AssessLevel
PLACES_AND_POINTS = [L.COUNTY, L.TOWNSHIP, L.GRID_POINT]
EVERYONE = [*PLACES_AND_POINTS, L.UNIT]

# --- what a drill-down lists -----------------------------------------------------------------


def _submissions(user, matching: QuerySet) -> QuerySet:
    return (
        ExpectedSubmission.objects.visible_to(user)
        .filter(pk__in=matching.values("pk"))
        .select_related("grid_point", "unit")
        .order_by("-period", "grid_point__name", "id")
    )


def _deductions(user, matching: QuerySet) -> QuerySet:
    return (
        Deduction.objects.visible_to(user)
        .filter(pk__in=matching.values("pk"))
        .select_related("grid_point", "region", "unit")
        .order_by("-at", "-id")
    )


SUBMISSIONS_LISTED = Listing("submissions", "scorecards/_drill_submissions.html", rows=_submissions)
DEDUCTIONS_LISTED = Listing("deductions", "scorecards/_drill_deductions.html", rows=_deductions)

# --- sources ---------------------------------------------------------------------------------

OWED = Source(
    name="owed",
    rows=lambda month, as_of: ExpectedSubmission.objects.filter(
        kind__in=[DAILY_REPORT, RISK_POINTS, HANDOVER],
        period__gte=month.first_day,
        period__lt=month.next().first_day,
        due_at__lte=as_of,
    ),
    keys={
        # A place counts its grid points' rows (a platform desk's handover is its unit's).
        L.COUNTY: Case(When(grid_point__isnull=False, then=F("county_id"))),
        L.TOWNSHIP: township_of("grid_point__"),
        L.GRID_POINT: F("grid_point_id"),
        L.UNIT: F("unit_id"),
    },
    counts="pk",
    listing=SUBMISSIONS_LISTED,
)


def settled(status: str):
    """Filed on time, or late, by the moment the month was computed."""

    def where(month, as_of) -> Q:
        return Q(status=status, settled_at__lte=as_of)

    return where


def missed(month, as_of) -> Q:
    """Missed as the month was computed: marked missed, filed only after, or still pending."""
    return (
        Q(status=SubmissionStatus.MISSED)
        | Q(status=SubmissionStatus.LATE, settled_at__gt=as_of)
        | Q(status=SubmissionStatus.PENDING)
    )


def _county_of(prefix: str):
    """The county of a region (``prefix`` names it): itself, its parent or its grandparent."""
    return Case(
        When(**{f"{prefix}level": Level.COUNTY}, then=F(f"{prefix}id")),
        When(**{f"{prefix}level": Level.TOWNSHIP}, then=F(f"{prefix}parent_id")),
        When(**{f"{prefix}level": Level.VILLAGE}, then=F(f"{prefix}parent__parent_id")),
    )


def _township_of_region(prefix: str):
    return Case(
        When(**{f"{prefix}level": Level.TOWNSHIP}, then=F(f"{prefix}id")),
        When(**{f"{prefix}level": Level.VILLAGE}, then=F(f"{prefix}parent_id")),
    )


def _deductions_of_month(month, as_of) -> QuerySet:
    """The month's deductions that counted when it was computed (recorded by then; not
    cancelled, or cancelled only afterwards)."""
    return Deduction.objects.filter(month=month.first_day, created_at__lte=as_of).filter(
        Q(status__in=COUNTING_STATUSES) | Q(status=DeductionStatus.CANCELLED, decided_at__gt=as_of)
    )


POINTS = Source(
    name="points",
    rows=_deductions_of_month,
    keys={
        L.COUNTY: Case(
            When(grid_point__isnull=False, then=_county_of("grid_point__region__")),
            When(region__isnull=False, then=_county_of("region__")),
        ),
        L.TOWNSHIP: Case(
            When(grid_point__isnull=False, then=township_of("grid_point__")),
            When(region__isnull=False, then=_township_of_region("region__")),
        ),
        L.GRID_POINT: F("grid_point_id"),
        L.UNIT: F("unit_id"),
    },
    counts="pk",
    listing=DEDUCTIONS_LISTED,
)

DEDUCTED = Q(points__lt=0)
BONUS = Q(points__gt=0)
# Deductions in points deducted (a positive number), bonuses in points added.
deducted_points = -F("points")

# --- figures, in column order ----------------------------------------------------------------

OWED_FIGURES = [
    # name, label, kind owed, how it stood, levels
    ("daily_on_time", _("Daily reports on time"), DAILY_REPORT, settled("on_time")),
    ("daily_late", _("Daily reports late"), DAILY_REPORT, settled("late")),
    ("daily_missed", _("Daily reports missed"), DAILY_REPORT, missed),
    ("risk_on_time", _("Risk-point lists on time"), RISK_POINTS, settled("on_time")),
    ("risk_late", _("Risk-point lists late"), RISK_POINTS, settled("late")),
    ("risk_missed", _("Risk-point lists missed"), RISK_POINTS, missed),
    ("handovers_missed", _("Handovers missed"), HANDOVER, missed),
]


def _of_kind(kind: str, how):
    def where(month, as_of) -> Q:
        return Q(kind=kind) & how(month, as_of)

    return where


def by_kind(kind: str) -> str:
    """The figure of one kind's points in the month (negative: deducted; positive: added)."""
    return f"points_{kind}"


def register() -> None:
    """Declare duty's figures and how each level measures them (``ScorecardsConfig.ready``)."""
    for name, label, kind, how in OWED_FIGURES:
        register_figure(Figure(name, label))
        levels = EVERYONE if kind == HANDOVER else PLACES_AND_POINTS
        register_measure(name, source=OWED, levels=levels, where=_of_kind(kind, how))

    register_figure(
        Figure(
            "deductions",
            _("Deductions"),
            Kind.POINTS,
            help=_("Points deducted in the month (cancelled deductions do not count)."),
        )
    )
    register_measure(
        "deductions", source=POINTS, levels=EVERYONE, where=DEDUCTED, value=deducted_points
    )
    register_figure(
        Figure("bonuses", _("Bonuses"), Kind.POINTS, help=_("Points added in the month."))
    )
    register_measure("bonuses", source=POINTS, levels=EVERYONE, where=BONUS, value=F("points"))
    # By kind, signed as the rules give them: what the deductions and bonuses are made of.
    for kind in DeductionKind:
        register_figure(
            Figure(
                by_kind(kind.value),
                kind.label,
                Kind.POINTS,
                help=_("Points of this kind: negative deducted, positive added."),
                part_of="deductions",
            )
        )
        register_measure(
            by_kind(kind.value),
            source=POINTS,
            levels=EVERYONE,
            where=Q(kind=kind.value),
            value=F("points"),
        )
