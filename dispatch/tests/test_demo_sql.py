"""The province's SQL writer of the dispatch history gives the same consistency as the demo's
(its own module: the demo module's city stays loaded until that module ends)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from dispatch.models import Assignment
from dispatch.tests.test_demo import assert_consistent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed_city(city):
    """The test city with everyone the generated history needs: county admins, informants,
    a duty officer, township liaisons, and city departments (one without a liaison)."""
    from grid.models import Role, UnitKind
    from grid.tests.factories import UnitFactory, UserFactory

    for i in range(2):
        city.county_admin(i)
        city.informant(i * 4)
    city.city_user(Role.DUTY_OFFICER)
    for unit in city.units:
        if unit.kind == UnitKind.TOWNSHIP:
            UserFactory(role=Role.UNIT_LIAISON, region=unit.region, unit=unit)
    for i in range(3):
        unit = UnitFactory(code=f"CITY-DEPT-{i}", name=f"市部门{i}", region=city.city)
        if i < 2:
            UserFactory(role=Role.UNIT_LIAISON, region=city.city, unit=unit)
    return city


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL writer needs PostgreSQL")
def test_the_postgres_writer_gives_the_same_consistency(staffed_city):
    from dispatch.demo.sql import seed_dispatch_history_postgres
    from dispatch.services import clocks_sweep
    from reports.demo import seed_report_history_postgres

    now = timezone.now()
    seed_report_history_postgres(total=2500, days=60, now=now, log=lambda *_: None)
    written = seed_dispatch_history_postgres(now=now, log=lambda *_: None)
    assert written == Assignment.objects.count() > 100
    clocks_sweep(now=now)
    assert_consistent()
    # Run again: every routed case has its routing, nothing more is written.
    assert seed_dispatch_history_postgres(now=now, log=lambda *_: None) == 0
