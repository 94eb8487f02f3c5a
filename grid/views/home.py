"""The role-aware home page: every person lands on their own work list.

The work list itself is a panel the reports app registers with grid (grid.panels), so grid
does not import reports; around the panels the page shows the person's home node, their
jurisdiction's counts, their grid point and its people, their unit.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from grid import panels, selectors
from grid.models import GRID_POINT_ROLES, LEVEL_DEPTH, Level, Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    me = selectors.user_home(user=request.user)
    role = selectors.home_role(me)
    region = me.region
    context = {
        "me": me,
        "role": role,
        "region": region,
        # Counts of levels below the home node only (-1: the whole installation).
        "depth": LEVEL_DEPTH[Level(region.level)] if region else -1,
        "role_label": Role(me.role).label if me.role else "",
    }
    if role == "none":
        return render(request, "grid/home.html", context)

    if region is not None:
        context["breadcrumb"] = selectors.region_breadcrumb(user=me, region=region)
    context["counts"] = selectors.region_counts(user=me, region=region)
    if role != Role.SYS_ADMIN:
        # The apps' work panels; the operators' page is grid maintenance (their queue is
        # one click away in the menu).
        context["panels"] = panels.home_panels.panels_for(request, timezone.now())

    if role in GRID_POINT_ROLES and me.grid_point is not None:
        context["point"] = me.grid_point
        context["point_people"] = selectors.grid_point_people(user=me, point=me.grid_point)
    elif role == Role.LEADER or role == Role.SYS_ADMIN:
        # Operators without a home node get the list of cities.
        children = selectors.region_children(user=me, region=region)
        context["overview"] = selectors.region_children_with_counts(
            user=me, parent=region, children=children
        )
    elif role == Role.UNIT_LIAISON:
        context["unit"] = me.unit
    return render(request, "grid/home.html", context)
