"""Writing a checked import: bulk inserts and updates, parents before children."""

from __future__ import annotations

import secrets

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection

from grid.importing.checking import PersonRec
from grid.importing.formats import (
    BATCH,
    ENTITIES,
    GRID_POINTS,
    PEOPLE,
    REGIONS,
    UNITS,
    ImportResult,
)
from grid.models import (
    PARENT_LEVEL,
    GridPoint,
    Level,
    Region,
    Unit,
    User,
    region_path,
)


def plan_import(wanted: dict[str, dict], existing: dict[str, dict], result: ImportResult) -> dict:
    """Split wanted records into creates and updates; count them (``id`` excluded from diffs)."""
    plan = {}
    for entity in ENTITIES:
        creates, updates = [], []
        counts = result.counts[entity]
        for key, record in wanted[entity].items():
            old = existing[entity].get(key)
            if old is None:
                creates.append((key, record))
                counts.created += 1
            elif _differs(entity, old, record):
                updates.append((key, record))
                counts.updated += 1
            else:
                counts.unchanged += 1
        plan[entity] = (creates, updates)
    return plan


def _differs(entity: str, old, new) -> bool:
    if entity == REGIONS:
        return old[1:5] != new[1:5]
    return old[1:] != new[1:]


def _bulk_set(model, fields: list[str], rows: list[tuple]) -> None:
    """``UPDATE … FROM (VALUES …)``: set ``fields`` of many rows, given as ``(pk, *values)``.

    Django's ``bulk_update`` builds a CASE per field and row, which costs about a millisecond
    per row in Python (50,000 people: most of a minute); a joined VALUES list costs almost
    nothing. UPDATE … FROM works on PostgreSQL and on SQLite 3.33+.
    """
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    names = ["pk"] + [f"v{i}" for i in range(len(columns))]
    assignments = ", ".join(
        f"{quote(column.column)} = CAST(v.v{i} AS {column.db_type(connection)})"
        for i, column in enumerate(columns)
    )
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    max_params = connection.features.max_query_params or BATCH * len(names)
    size = max(1, min(BATCH, max_params // len(names)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            values = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * len(batch))
            cursor.execute(
                f"WITH v({', '.join(names)}) AS (VALUES {values}) "  # noqa: S608 (names are ours)
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.pk",
                [value for row in batch for value in row],
            )


def write_import(plan: dict, existing: dict[str, dict]) -> None:
    """Write the plan: regions level by level, then units, grid points, people, heads."""
    from grid.services import region_set_parent

    old_regions = existing[REGIONS]
    regions = {code: (r.id, r.path) for code, r in old_regions.items()}
    creates, updates = plan[REGIONS]
    for level in Level.values:
        level_updates = [(c, r) for c, r in updates if r.level == level]
        moves = [(c, r) for c, r in level_updates if r.parent_code != old_regions[c].parent_code]
        for code, record in moves:
            # A move is rare: one UPDATE per moved region rewrites its whole subtree.
            parent_id = regions[record.parent_code][0] if record.parent_code else None
            region_set_parent(
                region=Region(pk=old_regions[code].id, code=code, level=level),
                parent=Region(pk=parent_id, level=PARENT_LEVEL[Level(level)])
                if parent_id
                else None,
            )
        new = []
        for code, record in creates:
            if record.level != level:
                continue
            parent_id, parent_path = (
                regions[record.parent_code] if record.parent_code else (None, "")
            )
            new.append(
                Region(
                    code=code,
                    name=record.name,
                    level=level,
                    kind=record.kind,
                    parent_id=parent_id,
                    path=region_path(parent_path, code),
                )
            )
        Region.objects.bulk_create(new, batch_size=BATCH)
        renamed = [
            (r.id, r.name, r.kind)
            for c, r in level_updates
            if (r.name, r.kind) != (old_regions[c].name, old_regions[c].kind)
        ]
        _bulk_set(Region, ["name", "kind"], renamed)
        if new or moves:
            regions = {
                code: (pk, path)
                for code, pk, path in Region.objects.order_by().values_list("code", "pk", "path")
            }

    def region_id(code: str) -> int | None:
        return regions[code][0] if code else None

    creates, updates = plan[UNITS]
    Unit.objects.bulk_create(
        [
            Unit(
                code=c, name=r.name, kind=r.kind, region_id=region_id(r.region_code), remit=r.remit
            )
            for c, r in creates
        ],
        batch_size=BATCH,
    )
    _bulk_set(
        Unit,
        ["name", "kind", "region", "remit"],
        [(r.id, r.name, r.kind, region_id(r.region_code), r.remit) for c, r in updates],
    )

    # Grid points before people (people belong to them), heads after people (heads are people).
    creates, updates = plan[GRID_POINTS]
    GridPoint.objects.bulk_create(
        [GridPoint(code=c, name=r.name, region_id=region_id(r.region_code)) for c, r in creates],
        batch_size=BATCH,
    )
    _bulk_set(
        GridPoint,
        ["name", "region"],
        [(r.id, r.name, region_id(r.region_code)) for c, r in updates],
    )
    old_points = existing[GRID_POINTS]
    heads = [(c, r.head_username) for c, r in creates if r.head_username] + [
        (c, r.head_username) for c, r in updates if r.head_username != old_points[c].head_username
    ]
    people_to_write = plan[PEOPLE][0] or plan[PEOPLE][1]
    points = {c: p.id for c, p in old_points.items()}
    if creates and (people_to_write or heads):
        points = dict(GridPoint.objects.order_by().values_list("code", "pk"))
    units = {c: u.id for c, u in existing[UNITS].items()}
    if plan[UNITS][0] and people_to_write:
        units = dict(Unit.objects.order_by().values_list("code", "pk"))

    def person_values(r: PersonRec) -> tuple:
        return (
            r.name,
            r.role,
            region_id(r.region_code),
            points[r.grid_point_code] if r.grid_point_code else None,
            units[r.unit_code] if r.unit_code else None,
            r.phone,
        )

    fields = ["name", "role", "region", "grid_point", "unit", "phone"]
    attnames = [User._meta.get_field(f).attname for f in fields]
    creates, updates = plan[PEOPLE]
    User.objects.bulk_create(
        [
            User(
                username=username,
                # Unusable, as set_unusable_password() makes it: an admin sets the real one.
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20),
                **dict(zip(attnames, person_values(r), strict=True)),
            )
            for username, r in creates
        ],
        batch_size=BATCH,
    )
    _bulk_set(User, fields, [(r.id, *person_values(r)) for u, r in updates])

    if heads:
        people = {u: p.id for u, p in existing[PEOPLE].items()}
        if creates:
            people = dict(User.objects.order_by().values_list("username", "pk"))
        _bulk_set(GridPoint, ["head"], [(points[c], people[u] if u else None) for c, u in heads])
