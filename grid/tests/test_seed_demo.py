"""``seed_demo``: a realistic Yangzhou with working demo logins, the same rows on every run."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from grid.demo.plan import DEMO_PASSWORD, city_plan, province_plan
from grid.models import (
    GRID_POINT_ROLES,
    ROLE_LEVELS,
    GridPoint,
    Level,
    Region,
    RegionKind,
    Role,
    Unit,
    UnitKind,
    User,
)

pytestmark = pytest.mark.django_db

COUNTIES = {
    "321002000000": ("广陵区", RegionKind.DISTRICT),
    "321003000000": ("邗江区", RegionKind.DISTRICT),
    "321012000000": ("江都区", RegionKind.DISTRICT),
    "321023000000": ("宝应县", RegionKind.COUNTY),
    "321081000000": ("仪征市", RegionKind.COUNTY_CITY),
    "321084000000": ("高邮市", RegionKind.COUNTY_CITY),
    "321071000000": ("扬州经济技术开发区", RegionKind.FUNCTION_ZONE),
    "321072000000": ("扬州市生态科技新城", RegionKind.FUNCTION_ZONE),
    "321073000000": ("蜀冈-瘦西湖风景名胜区", RegionKind.FUNCTION_ZONE),
}
HANJIANG, JIANGDU = "321003000000", "321012000000"


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    """PBKDF2 is slow on purpose; the tests only need passwords to check out."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--grid-only", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every seeded row, as values, to compare runs."""
    return {
        "regions": sorted(Region.objects.values_list("code", "name", "level", "kind", "path")),
        "points": sorted(GridPoint.objects.values_list("code", "name", "region_id", "head_id")),
        "units": sorted(Unit.objects.values_list("code", "name", "kind", "region_id", "remit")),
        "people": sorted(
            User.objects.values_list(
                "username", "name", "role", "region_id", "grid_point_id", "unit_id", "password"
            )
        ),
    }


def test_yangzhou_has_its_real_counties_and_function_zones():
    seed()
    city = Region.objects.get(level=Level.CITY)
    assert (city.code, city.name) == ("321000000000", "扬州市")
    counties = {r.code: (r.name, r.kind) for r in Region.objects.filter(level=Level.COUNTY)}
    assert counties == COUNTIES
    assert set(Region.objects.filter(level=Level.COUNTY).values_list("parent", flat=True)) == {
        city.pk
    }


def test_townships_carry_real_names_kinds_and_codes_under_their_county():
    seed()
    townships = {r.name: r for r in Region.objects.filter(level=Level.TOWNSHIP)}
    assert 70 <= len(townships) <= 90
    assert townships["瓜洲镇"].kind == RegionKind.TOWN
    assert townships["邗上街道"].kind == RegionKind.SUBDISTRICT
    assert townships["菱塘回族乡"].kind == RegionKind.XIANG
    assert townships["仙女镇"].path.startswith(Region.objects.get(code=JIANGDU).path)
    assert townships["文汇街道"].parent.code == "321071000000"
    for township in townships.values():
        assert re.fullmatch(r"\d{9}000", township.code)
        assert township.path == f"{township.parent.path}{township.code}/"
        assert township.code[:6] == township.parent.code[:6]


def test_about_a_thousand_villages_each_with_a_grid_point():
    seed()
    villages = list(Region.objects.filter(level=Level.VILLAGE).select_related("parent"))
    assert 900 <= len(villages) <= 1100
    assert {v.kind for v in villages} == {RegionKind.VILLAGE, RegionKind.COMMUNITY}
    for village in villages:
        assert village.code[:9] == village.parent.code[:9]
        assert village.path == f"{village.parent.path}{village.code}/"
        suffix = "社区" if village.kind == RegionKind.COMMUNITY else "村"
        assert village.name.endswith(suffix)
    # Communities sit mostly under street offices.
    offices = Region.objects.filter(level=Level.VILLAGE, parent__kind=RegionKind.SUBDISTRICT)
    assert offices.filter(kind=RegionKind.COMMUNITY).count() > offices.count() / 2
    points = {p.region_id: p for p in GridPoint.objects.select_related("region")}
    for region in Region.objects.filter(level__in=[Level.TOWNSHIP, Level.VILLAGE]):
        point = points.pop(region.pk)
        assert point.code == f"GP{region.code}"
        assert point.name == f"{region.name}网格信息点"
    assert points == {}


def test_units_cover_the_city_every_county_and_every_township():
    seed()
    city_units = dict(Unit.objects.filter(region__level=Level.CITY).values_list("name", "kind"))
    assert city_units["市住房城乡建设局"] == UnitKind.DEPARTMENT
    assert city_units["市委网信办"] == UnitKind.PLATFORM
    assert city_units["市应急指挥中心"] == UnitKind.EMERGENCY
    assert {"市公安局", "市卫生健康委", "市教育局", "市城管局"} <= set(city_units)
    for county in Region.objects.filter(level=Level.COUNTY):
        kinds = list(county.units.values_list("kind", flat=True))
        assert kinds.count(UnitKind.PLATFORM) == 1
        assert kinds.count(UnitKind.DEPARTMENT) >= 4
    assert Unit.objects.filter(kind=UnitKind.TOWNSHIP).count() == (
        Region.objects.filter(level=Level.TOWNSHIP).count()
    )
    assert (
        not Unit.objects.filter(kind=UnitKind.TOWNSHIP)
        .exclude(region__level=Level.TOWNSHIP)
        .exists()
    )
    assert not Unit.objects.filter(remit="").exists()


def test_every_demo_login_authenticates_with_its_role_and_home_node():
    seed()
    request = RequestFactory().post("/accounts/login/")
    hanjiang = Region.objects.get(code=HANJIANG)
    expected = {
        "demo-informant": Role.INFORMANT,
        "demo-county-admin": Role.COUNTY_ADMIN,
        "demo-county-admin-2": Role.COUNTY_ADMIN,
        "demo-unit": Role.UNIT_LIAISON,
        "demo-duty-officer": Role.DUTY_OFFICER,
        "demo-leader": Role.LEADER,
        "demo-county-leader": Role.LEADER,
        "demo-admin": Role.SYS_ADMIN,
    }
    users = {}
    for username, role in expected.items():
        user = authenticate(request, username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert user.role == role
        users[username] = user

    informant = users["demo-informant"]
    assert informant.region.level == Level.VILLAGE
    assert informant.region.is_within(hanjiang)
    assert informant.grid_point.region == informant.region
    assert informant.grid_point.head is not None
    assert users["demo-county-admin"].region == hanjiang
    assert users["demo-county-admin-2"].region.code == JIANGDU
    assert not users["demo-county-admin-2"].region.is_within(hanjiang)
    assert users["demo-unit"].unit.name == "市住房城乡建设局"
    assert users["demo-county-leader"].region == hanjiang
    for username in ("demo-duty-officer", "demo-leader", "demo-admin"):
        assert users[username].region.level == Level.CITY
    admin = users["demo-admin"]
    assert admin.is_staff
    assert not admin.is_superuser


def test_generated_people_fit_their_roles_and_cannot_log_in():
    seed()
    people = User.objects.exclude(username__startswith="demo-").select_related(
        "region", "grid_point", "unit"
    )
    assert 300 <= len(people) <= 1000
    roles = {p.role for p in people}
    assert roles >= {Role.GRID_HEAD, Role.INFORMANT, Role.COUNTY_ADMIN, Role.UNIT_LIAISON}
    for person in people:
        assert not person.has_usable_password()
        assert re.fullmatch(r"138-0000-\d{4}", person.phone)
        assert 2 <= len(person.name) <= 3
        if person.role in ROLE_LEVELS:
            assert person.region.level in ROLE_LEVELS[person.role]
        if person.role in GRID_POINT_ROLES:
            assert person.grid_point.region_id == person.region_id
        if person.role == Role.UNIT_LIAISON:
            assert person.unit.region_id == person.region_id
    # Every county has admins and a leader; every township unit and city department a liaison.
    for county in Region.objects.filter(level=Level.COUNTY):
        assert county.people.filter(role=Role.COUNTY_ADMIN).exists()
        assert county.people.filter(role=Role.LEADER).exists()
    assert not Unit.objects.filter(kind=UnitKind.TOWNSHIP, liaisons__isnull=True).exists()
    assert not Unit.objects.filter(region__level=Level.CITY, liaisons__isnull=True).exists()
    # Heads of the points that have people are set.
    assert not GridPoint.objects.filter(members__role=Role.GRID_HEAD, head__isnull=True).exists()


def test_second_run_writes_nothing(django_assert_max_num_queries):
    seed()
    before = snapshot()
    with django_assert_max_num_queries(8):
        out = seed()
    assert "nothing to do" in out
    assert snapshot() == before


def test_a_changed_demo_password_is_set_back_and_nothing_else_changes():
    seed()
    leader = User.objects.get(username="demo-leader")
    leader.set_password("something-else")
    leader.save()
    before = snapshot()

    seed()

    leader.refresh_from_db()
    assert leader.check_password(DEMO_PASSWORD)
    after = snapshot()
    changed = set(after["people"]) ^ set(before["people"])
    assert {row[0] for row in changed} == {"demo-leader"}
    assert after["regions"] == before["regions"]


def test_plans_are_deterministic_and_the_province_contains_the_city():
    city = city_plan()
    assert city == city_plan()
    province = province_plan(cities=2, townships_per_county=2)
    assert province == province_plan(cities=2, townships_per_county=2)
    full_city_regions = {r.code: r for r in city.regions}
    for region in province.regions:
        if region.code in full_city_regions:
            assert full_city_regions[region.code] == region


def test_small_province_seeds_generated_cities_and_staffs_every_point():
    # given the demo city already there
    seed()
    city_rows = snapshot()["regions"]

    # when a small province is seeded over it (two cities, one township per county)
    seed("--scale", "province", "--cities", "2", "--townships-per-county", "1")

    # then the city's rows are untouched and a generated city was added
    assert set(city_rows) <= set(snapshot()["regions"])
    cities = Region.objects.filter(level=Level.CITY)
    assert cities.count() == 2
    generated = cities.exclude(code="321000000000").get()
    assert generated.code.endswith("00000000")
    counties = Region.objects.filter(parent=generated)
    assert 7 <= counties.count() <= 13
    assert counties.filter(kind=RegionKind.FUNCTION_ZONE).exists()
    assert Region.objects.filter(parent__in=counties).count() == counties.count()
    villages = Region.objects.subtree(generated).filter(level=Level.VILLAGE)
    assert villages.count() >= 10 * counties.count()
    points = GridPoint.objects.filter(region__in=villages)
    assert points.count() == villages.count()
    assert not points.filter(head__isnull=True).exists()
    assert User.objects.filter(grid_point__in=points).count() == 3 * points.count()
    assert not User.objects.filter(
        region__path__startswith=generated.path, username__startswith="demo-"
    ).exists()

    # and seeding it again writes nothing
    before = snapshot()
    out = seed("--scale", "province", "--cities", "2", "--townships-per-county", "1")
    assert "nothing to do" in out
    assert snapshot() == before


def test_other_apps_demo_hooks_run_unless_grid_only(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "grid.management.commands.seed_demo.demo_hooks",
        lambda: [lambda *, scale, log: calls.append(scale)],
    )
    call_command("seed_demo", "--grid-only", stdout=StringIO())
    assert calls == []
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert calls == ["city"]
    assert "demo-county-admin-2" in out.getvalue()
