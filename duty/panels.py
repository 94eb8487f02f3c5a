"""What duty shows on grid's pages: "my daily report today" on a grid point person's home,
today's filing count on the overview roles' home, and the menu links (grid.panels)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest

from duty.kinds import local_today
from duty.selectors import my_filings_for, overview_totals, sees_overview
from grid.panels import Panel, register_home_panel, register_nav
from reports.rules import may_file


def my_filings_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """The grid point's daily report today and risk points this month (one query)."""
    user = request.user
    if not may_file(user):
        return None
    return Panel("duty/_my_filings.html", {"mine": my_filings_for(user=user, now=now), "now": now})


def overview_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """How many grid points have filed today's daily report (one query)."""
    user = request.user
    if not sees_overview(user):
        return None
    day = local_today(now)
    return Panel(
        "duty/_overview_panel.html",
        {"totals": overview_totals(user=user, day=day), "day": day},
    )


def nav_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """The daily report for grid point people; the overview for those who see it."""
    user = request.user
    files, oversees = may_file(user), sees_overview(user)
    if not (files or oversees):
        return None
    match = request.resolver_match
    return Panel(
        "duty/_nav.html",
        {"here": match.url_name if match else "", "files": files, "oversees": oversees},
    )


def register() -> None:
    """Put the panels and links on grid's pages (called once at start-up)."""
    register_home_panel(my_filings_panel, order=5)
    register_home_panel(overview_panel, order=30)
    register_nav(nav_panel, order=30)
