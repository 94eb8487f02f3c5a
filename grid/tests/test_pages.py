"""The pages: log-in, role-aware home pages and the scoped grid browser."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from grid.models import Level, Role
from grid.tests.factories import (
    DEMO_PASSWORD,
    GridPointFactory,
    RegionFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_fast(settings):
    """Assert on the English msgids, whatever the catalogue translates them to later."""
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def grid_member(city, role, village_index=0, **kw):
    point = city.grid_points[village_index]
    return UserFactory(role=role, region=point.region, grid_point=point, **kw)


def liaison(city, **kw):
    unit = city.units[0]  # the first county's police bureau
    return UserFactory(role=Role.UNIT_LIAISON, region=unit.region, unit=unit, **kw)


# --- Home pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "testid", "heading", "empty_text"),
    [
        (
            lambda c: grid_member(c, Role.INFORMANT),
            "home-informant",
            "My reports",
            "Reports you file, and how each one is being handled, will be listed here",
        ),
        (
            lambda c: grid_member(c, Role.VOLUNTEER),
            "home-volunteer",
            "My reports",
            "will be listed here",
        ),
        (
            lambda c: grid_member(c, Role.GRID_HEAD),
            "home-grid_head",
            "My reports",
            "will be listed here",
        ),
        (
            lambda c: c.county_admin(0),
            "home-county_admin",
            "County queue",
            "Reports filed in your county will wait here",
        ),
        (
            liaison,
            "home-unit_liaison",
            "Cases for my unit",
            # dispatch's inbox stands in for reports' work list on a unit's home page
            "Cases the city routes to your unit, to lead or to co-handle, appear here",
        ),
        (
            lambda c: c.city_user(Role.DUTY_OFFICER),
            "home-duty_officer",
            "City duty queue",
            "Cases that counties escalate to the city platform will wait here",
        ),
        (
            lambda c: c.city_user(Role.LEADER),
            "home-leader",
            "Overview",
            "Open cases in your jurisdiction will be listed here",
        ),
        (
            lambda c: c.city_user(Role.SYS_ADMIN, is_staff=True),
            "home-sys_admin",
            "Grid maintenance",
            "Keep regions, grid points, units and people up to date",
        ),
    ],
)
def test_each_role_lands_on_its_own_work_list(client, city, make, testid, heading, empty_text):
    # given
    user = make(city)
    client.force_login(user)
    # when
    response = client.get("/")
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="{testid}"' in html
    assert f"<h1>{heading}</h1>" in html
    assert empty_text in html
    assert user.region.name in html  # the home node is named


def test_home_needs_a_log_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_deactivated_person_is_signed_out(client, city):
    # given a county admin signed in
    admin = city.county_admin(0)
    client.force_login(admin)
    assert client.get("/").status_code == 200
    # when they are deactivated, their next page asks for a log-in
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("region", [True, False])
def test_person_without_role_or_home_node_is_told_to_contact_their_admin(client, city, region):
    user = (
        UserFactory(role="", region=city.counties[0])
        if region
        else UserFactory(role=Role.LEADER, region=None)
    )
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'data-testid="home-none"' in html
    assert "Please contact your system admin" in html
    assert 'data-testid="counts"' not in html


def test_informant_sees_their_grid_point_with_its_head_and_only_themselves(client, city):
    # given: a point with a head, two informants and a volunteer
    point = city.grid_points[0]
    head = grid_member(city, Role.GRID_HEAD, name="张组长", phone="13800000000")
    point.head = head
    point.save()
    me = grid_member(city, Role.INFORMANT, name="王小明")
    grid_member(city, Role.INFORMANT, name="李四")
    grid_member(city, Role.VOLUNTEER, name="赵志愿")
    grid_member(city, Role.INFORMANT, village_index=1, name="别村的人")
    client.force_login(me)
    # when
    response = client.get("/")
    # then
    html = response.content.decode()
    people = response.context["point_people"]
    assert people.head == head
    # people who report are protected (grid.rules): the others are counted, not named
    assert [p.name for p in people.informants] == ["王小明"]
    assert (people.informant_count, people.volunteer_count) == (2, 1)
    assert people.volunteers == []
    assert point.name in html
    assert "张组长" in html
    assert "13800000000" in html  # the head can be called
    assert "李四" not in html
    assert "赵志愿" not in html
    assert "别村的人" not in html


def test_county_admin_home_counts_their_county(client, city):
    admin = city.county_admin(0)
    grid_member(city, Role.INFORMANT, village_index=0)
    grid_member(city, Role.INFORMANT, village_index=5)  # second county: not counted
    client.force_login(admin)
    counts = client.get("/").context["counts"]
    assert (counts.townships, counts.villages) == (2, 4)
    assert counts.grid_points == 4
    assert counts.units == 3  # the county bureau and two township governments
    assert counts.people == 2  # the admin and one informant


def test_sys_admin_home_counts_the_city_and_links_the_tools(client, city, other_city):
    admin = city.city_user(Role.SYS_ADMIN, is_staff=True)
    client.force_login(admin)
    response = client.get("/")
    counts = response.context["counts"]
    assert (counts.counties, counts.townships, counts.villages) == (2, 4, 8)
    assert (counts.grid_points, counts.units, counts.people) == (8, 7, 1)
    html = response.content.decode()
    assert f'href="{reverse("grid-browser")}"' in html
    assert 'href="/grid/import/"' in html
    assert f'href="{reverse("admin:index")}"' in html


def test_unit_liaison_sees_their_unit(client, city):
    user = liaison(city)
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'data-testid="my-unit"' in html
    assert city.units[0].name in html


def test_leader_overview_has_counts_per_county(client, city, other_city):
    leader = city.city_user(Role.LEADER)
    grid_member(city, Role.INFORMANT, village_index=0)
    grid_member(city, Role.VOLUNTEER, village_index=1)
    grid_member(city, Role.INFORMANT, village_index=4)
    client.force_login(leader)
    overview = client.get("/").context["overview"]
    assert [r.name for r in overview] == ["第1区", "第2区"]
    first, second = overview
    assert (first.counts.townships, first.counts.villages, first.counts.grid_points) == (2, 4, 4)
    assert (first.counts.people, second.counts.people) == (2, 1)


def test_county_leader_overview_is_per_township(client, city):
    leader = UserFactory(role=Role.LEADER, region=city.counties[1])
    client.force_login(leader)
    overview = client.get("/").context["overview"]
    assert [r.name for r in overview] == ["第2区1镇", "第2区2镇"]
    assert all(r.counts.villages == 2 for r in overview)


def grow(county, townships=12, villages=3, people=2):
    """Add townships, villages, grid points, units and people below ``county``."""
    for t in range(townships):
        town = RegionFactory(level=Level.TOWNSHIP, parent=county)
        UnitFactory(region=town)
        for _v in range(villages):
            village = RegionFactory(level=Level.VILLAGE, parent=town)
            point = GridPointFactory(region=village)
            for _p in range(people):
                UserFactory(role=Role.INFORMANT, region=village, grid_point=point, password=None)
        if t == 0:
            GridPointFactory(region=town)


@pytest.mark.parametrize(
    "make",
    [
        lambda c: c.city_user(Role.LEADER),
        lambda c: c.city_user(Role.SYS_ADMIN, is_staff=True),
        lambda c: c.county_admin(0),
        lambda c: grid_member(c, Role.INFORMANT),
    ],
)
def test_home_query_count_does_not_grow_with_the_grid(
    client, city, make, django_assert_num_queries, django_assert_max_num_queries
):
    user = make(city)
    client.force_login(user)
    with django_assert_max_num_queries(30) as small:
        client.get("/")
    grow(city.counties[0])
    grow(city.counties[1], townships=3)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/")
    assert response.status_code == 200


# --- Grid browser ---------------------------------------------------------------------------


def test_grid_browser_starts_at_the_home_node(client, city):
    client.force_login(city.county_admin(0))
    response = client.get(reverse("grid-browser"))
    assert response.status_code == 302
    assert response["Location"] == reverse("grid-region", args=[city.counties[0].code])


def test_operator_starts_at_the_list_of_cities(client, city, other_city):
    root = UserFactory(username="root", role="", region=None, is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.get(reverse("grid-browser"))
    assert response.status_code == 200
    cities = response.context["cities"]
    assert {c.code for c in cities} == {city.city.code, other_city.city.code}
    assert all(c.counts.counties == 2 and c.counts.villages == 8 for c in cities)


def test_grid_browser_without_home_node_explains(client, db):
    client.force_login(UserFactory(role=Role.LEADER, region=None))
    response = client.get(reverse("grid-browser"))
    assert response.status_code == 200
    assert 'data-testid="no-home-node"' in response.content.decode()


def test_node_page_shows_children_point_units_and_people(client, city):
    admin = city.county_admin(0)
    township = city.townships[0]
    informant = grid_member(city, Role.INFORMANT, name="王小明")
    client.force_login(admin)
    # when: the county admin opens a township
    response = client.get(reverse("grid-region", args=[township.code]))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    children = list(response.context["children"])
    assert [c.name for c in children] == ["第1区1镇1村", "第1区1镇2村"]
    assert [c.counts.people for c in children] == [1, 0]
    assert response.context["units"] == [city.units[1]]  # the township government
    assert response.context["point"] is None  # the points sit at the villages
    assert list(response.context["people_page"].object_list) == [informant]
    assert "hx-get=" not in html.split('data-testid="children"')[1].split("</section>")[0]
    # a county's townships expand in place
    html = client.get(reverse("grid-region", args=[city.counties[0].code])).content.decode()
    assert f'hx-get="{reverse("grid-region-children", args=[township.code])}"' in html


def test_breadcrumb_links_only_inside_the_jurisdiction(client, city):
    client.force_login(city.county_admin(0))
    village = city.villages[0]
    response = client.get(reverse("grid-region", args=[village.code]))
    crumbs = response.context["breadcrumb"]
    assert [c.region.level for c in crumbs] == ["city", "county", "township", "village"]
    assert [c.linkable for c in crumbs] == [False, True, True, True]
    html = response.content.decode()
    assert f'href="{reverse("grid-region", args=[city.city.code])}"' not in html
    assert f'href="{reverse("grid-region", args=[city.counties[0].code])}"' in html


def test_village_page_shows_its_grid_point_with_people(client, city):
    point = city.grid_points[0]
    head = grid_member(city, Role.GRID_HEAD, name="张组长")
    point.head = head
    point.save()
    grid_member(city, Role.VOLUNTEER, name="赵志愿")
    client.force_login(city.county_admin(0))
    response = client.get(reverse("grid-region", args=[point.region.code]))
    assert response.context["point"] == point
    html = response.content.decode()
    assert "张组长" in html
    assert "赵志愿" in html
    assert f'href="{reverse("grid-point", args=[point.code])}"' in html


@pytest.mark.parametrize("name", ["grid-region", "grid-region-children"])
def test_another_countys_node_is_not_found(client, city, name):
    client.force_login(city.county_admin(0))
    for region in (city.counties[1], city.townships[2], city.villages[7], city.city):
        assert client.get(reverse(name, args=[region.code])).status_code == 404
    assert client.get(reverse(name, args=["no-such-code"])).status_code == 404
    assert client.get(reverse(name, args=[city.townships[0].code])).status_code == 200


def test_another_countys_grid_point_is_not_found(client, city):
    client.force_login(city.county_admin(0))
    assert client.get(reverse("grid-point", args=[city.grid_points[7].code])).status_code == 404
    assert client.get(reverse("grid-point", args=[city.grid_points[0].code])).status_code == 200


def test_another_citys_operator_sees_nothing_of_ours(client, city, other_city):
    client.force_login(UserFactory(role=Role.SYS_ADMIN, region=other_city.city, is_staff=True))
    assert client.get(reverse("grid-region", args=[city.city.code])).status_code == 404
    assert client.get(reverse("grid-point", args=[city.grid_points[0].code])).status_code == 404


def test_not_found_page_is_ours(client, city):
    client.force_login(city.county_admin(0))
    response = client.get(reverse("grid-region", args=[city.counties[1].code]))
    assert 'data-testid="not-found"' in response.content.decode()


def test_grid_point_page_lists_head_and_members(client, city):
    point = city.grid_points[0]
    head = grid_member(city, Role.GRID_HEAD, name="张组长")
    point.head = head
    point.save()
    grid_member(city, Role.INFORMANT, name="王小明")
    grid_member(city, Role.VOLUNTEER, name="赵志愿")
    grid_member(city, Role.GRID_HEAD, name="钱副组长")
    client.force_login(city.county_admin(0))
    response = client.get(reverse("grid-point", args=[point.code]))
    assert response.status_code == 200
    people = response.context["point_people"]
    assert people.head == head
    assert [p.name for p in people.informants] == ["王小明"]
    assert [p.name for p in people.volunteers] == ["赵志愿"]
    assert [p.name for p in people.heads] == ["钱副组长"]  # the head is listed once


def test_children_partial_returns_rows_only(client, city):
    client.force_login(city.county_admin(0))
    response = client.get(
        reverse("grid-region-children", args=[city.counties[0].code]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.count('class="tree-item"') == 2
    assert "第1区1镇" in html
    assert "第1区2镇" in html
    assert [c.counts.villages for c in response.context["children"]] == [2, 2]


def test_children_partial_of_a_township_lists_villages(client, city):
    client.force_login(city.county_admin(0))
    response = client.get(reverse("grid-region-children", args=[city.townships[1].code]))
    assert [c.code for c in response.context["children"]] == [
        city.villages[2].code,
        city.villages[3].code,
    ]


def test_people_search_by_name_or_username_and_role(client, city):
    admin = city.county_admin(0)
    sys_admin = UserFactory(role=Role.SYS_ADMIN, region=city.city, is_staff=True)
    grid_member(city, Role.INFORMANT, name="王小明", username="wxm")
    grid_member(city, Role.VOLUNTEER, village_index=1, name="王大力", username="wdl")
    grid_member(city, Role.INFORMANT, village_index=2, name="李四", username="lisi-wang")
    grid_member(city, Role.INFORMANT, village_index=5, name="王外县", username="wwx")
    client.force_login(admin)
    url = reverse("grid-region", args=[city.counties[0].code])

    def names(**params):
        page = client.get(url, params).context["people_page"]
        return sorted(p.name for p in page.object_list)

    assert names(q="王") == ["王大力", "王小明"]  # not the other county's
    assert names(q="wang") == []  # login names are not searched: only admins are shown them
    assert names(q="王", role=Role.VOLUNTEER) == ["王大力"]
    assert names(role=Role.COUNTY_ADMIN) == [admin.name]
    assert names(role="nonsense") == sorted([admin.name, "王小明", "王大力", "李四"])
    client.force_login(sys_admin)
    assert names(q="wang") == ["李四"]  # a system admin finds people by username too


def test_people_are_paginated(client, city):
    village = city.villages[0]
    for _i in range(30):
        grid_member(city, Role.INFORMANT)
    client.force_login(city.county_admin(0))
    url = reverse("grid-region", args=[village.code])
    first = client.get(url).context["people_page"]
    assert (len(first.object_list), first.paginator.count) == (25, 30)
    second = client.get(url, {"people_page": 2}).context["people_page"]
    assert len(second.object_list) == 5


def test_node_page_query_count_does_not_grow_with_children(
    client, city, django_assert_num_queries, django_assert_max_num_queries
):
    admin = city.county_admin(0)
    county = city.counties[0]
    url = reverse("grid-region", args=[county.code])
    client.force_login(admin)
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    # (read now: the connection's query log is a bounded window that grow() moves on)
    few = len(few.captured_queries)
    assert few <= 20
    # when: the county grows from 2 to 32 townships, 92 villages and ~180 people
    grow(county, townships=30)
    client.get(url)
    # then: the page (with a second page of children) costs exactly the same
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.context["children_page"].paginator.count == 32
    with django_assert_num_queries(few):
        client.get(url, {"page": 2, "q": "用户"})


def test_children_partial_and_point_page_query_counts_are_constant(
    client, city, django_assert_num_queries, django_assert_max_num_queries
):
    county = city.counties[0]
    client.force_login(city.county_admin(0))
    partial = reverse("grid-region-children", args=[county.code])
    point = reverse("grid-point", args=[city.grid_points[0].code])
    with django_assert_max_num_queries(30) as partial_few:
        client.get(partial)
    with django_assert_max_num_queries(30) as point_few:
        client.get(point)
    grow(county, townships=20)
    for _i in range(10):
        grid_member(city, Role.INFORMANT)
    with django_assert_num_queries(len(partial_few.captured_queries)):
        client.get(partial)
    with django_assert_num_queries(len(point_few.captured_queries)):
        client.get(point)


def test_nav_shows_import_and_admin_only_to_those_who_may(client, city):
    client.force_login(city.county_admin(0))
    html = client.get("/").content.decode()
    assert "/grid/import/" not in html
    assert reverse("admin:index") not in html
    assert reverse("api-docs") in html
    client.force_login(city.city_user(Role.SYS_ADMIN, is_staff=True))
    html = client.get("/").content.decode()
    assert "/grid/import/" in html
    assert reverse("admin:index") in html


# --- Log-in, log-out, lock-out, session -----------------------------------------------------


def test_login_page_renders_and_logs_in(client, city):
    user = city.county_admin(0, username="kim")
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()
    response = client.post(reverse("login"), {"username": "kim", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get("/").context["user"] == user


def test_wrong_password_shows_an_error(client, city):
    city.county_admin(0, username="kim")
    response = client.post(reverse("login"), {"username": "kim", "password": "wrong"})
    assert response.status_code == 200
    assert 'class="errors"' in response.content.decode()


def test_logout_is_a_post(client, city):
    client.force_login(city.county_admin(0))
    html = client.get("/").content.decode()
    assert f'method="post" action="{reverse("logout")}"' in html
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to the log-in page


def test_account_is_locked_after_too_many_wrong_passwords(client, city):
    city.county_admin(0, username="kim")
    for _i in range(django_settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "kim", "password": "wrong"})
    # when: the right password comes too late
    response = client.post(reverse("login"), {"username": "kim", "password": DEMO_PASSWORD})
    # then
    assert response.status_code == 429
    assert 'data-testid="lockout"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    # a person from another office (another address) is not locked out
    response = client.post(
        reverse("login"),
        {"username": "kim", "password": DEMO_PASSWORD},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302


def test_sessions_end_with_the_browser_and_after_a_working_day():
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 0 < django_settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_footer_offers_both_languages(client, city):
    client.force_login(city.county_admin(0))
    html = client.get("/").content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'value="zh-hans"' in html
    assert 'value="en"' in html
