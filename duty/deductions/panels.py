"""The deductions link in the main menu (grid.panels), for everyone who may see some."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest

from grid.models import Role
from grid.panels import Panel, register_nav

# People of grid points see their point's deductions; every staff role sees its jurisdiction's.
ROLES = {
    Role.GRID_HEAD,
    Role.COUNTY_ADMIN,
    Role.UNIT_LIAISON,
    Role.DUTY_OFFICER,
    Role.LEADER,
    Role.SYS_ADMIN,
}


def nav_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """The link (no query)."""
    user = request.user
    if not (user.is_superuser or user.role in ROLES):
        return None
    match = request.resolver_match
    return Panel("duty/deductions/_nav.html", {"here": match.url_name if match else ""})


def register() -> None:
    register_nav(nav_panel, order=40)
