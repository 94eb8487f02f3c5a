"""A unit's inbox: the cases routed to it as lead or co-handler, next deadline first, with
filters to claim, to answer, sent back, awaiting review and overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dispatch.filters import STATE_LABELS, InboxFilter
from dispatch.models import Handler, HandlerRole, ReplyState
from dispatch.selectors import inbox_for, may_use_inbox
from dispatch.views.labels import DueClock, due_clock, local
from grid import audit
from grid.labels import choice_label
from grid.models import AccessKind
from grid.pagination import CappedPaginator
from reports.models import Grade, Status
from reports.views.lists import case_url_maker, is_htmx

PAGE_SIZE = 25


@dataclass
class InboxRow:
    """One routed case as the unit's inbox (and its home page) shows it."""

    pk: int
    case_number: str
    title: str
    url: str
    place: str
    role: str
    role_label: str
    grade_label: str
    status: str
    status_label: str
    step: str  # what the unit does next, in words
    clock: DueClock
    promised: str
    promise_overdue: bool


def _next_step(handler: Handler) -> str:
    """What the unit does next on this routing."""
    reply_state = handler.assignment.reply_state
    if handler.claimed_at is None:
        return _("To claim")
    if handler.role == HandlerRole.CO:
        return _("Claimed: add your input for the lead unit")
    return {
        ReplyState.NONE: _("To answer"),
        ReplyState.SENT_BACK: _("Sent back: revise the reply"),
        ReplyState.PENDING: _("Reply awaits review"),
        ReplyState.APPROVED: _("Reply approved: close the case"),
    }[reply_state]


def inbox_rows(handlers: list[Handler], *, now: datetime) -> list[InboxRow]:
    """The rows of a page of :func:`dispatch.selectors.inbox_for`, each with its clock: the
    claim's until the unit claims, then the lead unit's reply."""
    case_url = case_url_maker()
    rows = []
    for handler in handlers:
        routing, report = handler.assignment, handler.report
        if handler.claimed_at is None:
            clock = due_clock(
                label=_("Claim due"),
                start=routing.routed_at,
                due=routing.claim_due_at,
                now=now,
                assumed=routing.claim_due_assumed,
            )
        else:
            clock = due_clock(
                label=_("Reply due"),
                start=routing.routed_at,
                due=routing.reply_due_at,
                now=now,
                assumed=routing.reply_due_assumed,
                done=routing.reply_state == ReplyState.APPROVED,
                done_text=_("Reply approved"),
                paused=routing.reply_state == ReplyState.PENDING,
            )
        promised = routing.promised_at
        rows.append(
            InboxRow(
                pk=report.pk,
                case_number=report.case_number,
                title=report.title,
                url=case_url(report.pk),
                place=report.region.name,
                role=handler.role,
                role_label=choice_label(HandlerRole, handler.role),
                grade_label=choice_label(Grade, routing.grade),
                status=report.status,
                status_label=choice_label(Status, report.status),
                step=_next_step(handler),
                clock=clock,
                promised=local(promised),
                promise_overdue=promised is not None and promised < now,
            )
        )
    return rows


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The unit's inbox, filtered, searched, counted and paged (an htmx request gets only the
    list). A fixed number of queries whatever the page size (pinned in the tests)."""
    user = request.user
    if not may_use_inbox(user):
        audit.record(request, kind=AccessKind.CASE_LIST, allowed=False)
        raise PermissionDenied(_("The inbox is for unit liaisons."))
    now = timezone.now()
    query = request.GET
    filters = InboxFilter(query, request=request)
    filter_errors: list[str] = []
    page = None
    state = ""
    if filters.is_valid():
        state = filters.form.cleaned_data.get("state") or ""
        page = CappedPaginator(inbox_for(user=user, filters=filters), PAGE_SIZE).get_page(
            query.get("page")
        )
        page.object_list = inbox_rows(list(page.object_list), now=now)
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
        "state": state,
        "states": [("", _("Everything open")), *((k, str(v)) for k, v in STATE_LABELS.items())],
        "filter_errors": filter_errors,
    }
    status = 400 if filter_errors else 200
    if is_htmx(request):
        response = render(request, "dispatch/_inbox_list.html", context, status=status)
    else:
        context["filter_form"] = filters.form
        context["unit"] = user.unit
        response = render(request, "dispatch/inbox.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
