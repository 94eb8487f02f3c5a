"""The demo deductions: written once, through the services, with appeals pending and decided."""

from __future__ import annotations

import pytest

from duty.demo_deductions import seed_deductions_demo
from duty.models import Deduction, DeductionStatus
from grid.models import Role
from grid.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_deductions_are_written_once(cast):
    city = cast.city
    for username, role, region, extra in [
        ("demo-duty-officer", Role.DUTY_OFFICER, city.city, {}),
        ("demo-admin", Role.SYS_ADMIN, city.city, {}),
        ("demo-county-admin", Role.COUNTY_ADMIN, city.counties[0], {}),
        ("demo-unit", Role.UNIT_LIAISON, city.city, {"unit": city.units[-1]}),
    ]:
        UserFactory(username=username, role=role, region=region, **extra)
    for point in city.grid_points[1:3]:  # more staffed grid points in the county
        point.head = UserFactory(role=Role.GRID_HEAD, region=point.region, grid_point=point)
        point.save()
    logs: list[str] = []
    seed_deductions_demo(scale="city", log=logs.append)
    made = Deduction.objects.count()
    assert made >= 5
    statuses = set(Deduction.objects.values_list("status", flat=True))
    assert statuses == {
        DeductionStatus.COUNTING,
        DeductionStatus.APPEALED,
        DeductionStatus.CANCELLED,
    }
    assert Deduction.objects.filter(points__gt=0).exists()
    seed_deductions_demo(scale="city", log=logs.append)
    assert Deduction.objects.count() == made
    assert "nothing to do" in logs[-1]
