"""Pages of the exports: the quarterly summary (printable, and as a spreadsheet) and the
case exports (ask for one, watch its progress, download it)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grid import audit
from grid.models import AccessKind
from grid.pagination import CappedPaginator
from scorecards.dashboard import ranking_level
from scorecards.exports.forms import ExportForm
from scorecards.exports.models import CaseExport, ExportState
from scorecards.exports.periods import Quarter
from scorecards.exports.quarter import quarter_snapshots, quarter_summary, quarter_workbook
from scorecards.exports.services import TooManyExports, export_start, exports_of
from scorecards.exports.sheets import XLSX
from scorecards.figures import FIGURES, Kind
from scorecards.rules import may_view
from scorecards.views.shape import figure_text

EXPORTS_PAGE = 20
SHOWN = ("filed", "valid", "handled", "closed", "completion_rate", "satisfaction_rate", "overdue")


def _viewer(request: HttpRequest) -> None:
    if not may_view(request.user):
        raise PermissionDenied(_("Scorecards are for leaders and the platform's staff."))


def _quarter_or_404(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError:
        raise Http404(_("No such quarter.")) from None


@login_required
@require_GET
def quarter_page(request: HttpRequest, quarter: str) -> HttpResponse:
    """The quarterly summary (季度总结) as a printable A4 page."""
    _viewer(request)
    q = _quarter_or_404(quarter)
    snapshots = quarter_snapshots(q)
    if not snapshots:
        raise Http404(_("No month of that quarter is closed."))
    summary = quarter_summary(
        user=request.user, quarter=q, level=ranking_level(request.user), snapshots=snapshots
    )
    names = [n for n in SHOWN if n in summary.columns]
    return render(
        request,
        "scorecards/quarter.html",
        {
            "quarter": str(q),
            "previous": str(q.previous()),
            "summary": summary,
            "columns": [FIGURES[n].label for n in names],
            "rows": [
                {
                    "row": r,
                    "score": figure_text(Kind.POINTS, r.score),
                    "cells": [figure_text(FIGURES[n].kind, r.figures.get(n)) for n in names],
                }
                for r in summary.rows
            ],
            "ranked_by_label": _("Average score")
            if summary.ranked_by == "score"
            else (FIGURES[summary.ranked_by].label if summary.ranked_by in FIGURES else ""),
        },
    )


@login_required
@require_GET
def quarter_xlsx(request: HttpRequest, quarter: str) -> HttpResponse:
    """The quarter's rows of every level as a spreadsheet (scoped like the page)."""
    _viewer(request)
    q = _quarter_or_404(quarter)
    response = HttpResponse(quarter_workbook(user=request.user, quarter=q), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="quarter-{q}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def export_list(request: HttpRequest) -> HttpResponse:
    """Ask for a case export; the person's exports with their progress."""
    _viewer(request)
    status = 200
    if request.method == "POST":
        form = ExportForm(request.POST)
        if form.is_valid():
            try:
                export = export_start(user=request.user, period=form.period)
            except TooManyExports:
                form.add_error(None, _("Wait for your exports being written to finish."))
                status = 409
            else:
                audit.record(request, kind=AccessKind.EXPORT, query={"export": export.pk})
                messages.success(request, _("Export asked for: it is being written."))
                return redirect("scorecards-exports")
        else:
            status = 400
    else:
        today = timezone.localdate()
        form = ExportForm(initial={"quarter": str(Quarter.of(today)), "month": f"{today:%Y-%m}"})
    page = CappedPaginator(exports_of(request.user), EXPORTS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "scorecards/exports.html",
        {
            "form": form,
            "page": page,
            "running": any(not e.is_finished for e in page.object_list),
            "keep_days": settings.SCORECARDS_EXPORT_KEEP_DAYS,
        },
        status=status,
    )


def _mine_or_404(request: HttpRequest, pk: int) -> CaseExport:
    export = exports_of(request.user).filter(pk=pk).first()
    if export is None:
        raise Http404(_("No such export of yours."))
    return export


@login_required
@require_GET
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """One export's row (htmx polls it until the export is finished)."""
    _viewer(request)
    return render(request, "scorecards/_export_row.html", {"e": _mine_or_404(request, pk)})


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The export's spreadsheet, read through the storage it was written to."""
    _viewer(request)
    export = _mine_or_404(request, pk)
    if export.state != ExportState.DONE or not export.file:
        raise Http404(_("That export is not ready."))
    audit.record(request, kind=AccessKind.EXPORT, query={"download": export.pk})
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"cases-{export.label}.xlsx",
        content_type=XLSX,
    )
