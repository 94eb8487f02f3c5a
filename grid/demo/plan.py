"""A plan of demo rows keyed by code: the demo city or the benchmark province, same every run.

Every random choice is drawn from a generator seeded by the code of the node it concerns (a
string seed is hashed with SHA-512, so it does not depend on ``PYTHONHASHSEED``). A node's
villages and its people are therefore the same whatever else is planned, and the province
(which staffs every grid point and gives townships more villages) contains the demo city.

Codes: a township is its county's six digits, three digits and ``000`` (street offices from
001, towns from 100, xiangs from 200); a village is its township's nine digits and three
digits (communities from 001, villages from 201). A grid point is ``GP`` and its region's code.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field

from grid.demo import names
from grid.models import Level, RegionKind, Role, UnitKind, region_path

DEMO_PASSWORD = "demo12345"  # noqa: S105 - the published password of the demo logins

CITY, PROVINCE = "city", "province"
SCALES = (CITY, PROVINCE)


@dataclass(frozen=True)
class Scale:
    """How densely a scale fills the grid."""

    name: str
    # Township kind → (min, max) communities and villages; the province's bounds are never
    # below the city's.
    communities: dict[str, tuple[int, int]]
    villages: dict[str, tuple[int, int]]
    staffed_share: float  # share of village grid points with people
    full_staff: bool  # two informants at every staffed point (else one or two)


SCALE = {
    CITY: Scale(
        CITY,
        communities={
            RegionKind.SUBDISTRICT: (8, 12),
            RegionKind.TOWN: (1, 3),
            RegionKind.XIANG: (0, 1),
        },
        villages={
            RegionKind.SUBDISTRICT: (0, 3),
            RegionKind.TOWN: (9, 13),
            RegionKind.XIANG: (8, 11),
        },
        staffed_share=0.12,
        full_staff=False,
    ),
    PROVINCE: Scale(
        PROVINCE,
        communities={
            RegionKind.SUBDISTRICT: (10, 15),
            RegionKind.TOWN: (2, 4),
            RegionKind.XIANG: (0, 2),
        },
        villages={
            RegionKind.SUBDISTRICT: (0, 4),
            RegionKind.TOWN: (10, 14),
            RegionKind.XIANG: (10, 14),
        },
        staffed_share=1.0,
        full_staff=True,
    ),
}

SUFFIX_KIND = (("街道", RegionKind.SUBDISTRICT), ("乡", RegionKind.XIANG), ("镇", RegionKind.TOWN))
TOWNSHIP_FIRST_NUMBER = {RegionKind.SUBDISTRICT: 1, RegionKind.TOWN: 100, RegionKind.XIANG: 200}
DISTRICT_LIKE = {RegionKind.DISTRICT, RegionKind.FUNCTION_ZONE}


@dataclass(frozen=True)
class RegionSpec:
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    path: str


@dataclass(frozen=True)
class PointSpec:
    code: str
    name: str
    region_code: str
    head: str | None  # username of the person in charge


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    region_code: str
    remit: str


@dataclass(frozen=True)
class PersonSpec:
    username: str
    name: str
    role: str
    region_code: str
    point_code: str | None = None  # the grid point of ``region_code``, for grid roles
    unit_code: str | None = None
    phone: str = ""
    is_staff: bool = False
    demo: bool = False  # a published demo login (password ``DEMO_PASSWORD``)


@dataclass
class Plan:
    """Everything one run should make sure exists, parents before children."""

    regions: list[RegionSpec] = field(default_factory=list)
    points: list[PointSpec] = field(default_factory=list)
    units: list[UnitSpec] = field(default_factory=list)
    people: list[PersonSpec] = field(default_factory=list)

    @property
    def demo_logins(self) -> list[PersonSpec]:
        return [p for p in self.people if p.demo]


def city_plan() -> Plan:
    """Yangzhou with its real districts and townships: ~80 townships, ~1,000 villages."""
    builder = _Builder(SCALE[CITY])
    builder.yangzhou()
    return builder.plan


def province_plan(*, cities: int = 10, townships_per_county: int | None = None) -> Plan:
    """Yangzhou plus ``cities - 1`` generated cities at province density (~15,000 villages).

    ``townships_per_county`` keeps only the first townships of each county (a small province
    for tests); the rows kept are the same as in the full plan.
    """
    builder = _Builder(SCALE[PROVINCE], townships_per_county=townships_per_county)
    builder.yangzhou()
    for index, city_name in enumerate(names.GENERATED_CITIES[: max(cities - 1, 0)]):
        builder.generated_city(f"32{81 + index}00000000", city_name)
    return builder.plan


def fake_phone(username: str) -> str:
    """An obviously fake phone number, stable for a username."""
    return f"138-0000-{zlib.crc32(username.encode()) % 10000:04d}"


def person_name(rng: random.Random) -> str:
    """A plausible Chinese name: a surname and one or two given-name characters."""
    given = "".join(rng.sample(names.GIVEN, rng.choice((1, 2, 2))))
    return rng.choice(names.SURNAMES) + given


def township_kind(name: str) -> str:
    """Street office, xiang or town, from the name's suffix."""
    for suffix, kind in SUFFIX_KIND:
        if name.endswith(suffix):
            return kind
    return RegionKind.TOWN


def _unique_names(rng: random.Random, first: list[str], second: list[str], suffix: str):
    """An endless stream of distinct two-syllable names ending in ``suffix``."""
    seen: set[str] = set()
    while True:
        a, b = rng.choice(first), rng.choice(second)
        if a == b:
            continue
        name = f"{a}{b}{suffix}"
        if name not in seen:
            seen.add(name)
            yield name


class _Builder:
    """Accumulates a plan; one method per kind of node."""

    def __init__(self, scale: Scale, townships_per_county: int | None = None):
        self.scale = scale
        self.townships_per_county = townships_per_county
        self.plan = Plan()
        self.paths: dict[str, str] = {}

    # --- regions -------------------------------------------------------------------------
    def region(self, code: str, name: str, level: str, kind: str, parent: str | None) -> str:
        path = region_path(self.paths[parent] if parent else "", code)
        self.paths[code] = path
        self.plan.regions.append(RegionSpec(code, name, level, kind, parent, path))
        return code

    def yangzhou(self) -> None:
        city = self.region(names.CITY_CODE, names.CITY_NAME, Level.CITY, RegionKind.CITY, None)
        self.city_units(city, demo=True)
        demo_region = None
        for county_code, county_name, kind, township_names in names.YANGZHOU:
            county = self.region(f"{county_code}000000", county_name, Level.COUNTY, kind, city)
            self.county_units(county, county_name, kind)
            kept = township_names[: self.townships_per_county]
            kinds = [township_kind(name) for name in kept]
            # The demo informant's village: in 邗江区's first town (or first township kept).
            demo_at = None
            if county_name == "邗江区":
                demo_at = kinds.index(RegionKind.TOWN) if RegionKind.TOWN in kinds else 0
            numbers = dict(TOWNSHIP_FIRST_NUMBER)
            for i, (township_name, t_kind) in enumerate(zip(kept, kinds, strict=True)):
                code = f"{county_code}{numbers[t_kind]:03d}000"
                numbers[t_kind] += 1
                chosen = self.township(code, township_name, t_kind, county, demo=i == demo_at)
                demo_region = demo_region or chosen
        self.demo_logins(city, demo_region)

    def generated_city(self, code: str, name: str) -> None:
        rng = random.Random(f"city:{code}")
        city = self.region(code, name, Level.CITY, RegionKind.CITY, None)
        self.city_units(city, demo=False)
        short = name.removesuffix("市")
        county_names = _unique_names(rng, names.PLACE_FIRST, names.PLACE_SECOND, "")
        township_names = _unique_names(rng, names.PLACE_FIRST, names.PLACE_SECOND, "")
        counties = (
            [(2 + i, RegionKind.DISTRICT, "区") for i in range(rng.randint(3, 5))]
            + [(21 + i, RegionKind.COUNTY, "县") for i in range(rng.randint(2, 3))]
            + [(81 + i, RegionKind.COUNTY_CITY, "市") for i in range(rng.randint(1, 3))]
        )
        zones = ["经济技术开发区", "高新技术产业开发区"][: rng.randint(1, 2)]
        counties += [(71 + i, RegionKind.FUNCTION_ZONE, zone) for i, zone in enumerate(zones)]
        for number, kind, suffix in counties:
            county_name = (
                f"{short}{suffix}"
                if kind == RegionKind.FUNCTION_ZONE
                else f"{next(county_names)}{suffix}"
            )
            county = self.region(
                f"{code[:4]}{number:02d}000000", county_name, Level.COUNTY, kind, city
            )
            self.county_units(county, county_name, kind)
            size = {
                RegionKind.DISTRICT: (7, 11),
                RegionKind.FUNCTION_ZONE: (3, 6),
            }.get(kind, (12, 16))
            how_many = rng.randint(*size)
            kinds = _township_kinds(kind, how_many, rng)
            numbers = dict(TOWNSHIP_FIRST_NUMBER)
            planned = []
            for t_kind in kinds:
                suffix = {RegionKind.SUBDISTRICT: "街道", RegionKind.XIANG: "乡"}.get(t_kind, "镇")
                planned.append((f"{next(township_names)}{suffix}", t_kind, numbers[t_kind]))
                numbers[t_kind] += 1
            for t_name, t_kind, number in planned[: self.townships_per_county]:
                self.township(f"{county[:6]}{number:03d}000", t_name, t_kind, county)

    def township(
        self, code: str, name: str, kind: str, county: str, *, demo: bool = False
    ) -> str | None:
        """A township, its unit, grid point and villages; with ``demo``, the demo village."""
        self.region(code, name, Level.TOWNSHIP, kind, county)
        unit = f"{code}-ZF"
        office = "办事处" if kind == RegionKind.SUBDISTRICT else "人民政府"
        self.plan.units.append(
            UnitSpec(unit, f"{name}{office}", UnitKind.TOWNSHIP, code, names.TOWNSHIP_REMIT)
        )
        self.liaison(unit, code, random.Random(f"liaison:{unit}"))
        self.point(code, name, staffed=True)
        # One draw per township for both scales, so the province's counts are never below
        # the city's (its ranges are not) and the province contains the demo city.
        count_rng = random.Random(f"count:{code}")
        n_communities = _spread(count_rng.random(), self.scale.communities[kind])
        n_villages = _spread(count_rng.random(), self.scale.villages[kind])
        prefix = code[:9]
        stream = _unique_names(
            random.Random(f"communities:{code}"),
            names.COMMUNITY_FIRST,
            names.COMMUNITY_SECOND,
            "社区",
        )
        made = [
            (f"{prefix}{1 + i:03d}", next(stream), RegionKind.COMMUNITY)
            for i in range(n_communities)
        ]
        stream = _unique_names(
            random.Random(f"villages:{code}"), names.VILLAGE_FIRST, names.VILLAGE_SECOND, "村"
        )
        made += [
            (f"{prefix}{201 + i:03d}", next(stream), RegionKind.VILLAGE) for i in range(n_villages)
        ]
        chosen = None
        if demo:
            # The first village (the first community in a street office without villages).
            villages = [c for c, _, k in made if k == RegionKind.VILLAGE]
            chosen = (villages or [c for c, _, _ in made] or [code])[0]
        for v_code, v_name, v_kind in made:
            self.region(v_code, v_name, Level.VILLAGE, v_kind, code)
        for v_code, v_name, _ in made:
            self.point(v_code, v_name, staffed=v_code == chosen)
        return chosen

    # --- grid points and their people -----------------------------------------------------
    def point(self, region_code: str, region_name: str, *, staffed: bool) -> None:
        """The grid point of a region and, for a staffed one, its head and informants."""
        code = f"GP{region_code}"
        rng = random.Random(f"staff:{code}")
        # Always draw the same values in the same order, whatever the scale keeps.
        draw = rng.random()
        informants = rng.choice((1, 2))
        second_role = rng.choice((Role.INFORMANT, Role.VOLUNTEER))
        people_names = [person_name(rng) for _ in range(3)]
        keep = staffed or draw < self.scale.staffed_share
        if self.scale.full_staff:
            informants = 2
        head = f"gh-{region_code}" if keep else None
        self.plan.points.append(PointSpec(code, f"{region_name}网格信息点", region_code, head))
        if not keep:
            return
        people = [(head, people_names[0], Role.GRID_HEAD)]
        roles = [Role.INFORMANT, second_role][:informants]
        for k, role in enumerate(roles, start=1):
            people.append((f"gi-{region_code}-{k}", people_names[k], role))
        for username, name, role in people:
            self.plan.people.append(
                PersonSpec(
                    username, name, role, region_code, point_code=code, phone=fake_phone(username)
                )
            )

    # --- units and office people ----------------------------------------------------------
    def person(self, username: str, role: str, region: str, rng: random.Random, **kw) -> None:
        self.plan.people.append(
            PersonSpec(username, person_name(rng), role, region, phone=fake_phone(username), **kw)
        )

    def liaison(self, unit_code: str, region_code: str, rng: random.Random) -> None:
        username = f"ul-{unit_code}".lower()
        self.person(username, Role.UNIT_LIAISON, region_code, rng, unit_code=unit_code)

    def city_units(self, city: str, *, demo: bool) -> None:
        rng = random.Random(f"city-people:{city}")
        for suffix, name, kind, remit in names.CITY_UNITS:
            unit = f"{city}-{suffix}"
            self.plan.units.append(UnitSpec(unit, name, kind, city, remit))
            self.liaison(unit, city, rng)
        for k in range(1, 4):
            self.person(f"do-{city}-{k}", Role.DUTY_OFFICER, city, rng)
        for k in range(1, 3):
            self.person(f"ld-{city}-{k}", Role.LEADER, city, rng)
        self.person(f"sa-{city}-1", Role.SYS_ADMIN, city, rng, is_staff=True)

    def county_units(self, county: str, county_name: str, kind: str) -> None:
        rng = random.Random(f"county-people:{county}")
        for suffix, name, unit_kind, remit, staffed in names.COUNTY_UNITS:
            if suffix == "GA" and kind in DISTRICT_LIKE:
                name = "公安分局"
            unit = f"{county}-{suffix}"
            self.plan.units.append(UnitSpec(unit, f"{county_name}{name}", unit_kind, county, remit))
            if staffed:
                self.liaison(unit, county, rng)
        for k in range(1, 3):
            self.person(f"ca-{county}-{k}", Role.COUNTY_ADMIN, county, rng)
        self.person(f"ld-{county}-1", Role.LEADER, county, rng)

    def demo_logins(self, city: str, village: str | None) -> None:
        """The published demo logins (see the README)."""
        hanjiang, jiangdu = "321003000000", "321012000000"
        rng = random.Random("demo-logins")
        logins = [
            ("demo-county-admin", Role.COUNTY_ADMIN, hanjiang, {}),
            ("demo-county-admin-2", Role.COUNTY_ADMIN, jiangdu, {}),
            (
                "demo-unit",
                Role.UNIT_LIAISON,
                city,
                {"unit_code": f"{city}-{names.DEMO_UNIT_SUFFIX}"},
            ),
            ("demo-duty-officer", Role.DUTY_OFFICER, city, {}),
            ("demo-leader", Role.LEADER, city, {}),
            ("demo-county-leader", Role.LEADER, hanjiang, {}),
            ("demo-admin", Role.SYS_ADMIN, city, {"is_staff": True}),
        ]
        if village is not None:
            logins.insert(
                0, ("demo-informant", Role.INFORMANT, village, {"point_code": f"GP{village}"})
            )
        for username, role, region, extra in logins:
            self.plan.people.append(
                PersonSpec(
                    username,
                    person_name(rng),
                    role,
                    region,
                    phone=fake_phone(username),
                    demo=True,
                    **extra,
                )
            )


def _spread(u: float, bounds: tuple[int, int]) -> int:
    """An integer in ``bounds`` (inclusive) from a uniform draw ``u``, monotone in the bounds."""
    low, high = bounds
    return low + int(u * (high - low + 1))


def _township_kinds(county_kind: str, how_many: int, rng: random.Random) -> list[str]:
    """Street offices first in districts and zones, towns elsewhere, the odd xiang."""
    if county_kind in DISTRICT_LIKE:
        offices = rng.randint(how_many // 2, how_many - 1)
    else:
        offices = rng.randint(1, 2)
    xiangs = rng.randint(0, 1) if how_many - offices > 2 else 0
    return (
        [RegionKind.SUBDISTRICT] * offices
        + [RegionKind.TOWN] * (how_many - offices - xiangs)
        + [RegionKind.XIANG] * xiangs
    )
