"""The weekly digest page: the week as it was sent to the leader, or, for a week not sent to
them (another viewer, a leader who joined later), computed now for their node."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from grid.models import Level
from scorecards.digests.figures import digest_figures, last_week, week_of
from scorecards.digests.models import WeeklyDigest
from scorecards.rules import may_view

WEEKS_LISTED = 8


@login_required
@require_GET
def digest_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if (
        not may_view(user)
        or user.region is None
        or user.region.level
        not in (
            Level.CITY,
            Level.COUNTY,
        )
    ):
        raise PermissionDenied(_("The weekly digest is for city and county leaders."))
    newest = last_week(timezone.now())
    week = newest
    if request.GET.get("week"):
        try:
            week = week_of(date.fromisoformat(request.GET["week"]))
        except ValueError:
            raise Http404(_("No such week.")) from None
        if week > newest:
            raise Http404(_("That week is not over yet."))
    sent = WeeklyDigest.objects.filter(leader=user, week=week).first()
    figures = sent.figures if sent else digest_figures(user.region, week)
    weeks = [newest - timedelta(days=7 * i) for i in range(WEEKS_LISTED)]
    return render(
        request,
        "scorecards/digest.html",
        {
            "figures": figures,
            "sent": sent,
            "week": week,
            "weeks": weeks,
            "daily_rate": None
            if figures["daily"]["rate"] is None
            else round(figures["daily"]["rate"] * 100, 1),
            "children": [
                c | {"rate": None if c["daily_rate"] is None else round(c["daily_rate"] * 100, 1)}
                for c in figures["children"]
            ],
        },
    )
