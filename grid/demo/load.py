"""Write what is missing of a demo plan: one read per table, bulk inserts, one transaction.

Existing rows are matched by code (username for people) and left as they are, so a second run
writes nothing. The only exceptions are a demo login whose password no longer checks out (it
is set back to the published one) and a planned grid point head that is still empty.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, check_password, make_password
from django.db import transaction

from grid.demo.plan import DEMO_PASSWORD, Plan
from grid.models import GridPoint, Level, Region, Unit, User

BATCH = 2000
LEVEL_ORDER = (Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)


@dataclass
class LoadResult:
    """What one run created or changed."""

    regions: int = 0
    grid_points: int = 0
    units: int = 0
    people: int = 0
    heads: int = 0
    passwords: int = 0

    @property
    def changed(self) -> bool:
        counts = (self.regions, self.grid_points, self.units, self.people, self.heads)
        return any(counts) or bool(self.passwords)


@transaction.atomic
def demo_load(*, plan: Plan, log: Callable[[str], None] = lambda _: None) -> LoadResult:
    """Create the regions, grid points, units and people of ``plan`` that do not exist yet."""
    result = LoadResult()
    regions = _load_regions(plan, result)
    log(f"regions: {result.regions}")
    points = _load_points(plan, regions, result)
    log(f"grid points: {result.grid_points}")
    units = _load_units(plan, regions, result)
    log(f"units: {result.units}")
    people = _load_people(plan, regions, points, units, result)
    log(f"people: {result.people}")
    _set_heads(plan, regions, points, people, result)
    return result


def _load_regions(plan: Plan, result: LoadResult) -> dict[str, tuple[int, str]]:
    """Code → (pk, path) of every planned region; parents first, level by level."""
    known = {
        code: (pk, path)
        for code, pk, path in Region.objects.order_by().values_list("code", "pk", "path")
    }
    for level in LEVEL_ORDER:
        new = []
        for spec in plan.regions:
            if spec.level != level or spec.code in known:
                continue
            parent_pk, parent_path = known[spec.parent_code] if spec.parent_code else (None, "")
            new.append(
                Region(
                    code=spec.code,
                    name=spec.name,
                    level=spec.level,
                    kind=spec.kind,
                    parent_id=parent_pk,
                    # The parent's actual path, in case it was moved since it was seeded.
                    path=f"{parent_path}{spec.code}/",
                )
            )
        if not new:
            continue
        Region.objects.bulk_create(new, batch_size=BATCH)
        result.regions += len(new)
        if any(region.pk is None for region in new):  # a backend that returns no ids
            created = {r.code for r in new}
            rows = Region.objects.filter(level=level).values_list("code", "pk", "path")
            known.update({c: (pk, path) for c, pk, path in rows if c in created})
        else:
            known.update({r.code: (r.pk, r.path) for r in new})
    return known


def _load_points(
    plan: Plan, regions: dict[str, tuple[int, str]], result: LoadResult
) -> dict[int, tuple[int, int | None]]:
    """Region pk → (grid point pk, head pk) for every region with a grid point.

    A region keeps the grid point it already has, whatever its code.
    """
    rows = GridPoint.objects.order_by().values_list("code", "region_id", "pk", "head_id")
    codes = set()
    by_region = {}
    for code, region_id, pk, head_id in rows:
        codes.add(code)
        by_region[region_id] = (pk, head_id)
    new = []
    for spec in plan.points:
        region_pk = regions[spec.region_code][0]
        if spec.code in codes or region_pk in by_region:
            continue
        new.append(GridPoint(code=spec.code, name=spec.name, region_id=region_pk))
        by_region[region_pk] = (None, None)
    GridPoint.objects.bulk_create(new, batch_size=BATCH)
    result.grid_points = len(new)
    if any(point.pk is None for point in new):
        rows = GridPoint.objects.filter(region_id__in=[p.region_id for p in new])
        by_region.update({r: (pk, None) for r, pk in rows.values_list("region_id", "pk")})
    else:
        by_region.update({p.region_id: (p.pk, None) for p in new})
    return by_region


def _load_units(plan: Plan, regions: dict[str, tuple[int, str]], result: LoadResult) -> dict:
    """Code → pk of every unit."""
    known = dict(Unit.objects.order_by().values_list("code", "pk"))
    new = [
        Unit(
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            region_id=regions[spec.region_code][0],
            remit=spec.remit,
        )
        for spec in plan.units
        if spec.code not in known
    ]
    Unit.objects.bulk_create(new, batch_size=BATCH)
    result.units = len(new)
    if any(unit.pk is None for unit in new):
        known = dict(Unit.objects.values_list("code", "pk"))
    else:
        known.update({u.code: u.pk for u in new})
    return known


def _load_people(
    plan: Plan,
    regions: dict[str, tuple[int, str]],
    points: dict[int, tuple[int, int | None]],
    units: dict[str, int],
    result: LoadResult,
) -> dict[str, int]:
    """Username → pk of the planned people; demo logins get the published password back."""
    known = dict(User.objects.order_by().values_list("username", "pk"))
    demo_hash = None  # hashed at most once per run: hashing is slow on purpose

    def demo_password() -> str:
        nonlocal demo_hash
        demo_hash = demo_hash or make_password(DEMO_PASSWORD)
        return demo_hash

    new = []
    for spec in plan.people:
        if spec.username in known:
            continue
        region_pk = regions[spec.region_code][0]
        point_pk = points[region_pk][0] if spec.point_code else None
        new.append(
            User(
                username=spec.username,
                name=spec.name,
                role=spec.role,
                region_id=region_pk,
                grid_point_id=point_pk,
                unit_id=units[spec.unit_code] if spec.unit_code else None,
                phone=spec.phone,
                is_staff=spec.is_staff,
                password=demo_password()
                if spec.demo
                else UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(24),
            )
        )
    User.objects.bulk_create(new, batch_size=BATCH)
    result.people = len(new)
    if any(user.pk is None for user in new):
        known = dict(User.objects.values_list("username", "pk"))
    else:
        known.update({u.username: u.pk for u in new})
    _reset_demo_passwords(plan, {u.username for u in new}, demo_password, result)
    return known


def _reset_demo_passwords(
    plan: Plan, created: set[str], demo_password: Callable[[], str], result: LoadResult
) -> None:
    """Set the published password on demo logins where it no longer checks out."""
    usernames = [p.username for p in plan.demo_logins if p.username not in created]
    if not usernames:
        return
    checked: dict[str, bool] = {}  # demo logins usually share one hash: check it once
    stale = []
    for pk, encoded in User.objects.filter(username__in=usernames).values_list("pk", "password"):
        if encoded not in checked:
            checked[encoded] = check_password(DEMO_PASSWORD, encoded)
        if not checked[encoded]:
            stale.append(pk)
    if stale:
        User.objects.filter(pk__in=stale).update(password=demo_password())
        result.passwords = len(stale)


def _set_heads(
    plan: Plan,
    regions: dict[str, tuple[int, str]],
    points: dict[int, tuple[int, int | None]],
    people: dict[str, int],
    result: LoadResult,
) -> None:
    """Give planned heads to grid points that have none."""
    updates = []
    for spec in plan.points:
        if spec.head is None or spec.head not in people:
            continue
        point_pk, head_pk = points[regions[spec.region_code][0]]
        if head_pk is None:
            updates.append(GridPoint(pk=point_pk, head_id=people[spec.head]))
    GridPoint.objects.bulk_update(updates, ["head"], batch_size=BATCH)
    result.heads = len(updates)
