"""Reads for the grid pages: home pages, the grid browser and their counts.

Every function starts from ``Model.objects.visible_to(user)`` (grid.scoping), so nothing
outside the caller's jurisdiction is listed, counted or found: an object outside it looks
exactly like one that does not exist (``None`` here, 404 in the views).

Counts per child node are made with one grouped query per model, whatever the number of
children: each row's materialised path is cut down to the path segment just below the
parent (the child's code), and rows are counted per segment. That is an indexed prefix scan
of the parent's subtree, with no per-child query and no correlated subquery.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import CharField, Count, IntegerField, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Substr

from grid.models import ApiToken, GridPoint, Level, Region, Role, Unit, User, password_stamps
from grid.rules import people_shown_to
from grid.scoping import jurisdiction_of


@dataclass
class RegionCounts:
    """How much of the grid lies in a subtree (or a whole jurisdiction)."""

    counties: int = 0
    townships: int = 0
    villages: int = 0
    grid_points: int = 0
    people: int = 0
    units: int = 0


@dataclass(frozen=True)
class Crumb:
    """One step of a breadcrumb: a region, and whether the viewer may open it."""

    region: Region
    linkable: bool


@dataclass
class GridPointPeople:
    """A grid point's people, split the way the pages show them.

    The lists hold only the people the viewer is shown (grid.rules), each with ``shown``; the
    counts are of every active member.
    """

    head: User | None  # the person in charge, if one is set and the viewer is shown them
    head_hidden: bool = False  # a person in charge is set, but not shown to the viewer
    informants: list[User] = field(default_factory=list)
    volunteers: list[User] = field(default_factory=list)
    heads: list[User] = field(default_factory=list)
    informant_count: int = 0
    volunteer_count: int = 0
    head_count: int = 0


# --- Regions --------------------------------------------------------------------------------


def region_visible(*, user: User, code: str) -> Region | None:
    """The region with division ``code`` if ``user`` may see it, else None (one query)."""
    return Region.objects.visible_to(user).filter(code=code).first()


def region_breadcrumb(*, user: User, region: Region) -> list[Crumb]:
    """The region's ancestors, root first, then the region itself (one query, none for roots).

    Ancestors above the viewer's home node are shown for orientation but not linked.
    """
    codes = region.ancestor_codes
    ancestors = {r.code: r for r in Region.objects.filter(code__in=codes)} if codes else {}
    scope = jurisdiction_of(user)
    crumbs = [Crumb(ancestors[c], scope.covers(ancestors[c].path)) for c in codes if c in ancestors]
    crumbs.append(Crumb(region, scope.covers(region.path)))
    return crumbs


def region_children(*, user: User, region: Region | None) -> QuerySet[Region]:
    """The visible children of ``region`` in code order; the cities if ``region`` is None."""
    qs = Region.objects.visible_to(user)
    qs = qs.filter(parent__isnull=True) if region is None else qs.filter(parent=region)
    return qs.order_by("code")


def region_counts(*, user: User, region: Region | None = None) -> RegionCounts:
    """Counts of the grid in ``region``'s subtree, or in the whole jurisdiction if None.

    Four queries whatever the size: regions by level, grid points, active people, units.
    """
    regions = Region.objects.visible_to(user)
    points = GridPoint.objects.visible_to(user)
    people = User.objects.visible_to(user).filter(is_active=True)
    units = Unit.objects.visible_to(user)
    if region is not None:
        regions = regions.filter(path__startswith=region.path)
        points = points.filter(region__path__startswith=region.path)
        people = people.filter(region__path__startswith=region.path)
        units = units.filter(region__path__startswith=region.path)
    by_level = regions.order_by().aggregate(
        counties=Count("pk", filter=Q(level=Level.COUNTY)),
        townships=Count("pk", filter=Q(level=Level.TOWNSHIP)),
        villages=Count("pk", filter=Q(level=Level.VILLAGE)),
    )
    return RegionCounts(
        **by_level,
        grid_points=points.count(),
        people=people.count(),
        units=units.count(),
    )


def _child_segment(path_field: str, parent_path: str) -> Substr:
    """SQL for the path segment just below ``parent_path`` (the child's code)."""
    rest = Substr(path_field, len(parent_path) + 1, output_field=CharField())
    end = StrIndex(rest, Value("/")) - Value(1, output_field=IntegerField())
    return Substr(rest, 1, end, output_field=CharField())


def _grouped(qs: QuerySet, path_field: str, parent_path: str, **aggregates) -> dict[str, dict]:
    """Aggregate rows of ``qs`` below ``parent_path`` per child segment: {code: {name: n}}."""
    rows = (
        qs.filter(**{f"{path_field}__startswith": parent_path})
        .exclude(**{path_field: parent_path})
        .order_by()
        .annotate(child_code=_child_segment(path_field, parent_path))
        .values("child_code")
        .annotate(**aggregates)
    )
    return {row.pop("child_code"): row for row in rows}


def region_children_with_counts(
    *, user: User, parent: Region | None, children: Iterable[Region]
) -> list[Region]:
    """``children`` (of ``parent``, or cities if None) each given a ``counts`` RegionCounts.

    Four grouped queries in all (regions by level, grid points, people, units), however many
    children there are; none if there are no children.
    """
    children = list(children)
    if not children:
        return children
    # For cities (no parent) the child segment is the first segment of every path.
    parent_path = "" if parent is None else parent.path
    regions = _grouped(
        Region.objects.visible_to(user),
        "path",
        parent_path,
        counties=Count("pk", filter=Q(level=Level.COUNTY)),
        townships=Count("pk", filter=Q(level=Level.TOWNSHIP)),
        villages=Count("pk", filter=Q(level=Level.VILLAGE)),
    )
    points = _grouped(
        GridPoint.objects.visible_to(user), "region__path", parent_path, n=Count("pk")
    )
    people = _grouped(
        User.objects.visible_to(user).filter(is_active=True),
        "region__path",
        parent_path,
        n=Count("pk"),
    )
    units = _grouped(Unit.objects.visible_to(user), "region__path", parent_path, n=Count("pk"))
    for child in children:
        by_level = regions.get(child.code, {})
        child.counts = RegionCounts(
            counties=by_level.get("counties", 0),
            townships=by_level.get("townships", 0),
            villages=by_level.get("villages", 0),
            grid_points=points.get(child.code, {}).get("n", 0),
            people=people.get(child.code, {}).get("n", 0),
            units=units.get(child.code, {}).get("n", 0),
        )
    return children


# --- Grid points, units, people -------------------------------------------------------------


def grid_point_at(*, user: User, region: Region) -> GridPoint | None:
    """The visible grid point sitting at ``region``, with its head, or None (one query)."""
    return GridPoint.objects.visible_to(user).select_related("head").filter(region=region).first()


def grid_point_visible(*, user: User, code: str) -> GridPoint | None:
    """The grid point with ``code`` if ``user`` may see it, with region and head (one query)."""
    return (
        GridPoint.objects.visible_to(user)
        .select_related("region", "head", "head__region")
        .filter(code=code)
        .first()
    )


def grid_point_people(*, user: User, point: GridPoint) -> GridPointPeople:
    """The point's head and its active members by role, as ``user`` is shown them (one query).

    ``heads`` lists the members with the grid head role other than the person in charge.
    """
    rule = people_shown_to(user)
    members = list(
        User.objects.visible_to(user)
        .filter(grid_point=point, is_active=True)
        .select_related("region")
        .order_by("name", "username")
    )
    people = GridPointPeople(head=None)
    if point.head is not None:
        point.head.shown = rule.of(point.head, point=point)
        if point.head.shown.name:
            people.head = point.head
        else:
            people.head_hidden = True
    for person in members:
        person.shown = rule.of(person, point=point)
        if person.role == Role.INFORMANT:
            people.informant_count += 1
            group = people.informants
        elif person.role == Role.VOLUNTEER:
            people.volunteer_count += 1
            group = people.volunteers
        elif person.role == Role.GRID_HEAD and person.pk != point.head_id:
            people.head_count += 1
            group = people.heads
        else:
            continue
        if person.shown.name:
            group.append(person)
    return people


def units_at(*, user: User, region: Region) -> QuerySet[Unit]:
    """The visible units sitting at ``region`` (not below it), by code."""
    return Unit.objects.visible_to(user).filter(region=region).order_by("code")


def people_in_subtree(*, user: User, region: Region, q: str = "", role: str = "") -> QuerySet[User]:
    """Visible people whose home node is ``region`` or below, searched and filtered.

    Only for viewers who may list people (grid.rules); nobody for the others. ``q`` matches
    the name (contains), and the username only for those shown usernames; ``role`` is a Role
    value or "" for all.
    """
    rule = people_shown_to(user)
    if not rule.lists_people:
        return User.objects.none()
    qs = (
        User.objects.visible_to(user)
        .filter(region__path__startswith=region.path)
        .select_related("region", "grid_point", "unit")
        .order_by("region__path", "name", "username")
    )
    q = q.strip()
    if q:
        match = Q(name__icontains=q)
        if rule.everyone.username:
            match |= Q(username__icontains=q)
        qs = qs.filter(match)
    if role:
        qs = qs.filter(role=role)
    return qs


def people_marked_shown(*, user: User, people: Iterable[User]) -> list[User]:
    """``people`` as a list, each given ``shown``: what ``user`` is shown of them (grid.rules)."""
    rule = people_shown_to(user)
    people = list(people)
    for person in people:
        person.shown = rule.of(person)
    return people


def user_home(*, user: User) -> User:
    """The signed-in person with home node, grid point (and its head) and unit: one query.

    Not scoped: a person may always read their own profile.
    """
    return User.objects.select_related(
        "region", "grid_point", "grid_point__head", "grid_point__region", "unit", "unit__region"
    ).get(pk=user.pk)


def home_role(user: User) -> str:
    """Which home page ``user`` lands on: their role, "sys_admin" for operators, or "none".

    A person with a role but no home node has nothing to see, so they get "none" too.
    """
    if user.is_superuser and not user.role:
        return Role.SYS_ADMIN.value
    if not user.role or (not user.region_id and not user.is_superuser):
        return "none"
    return str(user.role)


def api_token_list(*, user: User, now: datetime) -> QuerySet[ApiToken]:
    """``user``'s tokens that still work, newest first (never anyone else's)."""
    return ApiToken.objects.filter(
        user=user, expires_at__gt=now, user_hash__in=password_stamps(user)
    ).order_by("-created_at", "-pk")
