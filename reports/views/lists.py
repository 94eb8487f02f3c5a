"""List pages: an informant's own reports and the county queue (with bulk actions)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grid import audit
from grid.errors import refusal_for
from grid.labels import choice_label
from grid.models import AccessKind
from grid.pagination import CappedPaginator
from reports.filters import ReportFilter
from reports.forms import BulkActionForm
from reports.hooks import queue_page_of
from reports.models import Category, Report, Status
from reports.rules import acts_in_bulk, has_queue, may_file
from reports.selectors import (
    related_case_of,
    report_list_for,
    report_queue_for,
    units_assignable_by,
    with_related_numbers,
)
from reports.services import report_transition
from reports.views.labels import Clock, clock_for, plain_status, queue_title

PAGE_SIZE = 25
MINE_PAGE_SIZE = 20


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request for a part of the page (not a history restore, which wants it all)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@login_required
@require_GET
def report_mine(request: HttpRequest) -> HttpResponse:
    """The reports the signed-in person filed, newest first, in plain words."""
    user = request.user
    reports = report_list_for(user=user).filter(reporter=user)
    page = Paginator(reports, MINE_PAGE_SIZE).get_page(request.GET.get("page"))
    for report in page.object_list:
        report.plain_status = plain_status(report.status)
    audit.record(request, kind=AccessKind.CASE_LIST, case_ids=[r.pk for r in page.object_list])
    context = {
        "page": page,
        "can_file": may_file(user),
    }
    return render(request, "reports/report_mine.html", context)


def _require_queue_role(request: HttpRequest) -> None:
    if not has_queue(request.user):
        audit.record(request, kind=AccessKind.CASE_LIST, allowed=False)
        raise PermissionDenied(_("Case queues are for county admins, units and the city platform."))


# The columns a queue row shows (for ``.only()``): the page reads no more.
QUEUE_COLUMNS = (
    "id",
    "case_number",
    "title",
    "status",
    "category",
    "region__name",
    "discovered_at",
    "disposal_due_at",
    "disposal_reported_at",
    "likely_duplicate_of_id",
    "assigned_unit__name",
    "lead_unit__name",
)


@dataclass
class QueueRow:
    """One row of the queue page, everything it shows worked out once, in the view."""

    pk: int
    case_number: str
    title: str
    status: str
    status_label: str
    category_label: str
    place: str
    clock: Clock
    url: str
    duplicate_url: str  # the likely duplicate, where the reader may see it
    duplicate_elsewhere: bool  # a likely duplicate outside the reader's jurisdiction
    select_label: str
    unit_name: str


def case_url_maker():
    """``pk → reverse("report-detail", args=[pk])``, resolved once per page, not per row."""
    head, _sentinel, tail = reverse("report-detail", args=[987654321]).partition("987654321")
    return lambda pk: f"{head}{pk}{tail}"


def _queue_rows(reports: list[Report], *, now, user) -> list[QueueRow]:
    case_url = case_url_maker()
    rows = []
    for report in reports:
        duplicate = related_case_of(report, "likely_duplicate_of", user=user)
        unit = report.assigned_unit or report.lead_unit
        rows.append(
            QueueRow(
                pk=report.pk,
                case_number=report.case_number,
                title=report.title,
                status=report.status,
                status_label=choice_label(Status, report.status),
                category_label=choice_label(Category, report.category),
                place=report.region.name,
                clock=clock_for(report, now=now),
                url=case_url(report.pk),
                duplicate_url=case_url(duplicate.pk) if duplicate and duplicate.pk else "",
                duplicate_elsewhere=duplicate is not None and duplicate.elsewhere,
                select_label=_("Select %(number)s") % {"number": report.case_number},
                unit_name=unit.name if unit is not None else "—",
            )
        )
    return rows


@dataclass(frozen=True)
class BulkState:
    """A refused bulk action as the queue redraws it: what was ticked, typed and wrong."""

    ticked: frozenset[str]
    unit: str
    reason: str
    unit_errors: list[str]
    reason_errors: list[str]
    errors: list[str]  # the rest: nothing ticked, an unknown action or selection

    @property
    def count(self) -> int:
        return len(self.ticked)

    @classmethod
    def of(cls, form: BulkActionForm) -> BulkState:
        return cls(
            ticked=frozenset(form.data.getlist("ids")),
            unit=form.data.get("unit", ""),
            reason=form.data.get("reason", ""),
            unit_errors=list(form.errors.get("unit", [])),
            reason_errors=list(form.errors.get("reason", [])),
            errors=[
                str(error)
                for field, errors in form.errors.items()
                if field not in ("unit", "reason")
                for error in errors
            ],
        )


def _render_queue(
    request: HttpRequest, query: QueryDict, *, bulk: BulkState | None = None
) -> HttpResponse:
    """The queue for ``query`` (filters and page): the whole page, or its list for htmx.

    ``bulk``: a refused bulk action, drawn with its cases still ticked and its errors (400).
    """
    user = request.user
    now = timezone.now()
    filters = ReportFilter(query, request=request)
    filter_errors: list[str] = []
    page = None
    if filters.is_valid():
        reports = report_queue_for(user=user, filters=filters).only(*QUEUE_COLUMNS)
        reports = with_related_numbers(reports, user=user, fields=["likely_duplicate_of"])
        page = CappedPaginator(reports, PAGE_SIZE).get_page(query.get("page"))
        page.object_list = _queue_rows(page.object_list, now=now, user=user)
        shown = [row.pk for row in page.object_list]
        audit.record(request, kind=AccessKind.CASE_LIST, case_ids=shown, query=query)
    else:
        filter_errors = [str(m) for messages_ in filters.errors.values() for m in messages_]
        audit.record(request, kind=AccessKind.CASE_LIST, query=query, allowed=False)

    can_act = acts_in_bulk(user)
    back = query.copy()
    back.pop("page", None)
    context = {
        "page": page,
        "now": now,
        "title": queue_title(user),
        "filter_errors": filter_errors,
        "can_act": can_act,
        "bulk": bulk,
        # The bulk form's parts, without building the form (it is validated on POST).
        "bulk_back": back.urlencode(),
        "bulk_units": list(units_assignable_by(user).values_list("pk", "name")) if can_act else [],
    }
    status = 400 if filter_errors or bulk is not None else 200
    if is_htmx(request):
        response = render(request, "reports/_queue_list.html", context, status=status)
    else:
        context["filter_form"] = filters.form
        response = render(request, "reports/report_queue.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def report_queue(request: HttpRequest) -> HttpResponse:
    """The county queue: filters, search, sort, pages, the 24 h clock and bulk actions.

    An htmx request (the filter form, page links) gets only the list partial.
    """
    _require_queue_role(request)
    page = queue_page_of(request.user.role)
    if page is not None:  # another page is this person's queue: its filters are the same
        query = request.GET.urlencode()
        return redirect(reverse(page.url_name) + (f"?{query}" if query else ""))
    return _render_queue(request, request.GET)


@login_required
@require_POST
def report_queue_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one action to the ticked cases, each through its own service call, and report.

    A refused form (no case ticked, no unit, no reason) redraws the queue with the cases still
    ticked and the errors beside the bar; a done action redirects to the queue with a message.
    """
    user = request.user
    if not acts_in_bulk(user):
        raise PermissionDenied(_("Only county admins act on the county queue."))
    form = BulkActionForm(request.POST, user=user)
    back = QueryDict(request.POST.get("back", "")).urlencode()
    target = reverse("report-queue") + (f"?{back}" if back else "")
    if not form.is_valid():
        # The queue the form came from (its filters and page), the cases still ticked.
        query = QueryDict(request.POST.get("back", ""), mutable=True)
        if request.POST.get("page"):
            query["page"] = request.POST["page"]
        return _render_queue(request, query, bulk=BulkState.of(form))

    data = form.cleaned_data
    done: list[int] = []
    failed: dict[int, str] = {}
    refused: list[int] = []
    payload = {"unit": data["unit"].pk if data["unit"] else None, "reason": data["reason"]}
    for report_id in data["ids"]:
        try:
            report_transition(report_id=report_id, by=user, name=data["action"], data=payload)
        except Exception as exc:
            refusal = refusal_for(exc)
            if refusal is None:
                raise
            failed[report_id] = refusal.message
            if audit.is_refusal(exc):
                refused.append(report_id)
        else:
            done.append(report_id)
    if refused:  # ids outside the person's jurisdiction, or actions they may not take
        audit.record(request, kind=AccessKind.CASE_ACTION, case_ids=refused, allowed=False)

    if not failed:
        messages.success(request, _("%(done)d done.") % {"done": len(done)})
    else:
        numbers = dict(
            Report.objects.visible_to(user).filter(pk__in=failed).values_list("pk", "case_number")
        )
        details = "; ".join(
            f"{numbers.get(pk, f'#{pk}')}: {reason}" for pk, reason in failed.items()
        )
        messages.warning(
            request,
            _("%(done)d done, %(failed)d could not be changed: %(details)s")
            % {"done": len(done), "failed": len(failed), "details": details},
        )
    return redirect(target)
