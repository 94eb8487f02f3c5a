"""The scorecard pages: a closed month's table per level, the cases behind a figure, and the
city admin's recompute and publish."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grid import audit
from grid.models import AccessKind, Region
from grid.pagination import CappedPaginator
from scorecards.bulletin import bulletin_for, bulletin_workbook
from scorecards.dashboard import deductions_behind, ranking_level
from scorecards.figures import FIGURES, AssessLevel
from scorecards.forms import ScorecardQueryForm
from scorecards.months import Month
from scorecards.rules import may_recompute, may_view
from scorecards.selectors import (
    drill_for,
    drill_listing,
    latest_snapshot,
    scorecard_rows_for,
    snapshot_of,
    snapshots,
)
from scorecards.services import MonthPublished, month_publish, month_recompute
from scorecards.views.shape import cells_of, columns_for, figure_text, parts_of

PAGE_SIZE = 50
DRILL_PAGE_SIZE = 25
# Where a row's name leads: the level below, within it.
BELOW = {AssessLevel.COUNTY: AssessLevel.TOWNSHIP, AssessLevel.TOWNSHIP: AssessLevel.GRID_POINT}
MONTHS_LISTED = 24


def _viewer(request: HttpRequest) -> None:
    if not may_view(request.user):
        raise PermissionDenied(_("Scorecards are for leaders and the platform's staff."))


def _month_or_404(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise Http404(_("No such month.")) from None


@login_required
@require_GET
def scorecard_table(request: HttpRequest) -> HttpResponse:
    """A closed month's rows of one level (within a county or township, if asked), ranked."""
    _viewer(request)
    form = ScorecardQueryForm(request.GET)
    if not form.is_valid():
        return render(request, "scorecards/table.html", {"form": form, "bad": True}, status=400)
    month, level = form.cleaned_data["month"], form.cleaned_data["level"]
    snapshot = snapshot_of(month) if month else latest_snapshot()
    context = {
        "form": form,
        "level": level,
        "levels": AssessLevel.choices,
        "months": list(snapshots().values_list("month", "state")[:MONTHS_LISTED]),
        "snapshot": snapshot,
        "may_recompute": may_recompute(request.user),
    }
    if snapshot is None:
        return render(request, "scorecards/table.html", context, status=404 if month else 200)
    rows = scorecard_rows_for(user=request.user, snapshot=snapshot, level=level)
    within = None
    if request.GET.get("within", "").isdigit():
        within = Region.objects.visible_to(request.user).filter(pk=request.GET["within"]).first()
        if within is None:
            raise Http404(_("No such area in your jurisdiction."))
        rows = rows.filter(path__startswith=within.path)
    month_text = f"{snapshot.month:%Y-%m}"
    columns = columns_for(snapshot.columns.get(level, []))
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    below = BELOW.get(level)
    ranked_by = snapshot.ranked_by.get(level, "")
    context |= {
        "month": month_text,
        "within": within,
        "columns": columns,
        "ranked_by_label": FIGURES[ranked_by].label if ranked_by in FIGURES else _("Score"),
        "scored": ranked_by == "score",
        "page": page,
        "rows": [
            {
                "row": row,
                "cells": cells_of(row, columns, month=month_text),
                "score": figure_text("points", row.score),
                "below": (
                    f"{reverse('scorecards-table')}?month={month_text}&level={below}"
                    f"&within={row.node_id}"
                    if below
                    else None
                ),
            }
            for row in page.object_list
        ],
        "revisions": list(snapshot.revisions.select_related("by").order_by("-number")[:5])
        if context["may_recompute"]
        else [],
    }
    return render(request, "scorecards/table.html", context)


@login_required
@require_GET
def scorecard_drill(
    request: HttpRequest, month: str, level: str, node_id: int, figure: str
) -> HttpResponse:
    """The cases behind one figure of one node in a closed month (read as they are now), or
    the deductions, or the owed submissions, with a total's breakdown by kind."""
    _viewer(request)
    snapshot = snapshot_of(_month_or_404(month))
    if snapshot is None or level not in AssessLevel.values:
        raise Http404(_("That month is not closed."))
    rows = drill_for(
        user=request.user, snapshot=snapshot, level=level, node_id=node_id, figure=figure
    )
    if rows is None:
        audit.record(request, kind=AccessKind.CASE_LIST, allowed=False)
        raise Http404(_("No such figure in your jurisdiction."))
    row = scorecard_rows_for(user=request.user, snapshot=snapshot, level=level).get(node_id=node_id)
    listing = drill_listing(level=level, figure=figure)
    if listing is None:
        rows = (
            rows.select_related("region", "county")
            .only(
                "id",
                "case_number",
                "title",
                "status",
                "created_at",
                "closed_at",
                "region__name",
                "county__name",
            )
            .order_by("-created_at", "-id")
        )
    page = CappedPaginator(rows, DRILL_PAGE_SIZE).get_page(request.GET.get("page"))
    if listing is None:
        audit.record(request, kind=AccessKind.CASE_LIST, case_ids=[r.pk for r in page.object_list])
    definition = FIGURES[figure]
    return render(
        request,
        "scorecards/drill.html",
        {
            "month": month,
            "row": row,
            "figure": definition,
            "value": figure_text(definition.kind, row.figures.get(figure)),
            "page": page,
            "listing": listing.template if listing else "scorecards/_drill_cases.html",
            "parts": parts_of(row, definition, month=month),
            "back": f"{reverse('scorecards-table')}?month={month}&level={level}",
        },
    )


@login_required
@require_POST
def scorecard_recompute(request: HttpRequest, month: str) -> HttpResponse:
    """A city admin computes a closed month again before publishing it."""
    if not may_recompute(request.user):
        raise PermissionDenied(_("Only a city admin may recompute a month."))
    target = _month_or_404(month)
    if snapshot_of(target) is None:
        raise Http404(_("That month is not closed."))
    try:
        revision = month_recompute(
            month=target, by=request.user, reason=request.POST.get("reason", "")[:1000]
        )
    except MonthPublished:
        messages.error(request, _("A published month does not change."))
    else:
        messages.success(
            request,
            _("Recomputed: %(n)d rows changed.") % {"n": revision.changed_rows},
        )
    return redirect(f"{reverse('scorecards-table')}?month={month}")


@login_required
@require_POST
def scorecard_publish(request: HttpRequest, month: str) -> HttpResponse:
    """A city admin publishes a closed month: it is final from now on."""
    if not may_recompute(request.user):
        raise PermissionDenied(_("Only a city admin may publish a month."))
    target = _month_or_404(month)
    if snapshot_of(target) is None:
        raise Http404(_("That month is not closed."))
    try:
        month_publish(month=target, by=request.user)
    except MonthPublished:
        messages.error(request, _("This month is already published."))
    else:
        messages.success(request, _("Published. This month is final now."))
    return redirect(f"{reverse('scorecards-table')}?month={month}")


@login_required
@require_GET
def scorecard_bulletin(request: HttpRequest, month: str) -> HttpResponse:
    """The monthly bulletin (月通报) as a printable A4 page."""
    _viewer(request)
    snapshot = snapshot_of(_month_or_404(month))
    if snapshot is None:
        raise Http404(_("That month is not closed."))
    level = ranking_level(request.user)
    bulletin = bulletin_for(user=request.user, snapshot=snapshot, level=level)
    columns = columns_for(
        [
            n
            for n in (
                "deductions",
                "bonuses",
                "filed",
                "completion_rate",
                "on_time_reply_rate",
                "satisfaction_rate",
                "overdue",
                "daily_missed",
            )
            if n in snapshot.columns.get(level, [])
        ]
    )
    deducted = [
        {"row": r, "behind": deductions_behind(r.figures)}
        for r in bulletin.rows
        if r.figures.get("deductions")
    ]
    return render(
        request,
        "scorecards/bulletin.html",
        {
            "month": month,
            "snapshot": snapshot,
            "bulletin": bulletin,
            "columns": columns,
            "rows": [
                {
                    "row": r,
                    "score": figure_text("points", r.score),
                    "cells": cells_of(r, columns, month=month),
                }
                for r in bulletin.rows
            ],
            "deducted": deducted,
            "ranked_by_label": FIGURES.get(snapshot.ranked_by.get(level, ""), None),
        },
    )


@login_required
@require_GET
def scorecard_bulletin_xlsx(request: HttpRequest, month: str) -> HttpResponse:
    """The month's rows of every level as a spreadsheet (scoped like the page)."""
    _viewer(request)
    snapshot = snapshot_of(_month_or_404(month))
    if snapshot is None:
        raise Http404(_("That month is not closed."))
    response = HttpResponse(
        bulletin_workbook(user=request.user, snapshot=snapshot),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="scorecards-{month}.xlsx"'
    return response
