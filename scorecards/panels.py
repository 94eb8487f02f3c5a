"""What scorecards shows on grid's pages: the menu links to the dashboard and the scorecards."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest

from grid.panels import Panel, register_nav
from scorecards.rules import may_view


def nav_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """For leaders and the platform's staff (no query)."""
    if not may_view(request.user):
        return None
    match = request.resolver_match
    return Panel("scorecards/_nav.html", {"here": match.url_name if match else ""})


def register() -> None:
    register_nav(nav_panel, order=30)
