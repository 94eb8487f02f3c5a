"""Template tags other apps' pages use to show report work without importing reports."""

from __future__ import annotations

from django import template
from django.utils import timezone

from grid.labels import choice_label
from reports.models import Status
from reports.rules import has_queue, may_file
from reports.selectors import report_worklist_for
from reports.views.labels import clock_for, plain_status, queue_title

register = template.Library()


@register.inclusion_tag("reports/_worklist.html", takes_context=True)
def worklist(context, show_heading: bool = True) -> dict:
    """The head of the signed-in person's work list: their reports, or the cases waiting on them.

    ``show_heading=False`` keeps the heading for screen readers only, where the page's own
    title already names the list.
    """
    user = context["request"].user
    now = timezone.now()
    if not (may_file(user) or has_queue(user)):
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
        "can_file": may_file(user),
    }


@register.inclusion_tag("reports/_nav.html", takes_context=True)
def report_nav(context) -> dict:
    """The main-menu links to the report pages the signed-in person uses."""
    request = context["request"]
    user = request.user
    match = request.resolver_match
    return {
        "here": match.url_name if match else "",
        "can_file": may_file(user),
        "has_queue": has_queue(user),
        "queue_title": queue_title(user),
    }
