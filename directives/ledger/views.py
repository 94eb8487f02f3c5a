"""The ledger pages (thin): the list per city and county, its export, one matter, and the
matter's steps (put on from the case page, follow up, link a case, take off)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from directives.ledger import rules, services
from directives.ledger.export import ledger_workbook
from directives.ledger.panels import PUT_ON
from directives.ledger.selectors import (
    ledger_counties_for,
    ledger_entry_for,
    ledger_for,
    units_of,
    with_cases,
)
from grid import audit
from grid.errors import field_errors
from grid.models import AccessKind
from grid.pagination import CappedPaginator
from grid.views.errors import page_refusal
from reports.services import PayloadInvalid
from reports.views.case import case_for_page, render_case

PAGE_SIZE = 25
FOLLOW_UP, TAKE_OFF = "follow-up", "take-off"


def _reader(request: HttpRequest) -> None:
    if not rules.may_read(request.user):
        raise PermissionDenied(_("The ledger is for duty officers, county admins and leaders."))


def _filters(request: HttpRequest) -> tuple[str, str, dict]:
    state = request.GET.get("state") or "open"
    county = request.GET.get("county") or ""
    return state, county, {}


@login_required
@require_GET
def ledger_list(request: HttpRequest) -> HttpResponse:
    """The key matters still followed (or taken off), of the city or one county, paginated."""
    _reader(request)
    user = request.user
    state, county, errors = _filters(request)
    try:
        entries = ledger_for(user=user, state=state, county=county)
    except ValidationError as exc:
        errors = field_errors(exc)
        state, county = "open", ""
        entries = ledger_for(user=user, state=state)
    page = CappedPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = with_cases(list(page.object_list))
    audit.record(request, kind=AccessKind.CASE_LIST, case_ids=[e.report_id for e in rows])
    return render(
        request,
        "directives/ledger/list.html",
        {
            "page": page,
            "rows": [(entry, units_of(entry)) for entry in rows],
            "state": state,
            "county": county,
            "counties": list(ledger_counties_for(user)),
            "errors": errors,
            "today": timezone.localdate(),
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The list as a spreadsheet, every page of it, with Chinese column names."""
    _reader(request)
    state, county, _errors = _filters(request)
    entries = ledger_for(user=request.user, state=state, county=county)  # bad filter: 400
    with translation.override("zh-hans"):
        body = ledger_workbook(entries, closed=state == "closed")
    audit.record(
        request, kind=AccessKind.EXPORT, case_ids=list(entries.values_list("report_id", flat=True))
    )
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="ledger-{state}-{stamp}.xlsx"'
    return response


def _entry_page(request, entry_id: int, *, forms=None, conflict: str = "", status: int = 200):
    _reader(request)
    entry = ledger_entry_for(user=request.user, entry_id=entry_id)
    user = request.user
    forms = forms or {}
    context = {
        "entry": entry,
        "units": units_of(entry),
        "conflict": conflict,
        "today": timezone.localdate(),
    }
    if entry.is_open and rules.may_follow_up(user, entry):
        context["follow_up_form"] = forms.get(FOLLOW_UP) or services.FollowUpForm(prefix=FOLLOW_UP)
    if entry.is_open and rules.may_take_off(user, entry):
        context["take_off_form"] = forms.get(TAKE_OFF) or services.TakeOffForm(prefix=TAKE_OFF)
    audit.record(request, kind=AccessKind.CASE_READ, case_ids=[entry.report_id])
    return render(request, "directives/ledger/detail.html", context, status=status)


@login_required
@require_GET
def ledger_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_page(request, pk)


STEPS = {
    FOLLOW_UP: (services.ledger_follow_up, services.FollowUpForm),
    TAKE_OFF: (services.ledger_take_off, services.TakeOffForm),
}


@login_required
@require_POST
def ledger_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Follow a matter up or take it off; refused: the page again, keeping what was typed."""
    if step not in STEPS:
        raise Http404(_("No such action."))
    service, form_class = STEPS[step]
    try:
        service(entry_id=pk, by=request.user, data=request.POST, prefix=step)
    except PayloadInvalid as exc:
        return _entry_page(request, pk, forms={step: exc.form}, status=400)
    except Exception as exc:
        refusal = page_refusal(exc)
        kept = form_class(prefix=step, initial={})
        for name in kept.fields:
            kept.initial[name] = request.POST.get(f"{step}-{name}", "")
        return _entry_page(
            request, pk, forms={step: kept}, conflict=refusal.message, status=refusal.status
        )
    messages.success(request, _("Done."))
    return redirect("ledger-entry", pk=pk)


@login_required
@require_POST
def ledger_put_on(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the case on the ledger from its page."""
    try:
        entry = services.ledger_put_on(
            report_id=pk, by=request.user, data=request.POST, prefix=PUT_ON
        )
    except PayloadInvalid as exc:
        report = case_for_page(request, pk, kind=AccessKind.CASE_ACTION)
        return render_case(request, report, bound=exc.form, status=400)
    except Exception as exc:
        if audit.is_refusal(exc):
            audit.record(request, kind=AccessKind.CASE_ACTION, case_ids=[pk], allowed=False)
        refusal = page_refusal(exc)
        report = case_for_page(request, pk, kind=AccessKind.CASE_ACTION)
        return render_case(
            request,
            report,
            retry=(PUT_ON, request.POST),
            conflict=refusal.message,
            status=refusal.status,
        )
    messages.success(request, _("Put on the key-matter ledger."))
    return redirect("ledger-entry", pk=entry.pk)
