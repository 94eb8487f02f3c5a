"""Dispatch's pages on one case: its actions (posted from the case page), the acknowledgement
of a major case (from the banner on every page) and the printable supervision notice."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dispatch import services
from dispatch.models import ClockKind
from dispatch.panels import major_banner_context
from dispatch.selectors import supervision_notices_for
from dispatch.services.seen import dispatch_act_as_seen
from dispatch.views.labels import local
from dispatch.workflow import ACTIONS
from grid import audit
from grid.errors import refusal_for
from grid.labels import choice_label
from grid.models import AccessKind
from grid.views.errors import page_refusal
from grid.workdays import ASSUMED_WEEKDAYS_NOTE
from reports.models import Category, Grade, Report
from reports.services import PayloadInvalid
from reports.views.case import case_for_page, render_case
from reports.views.lists import is_htmx

# The field of each dispatch form on the case page that says which step it was drawn after.
SEEN_FIELD = "seen_step"


def _seen_step(request: HttpRequest, name: str) -> int | None:
    """The step the form was drawn after (see dispatch.services.seen); unreadable: None."""
    raw = request.POST.get(f"{name}-{SEEN_FIELD}", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _back_to_case(request: HttpRequest, pk: int):
    if Report.objects.visible_to(request.user).filter(pk=pk).exists():
        return redirect("report-detail", pk=pk)
    return redirect("home")


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Take one dispatch action from the case page through its one service.

    404 outside the jurisdiction, 409 (the case as it stands now, with why and with what was
    typed) when its state does not allow the action or someone acted meanwhile, 403, then 400
    with the form's errors beside its fields.
    """
    user = request.user
    if name not in ACTIONS:
        raise Http404(_("No such action."))
    try:
        dispatch_act_as_seen(
            report_id=pk,
            by=user,
            name=name,
            seen_step=_seen_step(request, name),
            data=request.POST,
            prefix=name,
        )
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
            retry=(name, request.POST),
            conflict=refusal.message,
            status=refusal.status,
        )
    messages.success(request, _("Done: %(action)s.") % {"action": ACTIONS[name].label})
    return _back_to_case(request, pk)


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
@require_POST
def acknowledge_major(request: HttpRequest, pk: int) -> HttpResponse:
    """One click on the banner: the person knows of this major case (recorded through
    dispatch's service). htmx gets the banner redrawn without it; a plain form goes back to
    the page it came from. Refused (404, 409, 403): htmx gets the banner with why."""
    refusal = None
    try:
        services.major_case_acknowledge(report_id=pk, by=request.user)
    except Exception as exc:
        if audit.is_refusal(exc):
            audit.record(request, kind=AccessKind.CASE_ACTION, case_ids=[pk], allowed=False)
        if is_htmx(request):
            refusal = refusal_for(exc)
            if refusal is None:
                raise
        else:
            refusal = page_refusal(exc)  # 404 and 403 become the product's pages
    if is_htmx(request):
        context = major_banner_context(request)
        context["error"] = refusal.message if refusal is not None else ""
        status = refusal.status if refusal is not None else 200
        return render(request, "dispatch/_major_banner.html", context, status=status)
    if refusal is not None:
        messages.warning(request, refusal.message)
    else:
        messages.success(request, _("Acknowledged: you know of this major case."))
    target = _safe_next(request)
    return redirect(target) if target else redirect("report-detail", pk=pk)


# --- the supervision notice ------------------------------------------------------------------


def _missed(notice) -> list[dict]:
    rows = []
    for item in notice.missed or []:
        try:
            due = datetime.fromisoformat(item.get("due_at", ""))
        except (TypeError, ValueError):
            due = None
        rows.append(
            {
                "label": choice_label(ClockKind, item.get("clock", "")),
                "due": local(due) if due else "",
                "note": str(ASSUMED_WEEKDAYS_NOTE) if item.get("assumed_weekdays") else "",
            }
        )
    return rows


@login_required
@require_GET
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    """A supervision notice (督办函) as a printable A4 letter: the case, the unit, the
    deadlines missed, what is demanded and the written explanation asked for."""
    notice = (
        supervision_notices_for(user=request.user)
        .select_related("report__region", "report__county__parent", "assignment")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        audit.record(request, kind=AccessKind.CASE_READ, allowed=False)
        raise Http404(_("No such supervision notice."))
    audit.record(request, kind=AccessKind.CASE_READ, case_ids=[notice.report_id])
    report, routing = notice.report, notice.assignment
    context = {
        "notice": notice,
        "report": report,
        "routing": routing,
        "category": choice_label(Category, report.category),
        "grade": choice_label(Grade, routing.grade),
        "missed": _missed(notice),
        "issued": local(notice.issued_at),
        "routed_at": local(routing.routed_at),
        "explanation_due": local(notice.explanation_due_at),
        "explanation_due_note": (
            str(ASSUMED_WEEKDAYS_NOTE) if notice.explanation_due_assumed else ""
        ),
        "explained_at": local(notice.explained_at),
        "city": report.county.parent,
        "now": timezone.now(),
    }
    return render(request, "dispatch/notice.html", context)
