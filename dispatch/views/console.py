"""The city duty console: escalated cases to route (bounced ones marked with the unit's
reason), replies awaiting review, and every routed case, with the county queue's filters."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dispatch.filters import TAB_LABELS, ConsoleFilter
from dispatch.models import ReplyState
from dispatch.selectors import ConsoleTab, console_list_for, may_use_console, with_routings
from dispatch.views.labels import DueClock, age, due_clock, local
from grid import audit
from grid.labels import choice_label
from grid.models import AccessKind
from grid.pagination import CappedPaginator
from reports.models import Category, Grade, Report, Status
from reports.selectors import related_case_of, with_related_numbers
from reports.views.labels import Clock, clock_for
from reports.views.lists import case_url_maker, is_htmx

PAGE_SIZE = 25

# The columns a console row reads (for ``.only()``).
CONSOLE_COLUMNS = (
    "id",
    "case_number",
    "title",
    "status",
    "category",
    "grade",
    "suggested_grade",
    "region__name",
    "discovered_at",
    "disposal_due_at",
    "disposal_reported_at",
    "likely_duplicate_of_id",
    "assigned_unit__name",
    "lead_unit__name",
)


@dataclass
class ConsoleRow:
    """One row of the console, everything it shows worked out once, in the view."""

    pk: int
    case_number: str
    title: str
    url: str
    place: str
    category_label: str
    grade_label: str
    graded: bool  # False: the grade the reporter suggested
    status: str
    status_label: str
    clock: Clock  # the county's disposal clock, as the county queue shows it
    discovered: str  # since discovery
    escalated_at: str
    waiting: str  # since escalation
    routed_at: str
    since_routing: str
    duplicate_url: str
    duplicate_elsewhere: bool
    bounced_by: str  # the unit that last sent it back as not its remit
    bounce_reason: str
    bounced_at: str
    lead_unit: str
    reply_label: str
    reply_state: str
    reply_clock: DueClock | None


def _rows(reports: list[Report], *, now, user) -> list[ConsoleRow]:
    case_url = case_url_maker()
    rows = []
    for report in reports:
        duplicate = related_case_of(report, "likely_duplicate_of", user=user)
        current, bounce = report.routings.current, report.routings.last_bounce
        reply_clock = None
        if current is not None:
            reply_clock = due_clock(
                start=current.routed_at,
                due=current.reply_due_at,
                now=now,
                assumed=current.reply_due_assumed,
                done=current.reply_state == ReplyState.APPROVED,
                done_text=_("Reply approved"),
                paused=current.reply_state == ReplyState.PENDING,
            )
        rows.append(
            ConsoleRow(
                pk=report.pk,
                case_number=report.case_number,
                title=report.title,
                url=case_url(report.pk),
                place=report.region.name,
                category_label=choice_label(Category, report.category),
                grade_label=choice_label(Grade, report.grade or report.suggested_grade),
                graded=bool(report.grade),
                status=report.status,
                status_label=choice_label(Status, report.status),
                clock=clock_for(report, now=now),
                discovered=age(report.discovered_at, now=now),
                escalated_at=local(report.escalated_at),
                waiting=age(report.escalated_at, now=now),
                routed_at=local(current.routed_at) if current is not None else "",
                since_routing=age(current.routed_at, now=now) if current is not None else "",
                duplicate_url=case_url(duplicate.pk) if duplicate and duplicate.pk else "",
                duplicate_elsewhere=duplicate is not None and duplicate.elsewhere,
                bounced_by=bounce.lead_unit.name if bounce is not None else "",
                bounce_reason=bounce.bounce_reason if bounce is not None else "",
                bounced_at=local(bounce.bounced_at) if bounce is not None else "",
                # A case routed before dispatch kept routings still names its lead unit.
                lead_unit=(
                    current.lead_unit.name
                    if current is not None
                    else getattr(report.lead_unit, "name", "")
                ),
                reply_label=(
                    choice_label(ReplyState, current.reply_state) if current is not None else ""
                ),
                reply_state=current.reply_state if current is not None else "",
                reply_clock=reply_clock,
            )
        )
    return rows


@login_required
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    """The duty console's tab (escalated by default), filtered, searched, counted, paged.

    An htmx request (the filter form, tabs, page links) gets only the list partial. Ten
    queries at most whatever the page size (pinned in dispatch/tests/test_pages.py).
    """
    user = request.user
    if not may_use_console(user):
        audit.record(request, kind=AccessKind.CASE_LIST, allowed=False)
        raise PermissionDenied(_("The duty console is for city duty officers."))
    now = timezone.now()
    query = request.GET
    filters = ConsoleFilter(query, request=request)
    filter_errors: list[str] = []
    page = None
    tab = ConsoleTab.ESCALATED
    if filters.is_valid():
        tab = filters.tab_value
        cases = console_list_for(user=user, tab=tab, filters=filters).only(*CONSOLE_COLUMNS)
        cases = with_related_numbers(cases, user=user, fields=["likely_duplicate_of"])
        page = CappedPaginator(cases, PAGE_SIZE).get_page(query.get("page"))
        page.object_list = _rows(with_routings(list(page.object_list)), now=now, user=user)
        audit.record(
            request,
            kind=AccessKind.CASE_LIST,
            case_ids=[row.pk for row in page.object_list],
            query=query,
        )
    else:
        filter_errors = [str(m) for errors in filters.errors.values() for m in errors]
        audit.record(request, kind=AccessKind.CASE_LIST, query=query, allowed=False)
    context = {
        "page": page,
        "tab": tab,
        "tabs": [(value, str(label)) for value, label in TAB_LABELS.items()],
        "routed_tab": tab in (ConsoleTab.REVIEW, ConsoleTab.ROUTED),
        "filter_errors": filter_errors,
    }
    status = 400 if filter_errors else 200
    if is_htmx(request):
        response = render(request, "dispatch/_console_list.html", context, status=status)
    else:
        context["filter_form"] = filters.form
        response = render(request, "dispatch/console.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
