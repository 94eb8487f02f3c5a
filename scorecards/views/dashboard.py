"""The leadership dashboard, the big screen (可视化大屏) and the JSON both read."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from grid import audit
from grid.models import AccessKind
from grid.scoping import jurisdiction_of
from scorecards.dashboard import dashboard_for
from scorecards.rules import may_view


def _data(request: HttpRequest) -> dict:
    """The dashboard's figures of the person's jurisdiction, computed at most once a
    ``SCORECARDS_DASHBOARD_SECONDS`` (the big screen's minute) per jurisdiction and language:
    every leader of a node, every screen on a wall, reads the same figures of that minute
    (their "as of" time says which)."""
    user = request.user
    if not may_view(user):
        raise PermissionDenied(_("The dashboard is for leaders and the platform's staff."))
    scope = jurisdiction_of(user)
    key = f"scorecards:dashboard:{scope.path or 'all'}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = dashboard_for(user=user)
        cache.set(key, data, settings.SCORECARDS_DASHBOARD_SECONDS)
    audit.record(request, kind=AccessKind.CASE_LIST, case_ids=[m["id"] for m in data["majors"]])
    return data


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """This month against last, trends, grades, the ranking, major cases, overdue units."""
    return render(request, "scorecards/dashboard.html", {"data": _data(request)})


@login_required
@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    """The same figures for a 1920×1080 wall display: dark, no scrolling, refreshed by itself."""
    return render(
        request,
        "scorecards/screen.html",
        {"data": _data(request), "refresh": settings.SCORECARDS_SCREEN_REFRESH},
    )


@never_cache
@login_required
@require_GET
def screen_data(request: HttpRequest) -> JsonResponse:
    """The dashboard's figures as JSON (what the big screen fetches every minute)."""
    return JsonResponse(_data(request))
