"""What duty shows on grid's pages (registered in ``DutyConfig.ready()``): "my next duties" on
the home page of whoever is on a roster, and the duty links in the main menu."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone

from duty.models import DutyDay, DutyShift
from duty.rosters.selectors import next_duties_for
from duty.rules import may_watch
from duty.times import duty_date_at
from grid.panels import Panel, register_home_panel, register_nav

HOME_ROWS = 5


def duties_ahead_expression() -> Exists:
    """Whether the signed-in person is on a duty or leads one from the one running now: loaded
    with the person (``grid.auth.register_signed_in_annotation``), two index probes."""
    today = duty_date_at(timezone.now())
    return Exists(DutyShift.objects.filter(person=OuterRef("pk"), date__gte=today)) | Exists(
        DutyDay.objects.filter(leader=OuterRef("pk"), date__gte=today)
    )


def next_duties_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """The person's next duties (today's first, with its clock-in): one query, none for a
    person on no roster (known from their sign-in's own query)."""
    if not getattr(request.user, "duties_ahead", True):
        return None
    duties = next_duties_for(user=request.user, now=now, limit=HOME_ROWS)
    if not duties:
        return None
    return Panel("duty/_next_duties.html", {"duties": duties})


def nav_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """My duties for everyone who may be on a roster; the watch page for leaders (no query)."""
    user = request.user
    match = request.resolver_match
    return Panel(
        "duty/_roster_nav.html",
        {"here": match.url_name if match else "", "watch": may_watch(user)},
    )


def register() -> None:
    from grid.auth import register_signed_in_annotation

    register_signed_in_annotation("duties_ahead", duties_ahead_expression)
    # After the work list (reports, order 10), whose title the home page's heading is.
    register_home_panel(next_duties_panel, order=15)
    register_nav(nav_panel, order=30)
