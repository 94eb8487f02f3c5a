"""Reads on deductions: scoped lists, one deduction with its history, totals for scorecards.

Scoping is the one rule (:mod:`grid.scoping`): a person sees the deductions against what lies
in their home node's subtree — a county admin their county's grid points, townships, the
county itself and its units; a grid point's people their point — narrowed, for unit liaisons,
to their own unit (their home node is the unit's region, whose other units are not theirs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from duty.models import (
    COUNTING_STATUSES,
    Deduction,
    DeductionEvent,
    DeductionStatus,
)
from grid.models import Level, Role


def deductions_visible_to(user) -> QuerySet:
    """Every deduction ``user`` may see (see the module)."""
    deductions = Deduction.objects.visible_to(user)
    if getattr(user, "role", "") == Role.UNIT_LIAISON and not user.is_superuser:
        deductions = deductions.filter(unit_id=user.unit_id)
    return deductions


def deductions_of_sources(*, user, source_model, source_ids) -> dict[int, Deduction]:
    """The counting deduction (counting or appealed, not cancelled) of each of these source
    rows that ``user`` may see, by source id, in one query (none if no ids): what a page of
    expected submissions shows beside each row."""
    from django.contrib.contenttypes.models import ContentType

    ids = [pk for pk in source_ids if pk is not None]
    if not ids:
        return {}
    rows = (
        deductions_visible_to(user)
        .filter(
            source_type=ContentType.objects.get_for_model(source_model),
            source_id__in=ids,
            status__in=COUNTING_STATUSES,
        )
        .only("id", "kind", "points", "status", "source_id")
        .order_by("id")
    )
    found: dict[int, Deduction] = {}
    for deduction in rows:
        found.setdefault(deduction.source_id, deduction)
    return found


def deduction_list_for(*, user, filters=None) -> QuerySet:
    """The deductions ``user`` may see, newest first, filtered by a valid
    :class:`~duty.deductions.filters.DeductionFilter`; targets joined (no query per row)."""
    deductions = deductions_visible_to(user).select_related(
        "grid_point", "region", "unit", "source_type"
    )
    if filters is not None:
        deductions = filters.filter_queryset(deductions)
    return deductions.order_by("-at", "-id")


def deduction_detail_for(*, user, deduction_id: int) -> Deduction:
    """One deduction ``user`` may see, with its target, rule and people (DoesNotExist else)."""
    from duty.deductions.services import NoSuchDeduction

    deduction = (
        deductions_visible_to(user)
        .select_related(
            "grid_point",
            "grid_point__region",
            "region",
            "unit",
            "rule",
            "created_by",
            "appealed_by",
            "decided_by",
            "source_type",
        )
        .filter(pk=deduction_id)
        .first()
    )
    if deduction is None:
        raise NoSuchDeduction("No such deduction in your jurisdiction.")
    return deduction


def deduction_history(*, deduction: Deduction) -> list[DeductionEvent]:
    """A deduction's events, oldest first, with their actors (one query)."""
    return list(deduction.events.select_related("actor").order_by("at", "id"))


@dataclass(frozen=True)
class SourceLink:
    """What a deduction's source is and where to see it (``url`` empty: no page of its own)."""

    label: str
    url: str


def source_link_for(deduction: Deduction, *, user) -> SourceLink | None:
    """The source's page, as ``user`` may open it: a case (or what hangs off one: a clock, a
    routing) links to the case page, a row with a page of its own to that page; the case
    must be one ``user`` may see. None for a deduction without a source."""
    if deduction.source_type_id is None:
        return None
    model = deduction.source_type.model_class()
    label = str(model._meta.verbose_name) if model else deduction.source_type.model
    if model is None:
        return SourceLink(label, "")
    source = model._base_manager.filter(pk=deduction.source_id).first()
    if source is None:
        return SourceLink(f"{label} #{deduction.source_id}", "")
    from reports.models import Report

    report_id = source.pk if isinstance(source, Report) else getattr(source, "report_id", None)
    if report_id is not None:
        report = Report.objects.visible_to(user).filter(pk=report_id).only("case_number").first()
        if report is None:
            return SourceLink(label, "")
        return SourceLink(
            f"{label} {report.case_number}", reverse("report-detail", args=[report_id])
        )
    url = ""
    if hasattr(source, "get_absolute_url"):
        try:
            url = source.get_absolute_url()
        except NoReverseMatch:
            url = ""
    return SourceLink(f"{label}: {source}", url)


# --- totals for scorecards --------------------------------------------------------------------

LEVELS = ("grid_point", "township", "county", "unit")


@dataclass(frozen=True)
class Totals:
    """One target's month: what counts (deductions negative, bonuses positive, their sum),
    how much of it is contested, and how many rows of each status."""

    target_id: int
    deducted: Decimal
    bonus: Decimal
    net: Decimal
    contested: Decimal
    counting: int
    appealed: int
    cancelled: int


def _sum(condition: Q):
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))
    return Coalesce(
        Sum("points", filter=condition, output_field=DecimalField(max_digits=12, decimal_places=2)),
        zero,
    )


def deductions_totals(*, month: date, level: str, user=None) -> dict[int, Totals]:
    """Each target's totals for ``month`` (any day of it) at ``level`` — ``grid_point``,
    ``township``, ``county`` (deductions against that region itself) or ``unit`` — in one
    GROUP BY query with conditional sums; scoped to ``user`` when given. Targets without a
    deduction that month are absent (their totals are zero)."""
    if level not in LEVELS:
        raise ValueError(f"level is one of {LEVELS}, not {level!r}")
    deductions = Deduction.objects.all() if user is None else deductions_visible_to(user)
    deductions = deductions.filter(month=month.replace(day=1))
    if level == "grid_point":
        column = "grid_point_id"
        deductions = deductions.filter(grid_point__isnull=False)
    elif level == "unit":
        column = "unit_id"
        deductions = deductions.filter(unit__isnull=False)
    else:
        column = "region_id"
        wanted = Level.TOWNSHIP if level == "township" else Level.COUNTY
        deductions = deductions.filter(region__isnull=False, region__level=wanted)
    counting = Q(status__in=COUNTING_STATUSES)
    rows = (
        deductions.order_by()
        .values(column)
        .annotate(
            deducted=_sum(counting & Q(points__lt=0)),
            bonus=_sum(counting & Q(points__gt=0)),
            net=_sum(counting),
            contested=_sum(Q(status=DeductionStatus.APPEALED)),
            n_counting=Count("id", filter=Q(status=DeductionStatus.COUNTING)),
            n_appealed=Count("id", filter=Q(status=DeductionStatus.APPEALED)),
            n_cancelled=Count("id", filter=Q(status=DeductionStatus.CANCELLED)),
        )
    )
    return {
        row[column]: Totals(
            target_id=row[column],
            deducted=Decimal(row["deducted"]),
            bonus=Decimal(row["bonus"]),
            net=Decimal(row["net"]),
            contested=Decimal(row["contested"]),
            counting=row["n_counting"],
            appealed=row["n_appealed"],
            cancelled=row["n_cancelled"],
        )
        for row in rows
    }
