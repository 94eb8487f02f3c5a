"""factory_boy factories for the grid. ``make_city()`` builds a small, complete tree."""

from __future__ import annotations

from dataclasses import dataclass

import factory

from grid.models import (
    ApiToken,
    GridPoint,
    Level,
    Region,
    RegionKind,
    Role,
    Unit,
    UnitKind,
    User,
    region_path,
)
from grid.services import api_token_create

DEMO_PASSWORD = "demo12345"


class RegionFactory(factory.django.DjangoModelFactory):
    """A city by default; pass ``parent=`` (and ``level=``) for lower nodes."""

    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"{990000000000 + n}")
    name = factory.Sequence(lambda n: f"地区{n}")
    level = Level.CITY
    kind = factory.LazyAttribute(
        lambda o: {
            Level.CITY: RegionKind.CITY,
            Level.COUNTY: RegionKind.DISTRICT,
            Level.TOWNSHIP: RegionKind.TOWN,
            Level.VILLAGE: RegionKind.VILLAGE,
        }[o.level]
    )
    parent = None
    path = factory.LazyAttribute(lambda o: region_path(o.parent.path if o.parent else "", o.code))


class GridPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GridPoint

    code = factory.Sequence(lambda n: f"GP{n:06d}")
    name = factory.LazyAttribute(lambda o: f"{o.region.name}网格信息点")
    region = factory.SubFactory(RegionFactory)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"单位{n}")
    kind = UnitKind.DEPARTMENT
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.LEADER
    region = factory.SubFactory(RegionFactory)
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def api_token_for(user: User, *, label: str = "test", used: bool = True) -> str:
    """The key of a new API token of ``user``, as a program holds after signing in.

    ``used``: the token counts as used a moment ago, as one in use is; its last use is then
    not written on the test's first request (grid.auth writes it at most once a minute), so
    pinned query counts hold what every request of a busy client costs.
    """
    token, key = api_token_create(user=user, label=label)
    if used:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.created_at)
    return key


@dataclass
class City:
    """A small city: two counties, each with two townships of two villages each."""

    city: Region
    counties: list[Region]
    townships: list[Region]
    villages: list[Region]
    grid_points: list[GridPoint]
    units: list[Unit]

    def county_admin(self, county_index: int = 0, **kw) -> User:
        return UserFactory(role=Role.COUNTY_ADMIN, region=self.counties[county_index], **kw)

    def informant(self, village_index: int = 0, **kw) -> User:
        point = self.grid_points[village_index]
        return UserFactory(role=Role.INFORMANT, region=point.region, grid_point=point, **kw)

    def city_user(self, role: str = Role.DUTY_OFFICER, **kw) -> User:
        return UserFactory(role=role, region=self.city, **kw)


def make_city(prefix: str = "3210") -> City:
    """Build a city whose division codes start with ``prefix`` (4 digits)."""
    city = RegionFactory(code=f"{prefix}00000000", name="测试市", level=Level.CITY)
    counties, townships, villages, points, units = [], [], [], [], []
    for c in range(2):
        county = RegionFactory(
            code=f"{prefix}{c + 1:02d}000000", name=f"第{c + 1}区", level=Level.COUNTY, parent=city
        )
        counties.append(county)
        units.append(
            UnitFactory(code=f"{prefix}-C{c}-PUB", name=f"第{c + 1}区公安分局", region=county)
        )
        for t in range(2):
            township = RegionFactory(
                code=f"{county.code[:6]}{t + 1:03d}000",
                name=f"第{c + 1}区{t + 1}镇",
                level=Level.TOWNSHIP,
                parent=county,
            )
            townships.append(township)
            units.append(
                UnitFactory(
                    code=f"{prefix}-T{c}{t}",
                    name=f"{township.name}政府",
                    kind=UnitKind.TOWNSHIP,
                    region=township,
                )
            )
            for v in range(2):
                village = RegionFactory(
                    code=f"{township.code[:9]}{v + 1:03d}",
                    name=f"{township.name}{v + 1}村",
                    level=Level.VILLAGE,
                    parent=township,
                )
                villages.append(village)
                points.append(GridPointFactory(code=f"GP{village.code}", region=village))
    units.append(
        UnitFactory(code=f"{prefix}-EMG", name="应急指挥中心", kind=UnitKind.EMERGENCY, region=city)
    )
    return City(city, counties, townships, villages, points, units)
