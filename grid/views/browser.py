"""The grid browser: walk down the tree of one's jurisdiction, see points, units and people.

Anything outside the viewer's jurisdiction answers 404, exactly like something that does
not exist. Every page costs the same number of queries whatever the size of the node. Pages
listing people are recorded in the access log (grid.audit), refusals too.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from grid import audit, selectors
from grid.errors import BadInput
from grid.models import AccessKind, Level, Role
from grid.rules import people_shown_to
from grid.validators import NUL_MESSAGE, has_nul

CHILDREN_PER_PAGE = 25
PEOPLE_PER_PAGE = 25
# The htmx tree shows at most this many children of a node; the node page pages the rest.
TREE_LIMIT = 60


def _code(code: str) -> str:
    """A node's or point's code from the address; one with a NUL names nothing (400)."""
    if has_nul(code):
        raise BadInput(NUL_MESSAGE)
    return code


@login_required
def browser_root(request: HttpRequest) -> HttpResponse:
    """Start at the viewer's home node; operators start at the list of cities."""
    user = request.user
    if not user.is_superuser:
        if user.region_id is None or not user.is_active:
            return render(request, "grid/browser/root.html", {"cities": None})
        return redirect("grid-region", code=user.region.code)
    page = Paginator(selectors.region_children(user=user, region=None), CHILDREN_PER_PAGE).get_page(
        request.GET.get("page")
    )
    cities = selectors.region_children_with_counts(user=user, parent=None, children=page)
    return render(request, "grid/browser/root.html", {"cities": cities, "page": page})


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One node: breadcrumb, children (paged, expandable), its grid point, units and people."""
    user = request.user
    region = selectors.region_visible(user=user, code=_code(code))
    if region is None:
        audit.record(request, kind=AccessKind.PEOPLE_LIST, allowed=False)
        raise Http404
    children_page = Paginator(
        selectors.region_children(user=user, region=region), CHILDREN_PER_PAGE
    ).get_page(request.GET.get("page"))
    children = selectors.region_children_with_counts(
        user=user, parent=region, children=children_page
    )

    q = request.GET.get("q", "").strip()[:60]
    q_error = ""
    if has_nul(q):  # refused beside the search box, the people listed unsearched
        q, q_error = "", NUL_MESSAGE
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    people_page = Paginator(
        selectors.people_in_subtree(user=user, region=region, q=q, role=role), PEOPLE_PER_PAGE
    ).get_page(request.GET.get("people_page"))
    people_page.object_list = selectors.people_marked_shown(
        user=user, people=people_page.object_list
    )
    audit.record(request, kind=AccessKind.PEOPLE_LIST)

    point = selectors.grid_point_at(user=user, region=region)
    context = {
        "region": region,
        "breadcrumb": selectors.region_breadcrumb(user=user, region=region),
        "counts": selectors.region_counts(user=user, region=region),
        "depth": region.depth,
        "children": children,
        "children_page": children_page,
        "point": point,
        "point_people": selectors.grid_point_people(user=user, point=point) if point else None,
        "units": list(selectors.units_at(user=user, region=region)),
        "people_page": people_page,
        "people_shown": people_shown_to(user),
        "q": q,
        "q_error": q_error,
        "role": role,
        "roles": Role.choices,
        "is_leaf": region.level == Level.VILLAGE,
    }
    return render(request, "grid/browser/region.html", context, status=400 if q_error else 200)


@login_required
def region_children_partial(request: HttpRequest, code: str) -> HttpResponse:
    """The rows of a node's children, for the htmx tree (a fragment, not a page)."""
    user = request.user
    region = selectors.region_visible(user=user, code=_code(code))
    if region is None:
        raise Http404
    rows = list(selectors.region_children(user=user, region=region)[: TREE_LIMIT + 1])
    more = len(rows) > TREE_LIMIT
    children = selectors.region_children_with_counts(
        user=user, parent=region, children=rows[:TREE_LIMIT]
    )
    return render(
        request,
        "grid/browser/_children.html",
        {"region": region, "children": children, "more": more},
    )


@login_required
def grid_point_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A grid information point: where it sits, its head and its members."""
    user = request.user
    point = selectors.grid_point_visible(user=user, code=_code(code))
    if point is None:
        audit.record(request, kind=AccessKind.PEOPLE_LIST, allowed=False)
        raise Http404
    audit.record(request, kind=AccessKind.PEOPLE_LIST)
    context = {
        "point": point,
        "region": point.region,
        "breadcrumb": selectors.region_breadcrumb(user=user, region=point.region),
        "point_people": selectors.grid_point_people(user=user, point=point),
    }
    return render(request, "grid/browser/point.html", context)
