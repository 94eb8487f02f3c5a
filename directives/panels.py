"""The menu link to the notices (grid.panels), registered from DirectivesConfig.ready()."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest

from directives.selectors import may_issue, node_filter
from grid.panels import Panel, register_nav


def nav_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """ "Notices" for whoever issues them or belongs to a node that receives them (no query)."""
    user = request.user
    if not user.is_authenticated or not (may_issue(user) or node_filter(user) is not None):
        return None
    match = request.resolver_match
    here = match.url_name.startswith("directives-") if match and match.url_name else False
    return Panel("directives/_nav.html", {"here": here})


def register() -> None:
    register_nav(nav_panel, order=60)
