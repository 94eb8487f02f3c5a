"""The leadership dashboard, the big screen (可视化大屏) and the JSON both read."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from grid import audit
from grid.models import AccessKind
from scorecards.dashboard import dashboard_for
from scorecards.rules import may_view


def _data(request: HttpRequest) -> dict:
    if not may_view(request.user):
        raise PermissionDenied(_("The dashboard is for leaders and the platform's staff."))
    data = dashboard_for(user=request.user)
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
