"""Fixtures of the deduction tests: a cast of people around a small city, and the rule table
again after tests that empty every table."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import pytest

from grid.models import GridPoint, Role, User
from grid.tests.factories import City, UserFactory


@dataclass
class Cast:
    city: City
    duty: User  # a city duty officer: records by hand
    admin: User  # a city system admin: decides appeals
    head: User  # the head of grid point 0 (county 0)
    informant: User  # an informant of grid point 0
    county_admin: User  # county 0
    other_county_admin: User  # county 1
    liaison: User  # of unit 0 (county 0's police)
    other_liaison: User  # of unit 1 (a township of county 0)

    @property
    def point(self) -> GridPoint:
        return self.city.grid_points[0]


def make_cast(city: City) -> Cast:
    point = city.grid_points[0]
    head = UserFactory(role=Role.GRID_HEAD, region=point.region, grid_point=point)
    GridPoint.objects.filter(pk=point.pk).update(head=head)
    point.head = head
    return Cast(
        city=city,
        duty=city.city_user(Role.DUTY_OFFICER),
        admin=city.city_user(Role.SYS_ADMIN, is_staff=True),
        head=head,
        informant=city.informant(0),
        county_admin=city.county_admin(0),
        other_county_admin=city.county_admin(1),
        liaison=UserFactory(
            role=Role.UNIT_LIAISON, region=city.units[0].region, unit=city.units[0]
        ),
        other_liaison=UserFactory(
            role=Role.UNIT_LIAISON, region=city.units[1].region, unit=city.units[1]
        ),
    )


@pytest.fixture
def cast(city) -> Cast:
    return make_cast(city)


def seed_rules() -> None:
    from django.apps import apps

    importlib.import_module("duty.migrations.0003_seed_deduction_rules").seed(apps, None)


@pytest.fixture(autouse=True)
def _rules_after_flush(request):
    """Tests on a real transaction start with the rule table the migration seeds."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        seed_rules()
