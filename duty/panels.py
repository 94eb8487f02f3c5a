"""What duty shows on grid's pages (registered in ``DutyConfig.ready()``): "my next duties" on
the home page of whoever is on a roster, and the duty links in the main menu."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest

from duty.rules import may_watch
from duty.selectors import next_duties_for
from grid.panels import Panel, register_home_panel, register_nav

HOME_ROWS = 5


def next_duties_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """The person's next duties (today's first, with its clock-in): one query, none if the
    person is on no roster and leads none."""
    duties = next_duties_for(user=request.user, now=now, limit=HOME_ROWS)
    if not duties:
        return None
    return Panel("duty/_next_duties.html", {"duties": duties, "show_heading": True})


def nav_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """My duties for everyone who may be on a roster; the watch page for leaders (no query)."""
    user = request.user
    match = request.resolver_match
    return Panel(
        "duty/_nav.html",
        {"here": match.url_name if match else "", "watch": may_watch(user)},
    )


def register() -> None:
    register_home_panel(next_duties_panel, order=3)
    register_nav(nav_panel, order=30)
