"""Demo people for the browser tests: one log-in per role on a small city (password demo12345).

Imported by the browser tests (their folder is on sys.path under pytest's default import mode)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from grid.models import Role
from grid.tests.factories import DEMO_PASSWORD, City, UserFactory, make_city

# username -> the role's home page test id
DEMO_HOMES = {
    "demo-informant": "home-informant",
    "demo-county-admin": "home-county_admin",
    "demo-county-admin-2": "home-county_admin",
    "demo-unit": "home-unit_liaison",
    "demo-duty-officer": "home-duty_officer",
    "demo-leader": "home-leader",
    "demo-county-leader": "home-leader",
    "demo-admin": "home-sys_admin",
}


@dataclass
class Demo:
    city: City
    users: dict


@pytest.fixture
def demo_users(transactional_db, settings) -> Demo:
    """The demo city with one person per role, a grid point head and a few members."""
    # Live-server threads read the same settings: a fast hasher keeps log-ins quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    city = make_city()
    point = city.grid_points[0]
    unit = city.units[0]
    users = {
        "demo-informant": UserFactory(
            username="demo-informant",
            name="王小明",
            role=Role.INFORMANT,
            region=point.region,
            grid_point=point,
        ),
        "demo-county-admin": UserFactory(
            username="demo-county-admin",
            name="李县管",
            role=Role.COUNTY_ADMIN,
            region=city.counties[0],
        ),
        "demo-county-admin-2": UserFactory(
            username="demo-county-admin-2",
            name="周县管",
            role=Role.COUNTY_ADMIN,
            region=city.counties[1],
        ),
        "demo-unit": UserFactory(
            username="demo-unit",
            name="陈联络",
            role=Role.UNIT_LIAISON,
            region=unit.region,
            unit=unit,
        ),
        "demo-duty-officer": UserFactory(
            username="demo-duty-officer", name="刘值班", role=Role.DUTY_OFFICER, region=city.city
        ),
        "demo-leader": UserFactory(
            username="demo-leader", name="孙市领导", role=Role.LEADER, region=city.city
        ),
        "demo-county-leader": UserFactory(
            username="demo-county-leader",
            name="吴区领导",
            role=Role.LEADER,
            region=city.counties[0],
        ),
        "demo-admin": UserFactory(
            username="demo-admin",
            name="郑管理员",
            role=Role.SYS_ADMIN,
            region=city.city,
            is_staff=True,
        ),
    }
    head = UserFactory(
        username="demo-head",
        name="张组长",
        phone="13800001111",
        role=Role.GRID_HEAD,
        region=point.region,
        grid_point=point,
    )
    point.head = head
    point.save()
    for i, name in enumerate(["赵志愿", "钱志愿"]):
        UserFactory(
            username=f"demo-volunteer-{i}",
            name=name,
            role=Role.VOLUNTEER,
            region=point.region,
            grid_point=point,
        )
    for i, name in enumerate(["黄信息", "林信息", "何信息"]):
        village = city.grid_points[i + 1]
        UserFactory(
            username=f"demo-informant-{i}",
            name=name,
            role=Role.INFORMANT,
            region=village.region,
            grid_point=village,
        )
    unit.remit = "治安、网络谣言查处"
    unit.save()
    return Demo(city=city, users=users)


def log_in(page, base_url: str, username: str) -> None:
    """Log in through the real form and wait for the home page."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base_url) + r"/$"))
