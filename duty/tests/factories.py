"""A cast for duty tests: a grid point with its head and members, the city platform with its
duty officers, leaders, and a system admin."""

from __future__ import annotations

from dataclasses import dataclass

from grid.models import GridPoint, Role, Unit, UnitKind, User
from grid.tests.factories import City, UnitFactory, UserFactory


@dataclass
class Crew:
    city: City
    point: GridPoint
    head: User
    members: list[User]  # informants of the point (the head is not one of them)
    other_point: GridPoint
    stranger: User  # an informant of the other point
    platform: Unit
    officers: list[User]
    leader: User  # a city leader
    county_leader: User
    admin: User


def make_crew(city: City) -> Crew:
    point = city.grid_points[0]
    head = UserFactory(role=Role.GRID_HEAD, region=point.region, grid_point=point, name="负责人")
    point.head = head
    point.save(update_fields=["head"])
    members = [city.informant(0, name=f"信息员{i}") for i in range(3)]
    platform = UnitFactory(
        code="WX-CITY", name="市委网信办", kind=UnitKind.PLATFORM, region=city.city
    )
    officers = [city.city_user(Role.DUTY_OFFICER, name=f"值班员{i}") for i in range(3)]
    return Crew(
        city=city,
        point=point,
        head=head,
        members=members,
        other_point=city.grid_points[4],
        stranger=city.informant(4, name="外人"),
        platform=platform,
        officers=officers,
        leader=city.city_user(Role.LEADER, name="市领导"),
        county_leader=UserFactory(role=Role.LEADER, region=city.counties[0], name="区领导"),
        admin=city.city_user(Role.SYS_ADMIN, name="管理员"),
    )
