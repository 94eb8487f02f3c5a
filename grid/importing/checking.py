"""Checking every row against the rest of the import and the database, in memory."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from grid.importing.formats import (
    ENTITIES,
    GRID_POINT_LEVELS,
    GRID_POINTS,
    KEY,
    KIND_ALIASES,
    LEVEL_ALIASES,
    MAX_LENGTH,
    PEOPLE,
    REGIONS,
    UNIT_KIND_LEVELS,
    UNITS,
    ImportIssue,
    Row,
)
from grid.models import (
    DEFAULT_KIND,
    GRID_POINT_ROLES,
    KINDS_BY_LEVEL,
    PARENT_LEVEL,
    ROLE_LEVELS,
    GridPoint,
    Level,
    Region,
    Role,
    Unit,
    UnitKind,
    User,
    region_path,
)
from grid.scoping import Jurisdiction

_validate_username = UnicodeUsernameValidator()


class RegionRec(NamedTuple):
    id: int | None
    name: str
    level: str
    kind: str
    parent_code: str
    path: str


class PointRec(NamedTuple):
    id: int | None
    name: str
    region_code: str
    head_username: str


class UnitRec(NamedTuple):
    id: int | None
    name: str
    kind: str
    region_code: str
    remit: str


class PersonRec(NamedTuple):
    id: int | None
    name: str
    role: str
    region_code: str
    grid_point_code: str
    unit_code: str
    phone: str


def load_existing() -> dict[str, dict]:
    """Everything the import compares against: one query per table."""
    regions = {
        code: RegionRec(pk, name, level, kind, parent or "", path)
        for pk, code, name, level, kind, parent, path in Region.objects.order_by().values_list(
            "pk", "code", "name", "level", "kind", "parent__code", "path"
        )
    }
    points = {
        code: PointRec(pk, name, region, head or "")
        for pk, code, name, region, head in GridPoint.objects.order_by().values_list(
            "pk", "code", "name", "region__code", "head__username"
        )
    }
    units = {
        code: UnitRec(pk, name, kind, region, remit)
        for pk, code, name, kind, region, remit in Unit.objects.order_by().values_list(
            "pk", "code", "name", "kind", "region__code", "remit"
        )
    }
    people = {
        row[1]: PersonRec(row[0], row[2], row[3], *(v or "" for v in row[4:]))
        for row in User.objects.order_by().values_list(
            "pk",
            "username",
            "name",
            "role",
            "region__code",
            "grid_point__code",
            "unit__code",
            "phone",
        )
    }
    return {REGIONS: regions, GRID_POINTS: points, UNITS: units, PEOPLE: people}


# --- checking rows ------------------------------------------------------------------------


class Checker:
    """Checks every row against the rest of the import and the database.

    Builds ``wanted``: per entity, key → record of the values the database should end up
    with (``id`` None: to be created).
    """

    def __init__(self, rows, existing, scope: Jurisdiction, issues: list[ImportIssue]):
        self.rows: dict[str, list[Row]] = rows
        self.existing: dict[str, dict] = existing
        self.scope = scope
        self.issues = issues
        self.wanted: dict[str, dict] = {entity: {} for entity in ENTITIES}
        self.seen: dict[str, dict[str, Row]] = {entity: {} for entity in ENTITIES}
        self._paths: dict[str, str | None] = {}

    def fail(self, row: Row, column: str | None, message: str) -> None:
        self.issues.append(ImportIssue(row.source, row.number, column, message))
        row.ok = False

    # references ----------------------------------------------------------------------------

    def known(self, entity: str, key: str) -> bool:
        """In this import, or in the database and inside the scope."""
        if key in self.seen[entity]:
            return True
        record = self.existing[entity].get(key)
        return record is not None and self.visible(entity, record)

    def visible(self, entity: str, record) -> bool:
        if self.scope.everything:
            return True
        path = record.path if entity == REGIONS else self.db_path(record.region_code)
        return path is not None and self.scope.covers(path)

    def db_path(self, region_code: str) -> str | None:
        region = self.existing[REGIONS].get(region_code)
        return region.path if region else None

    def region_level(self, code: str) -> str | None:
        if code in self.seen[REGIONS]:
            return self.seen[REGIONS][code].values["level"] or None
        region = self.existing[REGIONS].get(code)
        return region.level if region else None

    def region_parent(self, code: str) -> str:
        row = self.seen[REGIONS].get(code)
        if row is not None:
            return row["parent_code"]
        region = self.existing[REGIONS].get(code)
        return region.parent_code if region else ""

    def final_path(self, code: str, depth: int = 0) -> str | None:
        """The path a region will have after the import (None if that is not known)."""
        if code in self._paths:
            return self._paths[code]
        if depth > len(Level) or not (code in self.seen[REGIONS] or code in self.existing[REGIONS]):
            return None
        parent = self.region_parent(code)
        parent_path = self.final_path(parent, depth + 1) if parent else ""
        path = None if parent_path is None else region_path(parent_path, code)
        self._paths[code] = path
        return path

    def final_attr(self, entity: str, key: str, column: str) -> str:
        row = self.seen[entity].get(key)
        if row is not None:
            return row[column]
        record = self.existing[entity].get(key)
        return getattr(record, column) if record else ""

    def in_scope(self, row: Row, column: str, region_code: str) -> bool:
        if self.scope.everything:
            return True
        path = self.final_path(region_code)
        if path is not None and not self.scope.covers(path):
            self.fail(
                row, column, _("%(code)s lies outside your jurisdiction.") % {"code": region_code}
            )
            return False
        return True

    def require_reference(self, row: Row, column: str, entity: str) -> bool:
        value = row[column]
        if value and not self.known(entity, value):
            self.fail(
                row, column, _("Unknown %(column)s %(value)s.") % {"column": column, "value": value}
            )
            return False
        return bool(value)

    # rows ----------------------------------------------------------------------------------

    def check(self) -> dict[str, dict]:
        for entity in ENTITIES:
            for row in self.rows[entity]:
                self.check_common(entity, row)
        for row in self.rows[REGIONS]:
            self.check_region(row)
        for row in self.rows[UNITS]:
            self.check_unit(row)
        self.check_points()
        for row in self.rows[PEOPLE]:
            self.check_person(row)
        return self.wanted

    def check_common(self, entity: str, row: Row) -> None:
        """Key, name and lengths; register the key so that references to it resolve."""
        key_column = KEY[entity]
        key = row[key_column]
        if not key:
            self.fail(row, key_column, _("Missing %(column)s.") % {"column": key_column})
        elif key in self.seen[entity]:
            first = self.seen[entity][key]
            self.fail(
                row,
                key_column,
                _("Duplicate %(column)s %(value)s (also in %(source)s row %(row)s).")
                % {"column": key_column, "value": key, "source": first.source, "row": first.number},
            )
            return
        else:
            self.seen[entity][key] = row
            record = self.existing[entity].get(key)
            if record is not None and not self.visible(entity, record):
                self.fail(
                    row,
                    key_column,
                    _("%(value)s already exists outside your jurisdiction.") % {"value": key},
                )
        if not row["name"]:
            self.fail(row, "name", _("Missing name."))
        for column, value in row.values.items():
            limit = MAX_LENGTH.get((entity, column))
            if limit and len(value) > limit:
                self.fail(row, column, _("Longer than %(limit)s characters.") % {"limit": limit})
        if entity == REGIONS and "/" in key:
            self.fail(row, "code", _("A code cannot contain “/”."))
        if entity == PEOPLE and key:
            try:
                _validate_username(key)
            except ValidationError:
                self.fail(
                    row,
                    "username",
                    _("A username may hold only letters, digits and @ . + - _"),
                )
        if entity == REGIONS:
            level = LEVEL_ALIASES.get(row["level"]) or row["level"].lower()
            if not row["level"]:
                self.fail(row, "level", _("Missing level."))
            elif level not in Level.values:
                self.fail(
                    row,
                    "level",
                    _("Bad level %(value)s: use city, county, township or village.")
                    % {"value": row["level"]},
                )
                level = ""
            row.values["level"] = level

    def check_region(self, row: Row) -> None:
        code, level, parent = row["code"], row["level"], row["parent_code"]
        if self.seen[REGIONS].get(code) is not row:
            return
        old = self.existing[REGIONS].get(code)
        if not level:
            return
        if old is not None and old.level != level:
            self.fail(
                row,
                "level",
                _("%(code)s is a %(old)s already; a region's level cannot change.")
                % {"code": code, "old": Level(old.level).label},
            )
        kind = KIND_ALIASES.get(row["kind"]) or row["kind"].lower()
        if not kind:
            fits = old is not None and old.kind in KINDS_BY_LEVEL[Level(level)]
            kind = old.kind if fits else DEFAULT_KIND[Level(level)]
        elif kind not in KINDS_BY_LEVEL[Level(level)]:
            allowed = ", ".join(sorted(KINDS_BY_LEVEL[Level(level)]))
            self.fail(
                row,
                "kind",
                _("Kind %(value)s does not fit a %(level)s: use %(allowed)s.")
                % {"value": row["kind"], "level": Level(level).label, "allowed": allowed},
            )
        expected = PARENT_LEVEL.get(Level(level))
        if expected is None:
            if parent:
                self.fail(row, "parent_code", _("A city has no parent."))
        elif not parent:
            self.fail(row, "parent_code", _("Missing parent_code."))
        elif self.require_reference(row, "parent_code", REGIONS):
            parent_level = self.region_level(parent)
            if parent_level and parent_level != expected:
                self.fail(
                    row,
                    "parent_code",
                    _("%(parent)s is a %(found)s; a %(level)s needs a %(expected)s parent.")
                    % {
                        "parent": parent,
                        "found": Level(parent_level).label,
                        "level": Level(level).label,
                        "expected": expected.label,
                    },
                )
        self.in_scope(row, "code", code)
        if row.ok:
            self.wanted[REGIONS][code] = RegionRec(
                old.id if old else None, row["name"], level, kind, parent, ""
            )

    def check_unit(self, row: Row) -> None:
        code, region = row["code"], row["region_code"]
        if self.seen[UNITS].get(code) is not row:
            return
        kind = row["kind"].lower()
        if not kind:
            self.fail(row, "kind", _("Missing kind."))
        elif kind not in UnitKind.values:
            self.fail(
                row,
                "kind",
                _("Bad kind %(value)s: use %(allowed)s.")
                % {"value": row["kind"], "allowed": ", ".join(UnitKind.values)},
            )
        if not region:
            self.fail(row, "region_code", _("Missing region_code."))
        elif self.require_reference(row, "region_code", REGIONS) and kind in UnitKind.values:
            level = self.region_level(region)
            allowed = UNIT_KIND_LEVELS[UnitKind(kind)]
            if level and level not in allowed:
                self.fail(
                    row,
                    "region_code",
                    _("A unit of kind %(kind)s cannot sit at a %(level)s.")
                    % {"kind": kind, "level": Level(level).label},
                )
            self.in_scope(row, "region_code", region)
        if row.ok:
            old = self.existing[UNITS].get(code)
            self.wanted[UNITS][code] = UnitRec(
                old.id if old else None, row["name"], kind, region, row["remit"]
            )

    def check_points(self) -> None:
        # A region holds at most one grid point, counting those that stay as they are.
        holders: dict[str, set[str]] = defaultdict(set)
        for code, point in self.existing[GRID_POINTS].items():
            if code not in self.seen[GRID_POINTS]:
                holders[point.region_code].add(code)
        for code, row in self.seen[GRID_POINTS].items():
            if row["region_code"]:
                holders[row["region_code"]].add(code)
        for row in self.rows[GRID_POINTS]:
            self.check_point(row, holders)

    def check_point(self, row: Row, holders: dict[str, set[str]]) -> None:
        code, region = row["code"], row["region_code"]
        if self.seen[GRID_POINTS].get(code) is not row:
            return
        if not region:
            self.fail(row, "region_code", _("Missing region_code."))
        elif self.require_reference(row, "region_code", REGIONS):
            level = self.region_level(region)
            if level and level not in GRID_POINT_LEVELS:
                self.fail(
                    row, "region_code", _("A grid point must sit at a township or a village.")
                )
            others = sorted(holders[region] - {code})
            if others:
                self.fail(
                    row,
                    "region_code",
                    _("%(region)s already has grid point %(other)s.")
                    % {"region": region, "other": others[0]},
                )
            self.in_scope(row, "region_code", region)
        self.require_reference(row, "head_username", PEOPLE)
        if row.ok:
            old = self.existing[GRID_POINTS].get(code)
            self.wanted[GRID_POINTS][code] = PointRec(
                old.id if old else None, row["name"], region, row["head_username"]
            )

    def check_person(self, row: Row) -> None:
        username = row["username"]
        if self.seen[PEOPLE].get(username) is not row:
            return
        role = row["role"].lower()
        region = row["region_code"]
        if not role:
            self.fail(row, "role", _("Missing role."))
        elif role not in Role.values:
            self.fail(
                row,
                "role",
                _("Bad role %(value)s: use %(allowed)s.")
                % {"value": row["role"], "allowed": ", ".join(Role.values)},
            )
            role = ""
        region_known = self.require_reference(row, "region_code", REGIONS)
        point_known = self.require_reference(row, "grid_point_code", GRID_POINTS)
        unit_known = self.require_reference(row, "unit_code", UNITS)
        derived, derived_from = "", ""
        needs_source = role in GRID_POINT_ROLES or role == Role.UNIT_LIAISON
        if role in GRID_POINT_ROLES:
            if not row["grid_point_code"]:
                self.fail(
                    row,
                    "grid_point_code",
                    _("A %(role)s needs a grid_point_code.") % {"role": Role(role).label},
                )
            elif point_known:
                derived = self.final_attr(GRID_POINTS, row["grid_point_code"], "region_code")
                derived_from = "grid_point_code"
        elif role == Role.UNIT_LIAISON:
            if not row["unit_code"]:
                self.fail(row, "unit_code", _("A unit liaison needs a unit_code."))
            elif unit_known:
                derived = self.final_attr(UNITS, row["unit_code"], "region_code")
                derived_from = "unit_code"
        if derived:
            if region and region_known and region != derived:
                self.fail(
                    row,
                    "region_code",
                    _("Region %(region)s does not match the region %(derived)s of %(column)s.")
                    % {"region": region, "derived": derived, "column": derived_from},
                )
            region = region or derived
        elif not region and role and not needs_source:
            self.fail(row, "region_code", _("Missing region_code."))
        level = self.region_level(region) if region else None
        allowed = ROLE_LEVELS.get(Role(role)) if role else None
        if level and allowed and level not in allowed:
            self.fail(
                row,
                "region_code",
                _("A %(role)s belongs to a %(allowed)s, not a %(level)s.")
                % {
                    "role": Role(role).label,
                    "allowed": " / ".join(str(Level(a).label) for a in sorted(allowed)),
                    "level": Level(level).label,
                },
            )
        if region and level:
            self.in_scope(row, "region_code", region)
        if row.ok:
            old = self.existing[PEOPLE].get(username)
            self.wanted[PEOPLE][username] = PersonRec(
                old.id if old else None,
                row["name"],
                role,
                region,
                row["grid_point_code"],
                row["unit_code"],
                row["phone"],
            )
