"""Template tags other apps' pages use to show report work without importing reports."""

from __future__ import annotations

from django import template
from django.utils import timezone

from grid.labels import choice_label
from grid.models import GRID_POINT_ROLES
from reports.models import Status
from reports.selectors import report_worklist_for
from reports.views.labels import clock_for, plain_status, queue_title
from reports.views.lists import QUEUE_ROLES

register = template.Library()


@register.inclusion_tag("reports/_worklist.html", takes_context=True)
def worklist(context, show_heading: bool = True) -> dict:
    """The head of the signed-in person's work list: their reports, or the cases waiting on them.

    ``show_heading=False`` keeps the heading for screen readers only, where the page's own
    title already names the list.
    """
    user = context["request"].user
    now = timezone.now()
    if not (user.role in GRID_POINT_ROLES or user.role in QUEUE_ROLES):
        return {"worklist": None}
    work = report_worklist_for(user=user, now=now)
    for report in work.rows:
        report.clock = clock_for(report, now=now)
        report.plain_status = plain_status(report.status)
        report.status_label = choice_label(Status, report.status)
    return {
        "worklist": work,
        "show_heading": show_heading,
        "now": now,
        "role": user.role,
        "title": queue_title(user),
        "can_file": user.role in GRID_POINT_ROLES and user.grid_point_id is not None,
    }


@register.inclusion_tag("reports/_nav.html", takes_context=True)
def report_nav(context) -> dict:
    """The main-menu links to the report pages the signed-in person uses."""
    request = context["request"]
    user = request.user
    match = request.resolver_match
    return {
        "here": match.url_name if match else "",
        "can_file": user.role in GRID_POINT_ROLES and user.grid_point_id is not None,
        "has_queue": user.is_superuser or user.role in QUEUE_ROLES,
        "queue_title": queue_title(user),
    }
