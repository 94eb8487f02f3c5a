"""The one scoping rule, on every grid model."""

import pytest
from django.contrib.auth.models import AnonymousUser

from grid.models import GridPoint, Region, Unit, User
from grid.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_county_admin_sees_only_own_county_subtree(city):
    # given
    admin = city.county_admin(0)
    # when
    regions = set(Region.objects.visible_to(admin))
    # then
    first, second = city.counties
    assert first in regions
    assert second not in regions
    assert city.city not in regions
    assert all(r.is_within(first) for r in regions)
    assert len(regions) == 1 + 2 + 4


def test_scoping_applies_to_points_units_and_people(city):
    admin = city.county_admin(0)
    other_admin = city.county_admin(1)
    first = city.counties[0]
    assert all(p.region.is_within(first) for p in GridPoint.objects.visible_to(admin))
    assert GridPoint.objects.visible_to(admin).count() == 4
    assert all(u.region.is_within(first) for u in Unit.objects.visible_to(admin))
    people = set(User.objects.visible_to(admin))
    assert admin in people
    assert other_admin not in people


def test_sibling_code_prefix_does_not_leak(db):
    # A county whose code starts with another county's digits must not be inside it.
    from grid.tests.factories import RegionFactory

    city = RegionFactory(code="1", name="c")
    a = RegionFactory(code="12", level="county", parent=city)
    b = RegionFactory(code="123", level="county", parent=city)
    user = UserFactory(role="county_admin", region=a)
    assert list(Region.objects.visible_to(user)) == [a]
    assert b not in Region.objects.visible_to(user)


def test_anonymous_inactive_and_homeless_users_see_nothing(city):
    assert not Region.objects.visible_to(AnonymousUser()).exists()
    inactive = city.county_admin(0, is_active=False)
    assert not Region.objects.visible_to(inactive).exists()
    homeless = UserFactory(role="leader", region=None)
    assert not Region.objects.visible_to(homeless).exists()


def test_superuser_sees_every_city(city, other_city):
    root = UserFactory(username="root", role="", region=None, is_superuser=True, is_staff=True)
    assert Region.objects.visible_to(root).count() == Region.objects.count()
