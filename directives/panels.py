"""What directives shows on the pages of the apps below it, registered from
DirectivesConfig.ready(): the menu link to the notices (grid.panels), and on a case page the
authoritative pushes about it (reports.case_panels), asked for only where the case has any
(a case flag)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from directives.models import Notice
from directives.selectors import may_issue, node_filter, pushes_for_case
from grid.models import GRID_POINT_ROLES
from grid.panels import Panel, register_nav
from reports import case_panels


def nav_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """ "Notices" for whoever issues them or belongs to a node that receives them (no query)."""
    user = request.user
    if not user.is_authenticated or not (may_issue(user) or node_filter(user) is not None):
        return None
    match = request.resolver_match
    here = match.url_name.startswith("directives-") if match and match.url_name else False
    return Panel("directives/_nav.html", {"here": here})


def pushes_panel(request: HttpRequest, now: datetime, page) -> Panel | None:
    """The rumour refutations and authoritative statements pushed about the case, with how
    many nodes forwarded each (one query), and for an issuer a way to push one. People of
    grid points see their case in plain words, without it (no query)."""
    user = request.user
    if user.role in GRID_POINT_ROLES:
        return None
    pushes = pushes_for_case(report_id=page.report.pk) if page.flag("has_pushes") else []
    issuer = may_issue(user)
    if not pushes and not issuer:
        return None
    return Panel(
        "directives/_case_pushes.html",
        {"pushes": pushes, "issuer": issuer, "report": page.report},
    )


def register() -> None:
    register_nav(nav_panel, order=60)
    case_panels.register_case_flag(
        "has_pushes",
        lambda: Exists(Notice.reports.through.objects.filter(report_id=OuterRef("pk"))),
    )
    case_panels.register_case_panel(pushes_panel, slot=case_panels.MAIN, order=40)
