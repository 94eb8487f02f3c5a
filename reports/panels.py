"""What reports shows on grid's pages: the home page's work list and the report links of the
main menu. Registered with grid's registry (grid.panels) in ``ReportsConfig.ready()``."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest

from grid import audit
from grid.labels import choice_label
from grid.models import AccessKind
from grid.panels import Panel, register_home_panel, register_nav
from reports.hooks import queue_page_of
from reports.models import Status
from reports.rules import has_queue, may_file
from reports.selectors import report_worklist_for
from reports.views.labels import clock_for, plain_status, queue_title, queue_url


def worklist_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """The head of the person's work list: their reports, or the cases waiting on them.

    The home page passes ``show_heading=False`` where its own title already names the list,
    which keeps the heading for screen readers only.
    """
    user = request.user
    if not (may_file(user) or has_queue(user)):
        return None
    work = report_worklist_for(user=user, now=now)
    audit.record(request, kind=AccessKind.HOME, case_ids=[report.pk for report in work.rows])
    for report in work.rows:
        report.clock = clock_for(report, now=now)
        report.plain_status = plain_status(report.status)
        report.status_label = choice_label(Status, report.status)
    return Panel(
        "reports/_worklist.html",
        {
            "worklist": work,
            "show_heading": True,
            "now": now,
            "role": user.role,
            "title": queue_title(user),
            "can_file": may_file(user),
            "queue_url": queue_url(user),
        },
    )


def nav_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """The main-menu links to the report pages the person uses (filing, their reports, a queue)."""
    user = request.user
    # A page that stands in for the queue (reports.hooks.register_queue_page) is in the menu
    # by its own app's links.
    can_file = may_file(user)
    queue = has_queue(user) and queue_page_of(user.role) is None
    if not (can_file or queue):
        return None
    match = request.resolver_match
    return Panel(
        "reports/_nav.html",
        {
            "here": match.url_name if match else "",
            "can_file": can_file,
            "has_queue": queue,
            "queue_title": queue_title(user),
        },
    )


def register() -> None:
    """Put the work list and the menu links on grid's pages (called once at start-up)."""
    register_home_panel(worklist_panel, order=10)
    register_nav(nav_panel, order=10)
