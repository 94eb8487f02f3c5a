"""The consultation's steps from the case page (thin: one service each), and its htmx part."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from directives.consultations import panels, services
from grid import audit
from grid.models import AccessKind
from grid.views.errors import page_refusal
from reports.case_panels import CasePage
from reports.models import Report
from reports.services import PayloadInvalid
from reports.views.case import case_for_page, render_case

STEPS = {
    "open": (services.consultation_open, panels.OPEN, gettext_lazy("Consultation opened.")),
    "opinion": (
        services.consultation_give_opinion,
        panels.OPINION,
        gettext_lazy("Your view is recorded."),
    ),
    "conclude": (
        services.consultation_conclude,
        panels.CONCLUDE,
        gettext_lazy("Conclusion recorded."),
    ),
}


@login_required
@require_POST
def consultation_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of the case's consultation; refused: the case page again, with why and with
    what was typed (400 beside the fields, 409 above them)."""
    if step not in STEPS:
        raise Http404(_("No such action."))
    service, prefix, done = STEPS[step]
    try:
        service(report_id=pk, by=request.user, data=request.POST, prefix=prefix)
    except PayloadInvalid as exc:
        report = case_for_page(request, pk, kind=AccessKind.CASE_ACTION)
        return render_case(request, report, bound=exc.form, status=400)
    except Exception as exc:
        if audit.is_refusal(exc):
            audit.record(request, kind=AccessKind.CASE_ACTION, case_ids=[pk], allowed=False)
        refusal = page_refusal(exc)  # 404 and 403 become the product's pages
        report = case_for_page(request, pk, kind=AccessKind.CASE_ACTION)
        return render_case(
            request,
            report,
            retry=(prefix, request.POST),
            conflict=refusal.message,
            status=refusal.status,
        )
    messages.success(request, str(done))
    # After the conclusion an invited unit sees the case no more: back home, not a 404.
    if Report.objects.visible_to(request.user).filter(pk=pk).exists():
        return redirect("report-detail", pk=pk)
    return redirect("home")


@login_required
@require_GET
def consultation_part(request: HttpRequest, pk: int) -> HttpResponse:
    """The consultation part alone, for htmx to refresh it while views come in."""
    report = case_for_page(request, pk, kind=AccessKind.CASE_READ)
    panel = panels.consultation_panel(request, timezone.now(), CasePage(report=report))
    if panel is None:
        return HttpResponse("")
    return HttpResponse(render_to_string(panel.template, dict(panel.context), request=request))
