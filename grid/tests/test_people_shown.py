"""People who report are protected: the grid pages show names, roles, phone numbers and login
names only to those who need them (grid.rules)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grid.models import Role
from grid.rules import CONTACT, EVERYTHING, HIDDEN, NAMES, people_shown_to
from grid.tests.factories import GridPointFactory, UserFactory

pytestmark = pytest.mark.django_db


def member(city, role, village_index=0, **kw):
    point = city.grid_points[village_index]
    return UserFactory(role=role, region=point.region, grid_point=point, **kw)


@pytest.fixture
def village(city):
    """Village 0's grid point: a person in charge, two informants and a volunteer."""
    point = city.grid_points[0]
    head = member(city, Role.GRID_HEAD, name="张组长", username="zhang-head", phone="13800000001")
    point.head = head
    point.save()
    return {
        "point": point,
        "head": head,
        "me": member(city, Role.INFORMANT, name="王小明", username="wxm", phone="13800000002"),
        "other": member(city, Role.INFORMANT, name="李四", username="lisi", phone="13800000003"),
        "volunteer": member(city, Role.VOLUNTEER, name="赵志愿", username="zzy", phone="1380004"),
    }


def pages(client, user, point) -> str:
    """The village page and the grid point page, as ``user`` sees them."""
    client.force_login(user)
    region = client.get(reverse("grid-region", args=[point.region.code]))
    card = client.get(reverse("grid-point", args=[point.code]))
    assert region.status_code == card.status_code == 200
    return region.content.decode() + card.content.decode()


def test_an_informant_sees_their_person_in_charge_and_themselves_only(client, city, village):
    html = pages(client, village["me"], village["point"])
    # the person in charge, to call them
    assert "张组长" in html
    assert "13800000001" in html
    # themselves
    assert "王小明" in html
    # nobody else's name, phone or login name, and no login names at all
    for hidden in ("李四", "13800000003", "赵志愿", "1380004", "lisi", "zzy", "zhang-head"):
        assert hidden not in html
    # the others are counted, and the page says why they are not named
    assert "Informants (2)" in html
    assert "Volunteers (1)" in html
    assert 'data-testid="names-withheld"' in html
    assert 'data-testid="people-withheld"' in html  # no list or search of the area's people
    assert 'id="people-q"' not in html


def test_an_informant_of_another_point_is_not_shown_its_person_in_charge(client, city, village):
    # a township informant sees the villages below, but not who runs their points
    township = city.townships[0]
    point = city.grid_points[0]
    outsider = UserFactory(
        role=Role.INFORMANT, region=township, grid_point=GridPointFactory(region=township)
    )
    client.force_login(outsider)
    html = client.get(reverse("grid-point", args=[point.code])).content.decode()
    assert "张组长" not in html
    assert "13800000001" not in html
    assert "A person in charge is set" in html


def test_the_person_in_charge_sees_their_members(client, city, village):
    html = pages(client, village["head"], village["point"])
    for shown in ("王小明", "李四", "赵志愿", "13800000003"):
        assert shown in html
    assert "lisi" not in html  # no login names
    assert 'data-testid="names-withheld"' not in html


def test_a_county_admin_sees_names_roles_and_phones_but_no_login_names(client, city, village):
    admin = city.county_admin(0)
    html = pages(client, admin, village["point"])
    for shown in ("张组长", "王小明", "李四", "赵志愿", "13800000003", "Informant", "Volunteer"):
        assert shown in html
    for hidden in ("wxm", "lisi", "zzy", "zhang-head"):
        assert hidden not in html
    # the people list of the county, searchable by name only
    client.force_login(admin)
    response = client.get(reverse("grid-region", args=[city.counties[0].code]), {"q": "李"})
    assert [p.name for p in response.context["people_page"].object_list] == ["李四"]
    assert "13800000003" in response.content.decode()


def test_a_person_without_a_name_is_not_shown_by_login_name(client, city):
    member(city, Role.INFORMANT, name="", username="no-name-login")
    client.force_login(city.county_admin(0))
    html = client.get(reverse("grid-region", args=[city.villages[0].code])).content.decode()
    assert "no-name-login" not in html
    assert "No name given" in html


def test_a_leader_sees_names_and_roles_without_phones(client, city, village):
    leader = city.city_user(Role.LEADER)
    html = pages(client, leader, village["point"])
    assert "李四" in html
    assert "13800000003" not in html
    assert "lisi" not in html


def test_a_system_admin_sees_login_names(client, city, village):
    admin = UserFactory(role=Role.SYS_ADMIN, region=city.city, is_staff=True)
    html = pages(client, admin, village["point"])
    for shown in ("李四", "lisi", "13800000003"):
        assert shown in html


@pytest.mark.parametrize(
    ("role", "everyone"),
    [
        (Role.SYS_ADMIN, EVERYTHING),
        (Role.COUNTY_ADMIN, CONTACT),
        (Role.DUTY_OFFICER, CONTACT),
        (Role.LEADER, NAMES),
        (Role.UNIT_LIAISON, NAMES),
        (Role.INFORMANT, HIDDEN),
        (Role.VOLUNTEER, HIDDEN),
        (Role.GRID_HEAD, HIDDEN),
        ("", HIDDEN),
    ],
)
def test_what_each_role_is_shown_of_anyone(role, everyone):
    assert people_shown_to(UserFactory.build(pk=1, role=role)).everyone == everyone


def test_an_operator_is_shown_everything():
    operator = UserFactory.build(pk=1, role="", is_superuser=True)
    assert people_shown_to(operator).everyone == EVERYTHING


def test_the_api_names_a_grid_points_person_in_charge_only_to_those_shown_them(city, village):
    from rest_framework.test import APIClient

    from grid.tests.test_api import with_token

    point = village["point"]
    url = f"/api/v1/grid-points/{point.pk}/"
    township = city.townships[0]
    outsider = UserFactory(
        role=Role.INFORMANT, region=township, grid_point=GridPointFactory(region=township)
    )

    def head_seen_by(user):
        response = with_token(APIClient(), user).get(url)
        assert response.status_code == 200
        return response.json()["head"]

    named = {"id": village["head"].pk, "name": "张组长"}
    assert head_seen_by(village["me"]) == named  # their own point's person in charge
    assert head_seen_by(city.county_admin(0)) == named
    assert head_seen_by(outsider) is None  # another point's
    listed = with_token(APIClient(), outsider).get("/api/v1/grid-points/?page_size=100").json()
    assert all(row["head"] is None for row in listed["results"])
