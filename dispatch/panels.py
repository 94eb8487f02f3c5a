"""What dispatch shows on other apps' pages, registered at start-up (``DispatchConfig.ready()``):

- on grid's pages (:mod:`grid.panels`): the menu links to the duty console and the unit's
  inbox; the head of the inbox on a unit liaison's home page, with the *reply* deadlines (it
  stands in for reports' work list, whose 24-hour clock is the county's, not theirs); the
  banner of major cases not yet acknowledged, on every page of city leaders and duty officers;
- on reports' case page (:mod:`reports.case_panels`): the routings with every running clock,
  the units' and duty officers' actions as forms, and inside the route form whom to route to
  and what each grade means; inside the close form, how the approved reply was published.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dispatch.forms import EMERGENCY_GRADES
from dispatch.models import (
    Assignment,
    AssignmentState,
    ClockKind,
    ExtensionState,
    HandlerRole,
    ReplyState,
)
from dispatch.selectors import (
    SUGGESTION_DAYS,
    case_dispatch_for,
    case_last_step_for,
    emergency_centre_for,
    inbox_counts_for,
    inbox_for,
    major_cases_unacknowledged_for,
    may_use_console,
    may_use_inbox,
    reply_proposals_for,
    route_suggestions_for,
)
from dispatch.services import dispatch_available_actions
from dispatch.views.inbox import inbox_rows
from dispatch.views.labels import DueClock, due_clock, local
from dispatch.workflow import ACTIONS
from grid import audit
from grid.labels import choice_label
from grid.models import AccessKind, Role
from grid.panels import Panel, register_banner, register_home_panel, register_nav
from grid.workdays import ASSUMED_WEEKDAYS_NOTE
from reports import case_panels
from reports.case_panels import CasePage, keep_typed
from reports.models import Grade, Status
from reports.panels import worklist_panel
from reports.selectors import report_queue_for

# How many rows the home page and the banner show.
HOME_ROWS = 6
BANNER_ROWS = 5
# What a case assigned by the county shows on the unit's home page (for ``.only()``).
LOCAL_COLUMNS = (
    "id",
    "case_number",
    "title",
    "status",
    "region__name",
    "assigned_unit__name",
    "lead_unit__name",
)
# The action each reader most likely takes next, if offered: it opens by itself.
PRIMARY = ("claim", "reply", "review_reply", "decide_extension", "explain")


# --- grid's pages ----------------------------------------------------------------------------


def nav_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """The console for duty officers, the inbox for unit liaisons (no query)."""
    user = request.user
    console, inbox = may_use_console(user), may_use_inbox(user)
    if not (console or inbox):
        return None
    match = request.resolver_match
    return Panel(
        "dispatch/_nav.html",
        {"here": match.url_name if match else "", "console": console, "inbox": inbox},
    )


def inbox_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """The head of the unit's inbox with its counts, for the liaison's home page, and the
    cases the county assigned the unit for local handling (reports' own, which have no
    routing): four queries at most and the access record, whatever the numbers."""
    user = request.user
    if not may_use_inbox(user):
        return None
    counts = inbox_counts_for(user=user, now=now)
    rows = inbox_rows(list(inbox_for(user=user)[:HOME_ROWS]), now=now)
    local = report_queue_for(user=user).filter(status=Status.LOCAL_HANDLING)
    local_total = local.count()
    local_rows = list(local.only(*LOCAL_COLUMNS)[:HOME_ROWS]) if local_total else []
    audit.record(
        request,
        kind=AccessKind.HOME,
        case_ids=[row.pk for row in rows] + [report.pk for report in local_rows],
    )
    return Panel(
        "dispatch/_inbox_panel.html",
        {
            "counts": counts,
            "rows": rows,
            "local_total": local_total,
            "local_rows": local_rows,
            "show_heading": True,
        },
        supersedes=(worklist_panel,),
    )


def major_banner_context(request: HttpRequest, *, next_url: str | None = None) -> dict:
    """The major cases the person has not acknowledged (one query), for the banner."""
    user = request.user
    majors = list(major_cases_unacknowledged_for(user=user)[: BANNER_ROWS + 1])
    if majors:
        audit.record(request, kind=AccessKind.CASE_LIST, case_ids=[a.report_id for a in majors])
    return {
        "majors": [
            {
                "pk": a.report_id,
                "number": a.report.case_number,
                "title": a.report.title,
                "notified": local(a.notified_at),
                "url": reverse("report-detail", args=[a.report_id]),
                "ack_url": reverse("dispatch-acknowledge", args=[a.report_id]),
            }
            for a in majors[:BANNER_ROWS]
        ],
        "more": len(majors) > BANNER_ROWS,
        "next": next_url or request.POST.get("next") or request.get_full_path(),
    }


def major_banner(request: HttpRequest, now: datetime) -> Panel | None:
    """Open major cases on every page of city leaders and duty officers, until each of them
    acknowledges (one indexed query for them, none for anyone else)."""
    if request.user.role not in (Role.LEADER, Role.DUTY_OFFICER):
        return None
    context = major_banner_context(request, next_url=request.get_full_path())
    if not context["majors"]:
        return None
    return Panel("dispatch/_major_banner.html", context)


# --- reports' case page ----------------------------------------------------------------------


@dataclass
class RoutingView:
    """One routing as the case page shows it, its clocks worked out."""

    routing: Assignment
    lead: object
    co_handlers: list
    clocks: list[DueClock] = field(default_factory=list)
    notices: list = field(default_factory=list)


def _clocks(routing: Assignment, *, now: datetime, units: dict[int, str]) -> list[DueClock]:
    """Every running clock of ``routing``: time left, amber at 80 %, red when overdue."""
    clocks = []
    for clock in routing.clocks.all():
        if clock.stopped_at is not None:
            continue
        label = f"{choice_label(ClockKind, clock.kind)} · {units.get(clock.unit_id, '')}"
        clocks.append(
            due_clock(
                label=label,
                start=clock.started_at,
                due=clock.due_at,
                now=now,
                assumed=clock.assumed_weekdays,
                paused=clock.kind == ClockKind.REPLY and routing.reply_state == ReplyState.PENDING,
            )
        )
    return clocks


def _routing_view(routing: Assignment, *, now: datetime) -> RoutingView:
    handlers = list(routing.handlers.all())
    units = {h.unit_id: h.unit.name for h in handlers}
    return RoutingView(
        routing=routing,
        lead=next((h for h in handlers if h.role == HandlerRole.LEAD), None),
        co_handlers=[h for h in handlers if h.role == HandlerRole.CO],
        clocks=_clocks(routing, now=now, units=units) if routing.is_active else [],
        notices=[
            (n, reverse("dispatch-notice", args=[n.pk]), local(n.explanation_due_at))
            for n in routing.notices.all()
        ],
    )


def _dispatch_of(request: HttpRequest, page: CasePage):
    return page.once("dispatch", lambda: case_dispatch_for(user=request.user, report=page.report))


def routing_panel(request: HttpRequest, now: datetime, page: CasePage) -> Panel | None:
    """The case's routings for staff: the current one with its units, instruction, clocks,
    replies, extensions, promise and supervision notices; earlier ones (bounced) after it."""
    held = _dispatch_of(request, page)
    if held is None or not held.routings:
        return None
    views = [_routing_view(r, now=now) for r in held.routings]
    current = next((v for v in views if v.routing.state == AssignmentState.ACTIVE), None)
    return Panel(
        "dispatch/_case_routing.html",
        {
            "current": current,
            "earlier": [v for v in views if v is not current],
            "report": page.report,
        },
    )


@dataclass
class ActionView:
    """One dispatch action offered on the case page: its words, form, where it posts."""

    name: str
    label: str
    button: str
    form: object
    open: bool
    url: str
    about: dict = field(default_factory=dict)  # what the action decides on (a reply, a request)


def _about(name: str, current: Assignment | None) -> dict:
    """What a duty officer decides on: the reply awaiting review, the extension asked for."""
    if current is None:
        return {}
    if name == "review_reply":
        reply = next((r for r in current.replies.all() if r.state == ReplyState.PENDING), None)
        return {"reply": reply} if reply is not None else {}
    if name == "decide_extension":
        extension = next(
            (e for e in current.extensions.all() if e.state == ExtensionState.PENDING), None
        )
        if extension is None:
            return {}
        return {
            "extension": extension,
            "due_now": local(current.reply_due_at),
            "latest": local(current.reply_max_due_at),
        }
    return {}


def actions_panel(request: HttpRequest, now: datetime, page: CasePage) -> Panel | None:
    """The dispatch actions the person may take now, each a form posting to dispatch's page
    (a refused one drawn again with its errors, or with what was typed after a 409)."""
    user, report = request.user, page.report
    held = _dispatch_of(request, page)
    names = dispatch_available_actions(user=user, report=report, now=now, held=held)
    if not names:
        return None
    current = held.current if held is not None else None
    refused = getattr(page.bound, "prefix", None) or (page.retry[0] if page.retry else None)
    primary = next((n for n in PRIMARY if n in names), None)
    actions = []
    for name in names:
        action = ACTIONS[name]
        if page.bound is not None and page.bound.prefix == name:
            form = page.bound
        else:
            form = action.payload(
                report=report, user=user, assignment=current, now=now, prefix=name
            )
            keep_typed(form, page.retried(name), skip=())
        is_open = name == refused if refused else name == primary
        url = (
            reverse("dispatch-acknowledge", args=[report.pk])
            if name == "acknowledge_major"
            else reverse("dispatch-case-action", args=[report.pk, name])
        )
        actions.append(
            ActionView(
                name,
                str(action.label),
                str(action.button),
                form,
                is_open,
                url,
                _about(name, current),
            )
        )
    return Panel(
        "dispatch/_case_actions.html",
        {
            "actions": actions,
            "seen_step": case_last_step_for(report_id=report.pk),
            "opens_action": any(a.open for a in actions),
            "next": reverse("report-detail", args=[report.pk]),
        },
    )


GRADE_RULES = {
    Grade.GENERAL: gettext_lazy("the city department or county responsible for its subject"),
    Grade.IMPORTANT: gettext_lazy("the city department or county responsible for its subject"),
    Grade.DIFFICULT: gettext_lazy("the emergency command centre leads"),
    Grade.SUDDEN: gettext_lazy("the emergency command centre leads"),
    Grade.MAJOR: gettext_lazy(
        "city leadership: every city leader and duty officer is notified at once, on every "
        "channel, and acknowledges it"
    ),
}


def route_help(request: HttpRequest, now: datetime, page: CasePage, form) -> Panel | None:
    """Inside the route form: whom this category went to in this county lately, the county
    and the emergency command centre; what each grade means; the reply deadline the rule
    proposes per grade (the latest the officer may set)."""
    if not may_use_console(request.user):
        return None
    report = page.report
    suggestions = route_suggestions_for(report=report, now=now)
    proposals = reply_proposals_for(now=now)
    centre = suggestions.emergency_centre or emergency_centre_for(report)
    # The grades grouped by who leads and by the deadline the rule gives now.
    groups: dict[tuple, dict] = {}
    for value, label in Grade.choices:
        deadline = proposals[value]
        key = (str(GRADE_RULES.get(value, "")), deadline.at, deadline.assumed_weekdays)
        group = groups.setdefault(
            key,
            {
                "labels": [],
                "rule": key[0],
                "due": local(deadline.at),
                "note": str(ASSUMED_WEEKDAYS_NOTE) if deadline.assumed_weekdays else "",
                "emergency": value in EMERGENCY_GRADES,
            },
        )
        group["labels"].append(str(label))
    as_input = {
        value: timezone.localtime(deadline.at).strftime("%Y-%m-%dT%H:%M")
        for value, deadline in proposals.items()
    }
    return Panel(
        "dispatch/_route_help.html",
        {
            "frequent": suggestions.frequent,
            "county_units": suggestions.county_units,
            "centre": centre,
            "grades": list(groups.values()),
            "proposals_json": json.dumps(as_input),
            "lead_id": form["lead_unit"].auto_id,
            "grade_id": form["grade"].auto_id,
            "due_id": form["reply_due_at"].auto_id,
            "days": SUGGESTION_DAYS,
        },
    )


def close_help(request: HttpRequest, now: datetime, page: CasePage, form) -> Panel | None:
    """Inside the close form of a routed case: how and where the approved reply was
    published, to answer the citizen with."""
    held = _dispatch_of(request, page)
    current = held.current if held is not None else None
    if current is None or current.reply_state != ReplyState.APPROVED:
        return None
    reply = next((r for r in current.replies.all() if r.state == ReplyState.APPROVED), None)
    if reply is None:
        return None
    return Panel("dispatch/_close_help.html", {"reply": reply, "at": local(reply.published_at)})


def register() -> None:
    """Put dispatch on grid's pages and reports' case page (called once at start-up)."""
    register_nav(nav_panel, order=20)
    # Before reports' work list (order 10), which it stands in for on a unit's home page.
    register_home_panel(inbox_panel, order=5)
    register_banner(major_banner, order=10)
    case_panels.register_case_panel(routing_panel, slot=case_panels.MAIN, order=20)
    case_panels.register_case_panel(actions_panel, slot=case_panels.ACTIONS, order=20)
    case_panels.register_action_help("route", route_help)
    case_panels.register_action_help("close", close_help)
