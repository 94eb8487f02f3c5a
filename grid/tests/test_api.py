"""The grid API: token sign-in, the caller, scoped read-only grid lists, errors and schema."""

from __future__ import annotations

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from grid.models import ApiToken, GridPoint, Level, Role, UnitKind
from grid.tests.factories import DEMO_PASSWORD, UserFactory, api_token_for

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"
LISTS = ["/api/v1/regions/", "/api/v1/grid-points/", "/api/v1/units/"]


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def with_token(client: APIClient, user) -> APIClient:
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["code"] for item in response.json()["results"]}


def assert_json_error(response, status_code: int) -> dict:
    assert response.status_code == status_code, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"]
    assert body["code"]
    return body


# --- Token sign-in --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "multipart"])
def test_token_obtained_with_right_password_works_on_the_api(api, city, fmt):
    # given
    user = city.county_admin(0, username="admin1")
    # when
    response = api.post(TOKEN_URL, {"username": "admin1", "password": DEMO_PASSWORD}, format=fmt)
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    token = body["token"]
    stored = ApiToken.objects.get(user=user)
    assert body["id"] == stored.pk
    assert stored.key_hash == ApiToken.hash_key(token) != token  # only a hash is kept
    assert body["expires_at"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(ME_URL).json()["username"] == "admin1"


def test_each_sign_in_makes_a_new_token_and_both_work(api, city):
    # Keys are kept hashed, so a second sign-in cannot hand out the first key again.
    city.county_admin(0, username="admin1")
    credentials = {"username": "admin1", "password": DEMO_PASSWORD}
    first = api.post(TOKEN_URL, credentials, format="json").json()["token"]
    second = api.post(TOKEN_URL, credentials, format="json").json()["token"]
    assert first != second
    for key in (first, second):
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert api.get(ME_URL).status_code == 200


def test_wrong_password_is_a_clear_json_400(api, city):
    city.county_admin(0, username="admin1")
    response = api.post(TOKEN_URL, {"username": "admin1", "password": "nope"}, format="json")
    body = assert_json_error(response, 400)
    assert body["code"] == "invalid"
    assert "credentials" in body["detail"]
    assert "token" not in body


def test_inactive_user_gets_no_token(api, city):
    city.county_admin(0, username="gone", is_active=False)
    response = api.post(TOKEN_URL, {"username": "gone", "password": DEMO_PASSWORD}, format="json")
    assert_json_error(response, 400)


def test_missing_password_names_the_field(api):
    response = api.post(TOKEN_URL, {"username": "admin1"}, format="json")
    body = assert_json_error(response, 400)
    assert set(body["errors"]) == {"password"}
    assert body["detail"].startswith("password:")


def test_lockout_after_the_failure_limit_is_a_json_429(api, city):
    # given
    city.county_admin(0, username="admin1")
    wrong = {"username": "admin1", "password": "nope"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert api.post(TOKEN_URL, wrong, format="json").status_code == 400
    # when the limit is reached
    response = api.post(TOKEN_URL, wrong, format="json")
    # then
    body = assert_json_error(response, 429)
    assert body["code"] == "locked_out"
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    # and even the right password is refused while locked out, still as JSON
    right = {"username": "admin1", "password": DEMO_PASSWORD}
    locked = api.post(TOKEN_URL, right, format="json")
    assert assert_json_error(locked, 429)["code"] == "locked_out"
    assert not ApiToken.objects.filter(user__username="admin1").exists()


def test_lockout_of_one_user_does_not_lock_another(api, city):
    city.county_admin(0, username="admin1")
    city.county_admin(1, username="admin2")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post(TOKEN_URL, {"username": "admin1", "password": "nope"}, format="json")
    response = api.post(TOKEN_URL, {"username": "admin2", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200


# --- The caller -----------------------------------------------------------------------------


def test_me_with_token_describes_an_informant(api, city):
    user = city.informant(0, username="info1", name="张三")
    point = city.grid_points[0]
    body = with_token(api, user).get(ME_URL).json()
    assert body == {
        "id": user.pk,
        "username": "info1",
        "name": "张三",
        "role": Role.INFORMANT,
        "role_display": str(Role.INFORMANT.label),
        "roles": [Role.INFORMANT],
        "home_node": {
            "id": point.region.pk,
            "code": point.region.code,
            "name": point.region.name,
            "level": Level.VILLAGE,
            "path": point.region.path,
        },
        "grid_point": {"id": point.pk, "code": point.code, "name": point.name},
        "unit": None,
        "is_staff": False,
    }


def test_me_with_session_shows_a_liaisons_unit(client, city, django_assert_max_num_queries):
    unit = city.units[0]
    user = UserFactory(role=Role.UNIT_LIAISON, region=unit.region, unit=unit)
    client.force_login(user)
    with django_assert_max_num_queries(3):  # session, user, profile
        response = client.get(ME_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["unit"]["id"] == unit.pk
    assert body["unit"]["kind"] == unit.kind
    assert body["unit"]["region"]["code"] == unit.region.code
    assert body["grid_point"] is None


def test_me_of_staff_is_read_with_the_token(api, city, django_assert_num_queries):
    admin = city.county_admin(0)
    client = with_token(api, admin)
    client.get(ME_URL)
    with django_assert_num_queries(1):  # the token with its person and home node
        body = client.get(ME_URL).json()
    assert body["home_node"]["id"] == admin.region.pk
    assert (body["grid_point"], body["unit"]) == (None, None)


def test_me_of_a_person_without_role_or_home(api, db):
    user = UserFactory(role="", region=None)
    body = with_token(api, user).get(ME_URL).json()
    assert body["roles"] == []
    assert body["home_node"] is None


# --- Authentication and errors --------------------------------------------------------------


@pytest.mark.parametrize("url", [ME_URL, *LISTS])
def test_no_credentials_is_401_asking_for_a_token(api, url):
    response = api.get(url)
    body = assert_json_error(response, 401)
    assert body["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_json_error(api.get(ME_URL), 401)


def test_a_token_stops_working_when_its_person_is_deactivated(api, city):
    # given a county admin who has a token
    admin = city.county_admin(0)
    with_token(api, admin)
    assert api.get(ME_URL).status_code == 200
    # when they are deactivated
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    # then the token is refused
    assert_json_error(api.get(ME_URL), 401)


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_grid_is_read_only(api, city, url, method):
    with_token(api, city.city_user())
    response = getattr(api, method)(url, {}, format="json")
    assert assert_json_error(response, 405)["code"] == "method_not_allowed"


def test_writing_to_a_detail_is_405(api, city):
    with_token(api, city.city_user())
    response = api.delete(f"/api/v1/regions/{city.counties[0].pk}/")
    assert_json_error(response, 405)


@pytest.mark.parametrize("url", ["/api/v1/nowhere/", "/api/v1/regions/abc/", "/api/nothing"])
def test_unknown_api_url_is_json_404(api, city, url):
    with_token(api, city.city_user())
    assert assert_json_error(api.get(url), 404)["code"] == "not_found"


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/regions/?level=planet", "level"),
        ("/api/v1/regions/?parent=abc", "parent"),
        ("/api/v1/regions/?parent=0", "parent"),
        ("/api/v1/grid-points/?within=abc", "within"),
        ("/api/v1/grid-points/?region=1.5", "region"),
        ("/api/v1/units/?kind=bakery", "kind"),
        ("/api/v1/units/?within=x", "within"),
    ],
)
def test_bad_filter_is_400_naming_the_parameter(api, city, url, param):
    with_token(api, city.city_user())
    body = assert_json_error(api.get(url), 400)
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [param]
    assert body["detail"].startswith(f"{param}:")


# --- Scoping --------------------------------------------------------------------------------


def test_county_admin_sees_only_own_county(api, city):
    # given
    first, second = city.counties
    with_token(api, city.county_admin(0))
    # when
    regions = codes(api.get("/api/v1/regions/"))
    points = codes(api.get("/api/v1/grid-points/"))
    units = codes(api.get("/api/v1/units/"))
    # then
    everything = [city.city, *city.counties, *city.townships, *city.villages]
    assert regions == {r.code for r in everything if r.is_within(first)}
    assert len(regions) == 1 + 2 + 4
    assert points == {p.code for p in city.grid_points if p.region.is_within(first)}
    assert len(points) == 4
    assert units == {u.code for u in city.units if u.region.is_within(first)}
    assert not any(u.region.is_within(second) for u in city.units if u.code in units)


def test_county_admin_gets_404_for_the_other_county(api, city):
    with_token(api, city.county_admin(0))
    second = city.counties[1]
    point = next(p for p in city.grid_points if p.region.is_within(second))
    unit = next(u for u in city.units if u.region_id == second.pk)
    for url in [
        f"/api/v1/regions/{second.pk}/",
        f"/api/v1/regions/{city.city.pk}/",
        f"/api/v1/grid-points/{point.pk}/",
        f"/api/v1/units/{unit.pk}/",
        f"/api/v1/units/{city.units[-1].pk}/",  # the city's emergency centre
    ]:
        assert_json_error(api.get(url), 404)
    # and a missing id answers exactly the same
    missing = api.get("/api/v1/regions/999999/")
    assert missing.json() == api.get(f"/api/v1/regions/{second.pk}/").json()
    assert "Region" not in missing.json()["detail"]


def test_county_admin_opens_own_objects(api, city):
    with_token(api, city.county_admin(0))
    first = city.counties[0]
    point = city.grid_points[0]
    unit = city.units[0]
    region = api.get(f"/api/v1/regions/{first.pk}/").json()
    assert region == {
        "id": first.pk,
        "code": first.code,
        "name": first.name,
        "level": Level.COUNTY,
        "level_display": str(Level.COUNTY.label),
        "kind": first.kind,
        "kind_display": first.get_kind_display(),
        "parent": city.city.pk,
        "parent_code": city.city.code,
        "path": first.path,
        "children_count": 2,
    }
    assert api.get(f"/api/v1/grid-points/{point.pk}/").json()["region"] == {
        "id": point.region.pk,
        "code": point.region.code,
        "name": point.region.name,
        "level": Level.VILLAGE,
    }
    body = api.get(f"/api/v1/units/{unit.pk}/").json()
    assert body["kind_display"] == unit.get_kind_display()
    assert body["region"]["id"] == first.pk


def test_city_user_sees_both_counties_but_never_another_city(api, city, other_city):
    with_token(api, city.city_user())
    counties = codes(api.get("/api/v1/regions/?level=county"))
    assert counties == {c.code for c in city.counties}
    assert len(codes(api.get("/api/v1/grid-points/?page_size=100"))) == len(city.grid_points)
    assert codes(api.get("/api/v1/units/?page_size=100")) == {u.code for u in city.units}
    for url in [
        f"/api/v1/regions/{other_city.city.pk}/",
        f"/api/v1/grid-points/{other_city.grid_points[0].pk}/",
        f"/api/v1/units/{other_city.units[0].pk}/",
    ]:
        assert_json_error(api.get(url), 404)


def test_filtering_by_an_invisible_region_shows_nothing(api, city, other_city):
    with_token(api, city.county_admin(0))
    second = city.counties[1]
    assert codes(api.get(f"/api/v1/grid-points/?within={second.pk}")) == set()
    assert codes(api.get(f"/api/v1/units/?within={other_city.city.pk}")) == set()
    assert codes(api.get(f"/api/v1/regions/?parent={second.pk}")) == set()


# --- Filters --------------------------------------------------------------------------------


def test_region_filters(api, city):
    with_token(api, city.city_user())
    first = city.counties[0]
    township = city.townships[0]
    assert codes(api.get("/api/v1/regions/?level=township")) == {t.code for t in city.townships}
    children = {t.code for t in city.townships if t.parent_id == first.pk}
    assert codes(api.get(f"/api/v1/regions/?parent={first.pk}")) == children
    assert codes(api.get(f"/api/v1/regions/?parent_code={first.code}")) == children
    assert codes(api.get(f"/api/v1/regions/?q={township.code[:9]}")) == {
        r.code for r in [township, *city.villages] if r.code.startswith(township.code[:9])
    }
    assert codes(api.get(f"/api/v1/regions/?q={township.name}&level=village")) == {
        v.code for v in city.villages if v.parent_id == township.pk
    }


def test_regions_are_ordered_by_path_with_children_counts(api, city):
    with_token(api, city.city_user())
    results = api.get("/api/v1/regions/?page_size=100").json()["results"]
    assert [r["path"] for r in results] == sorted(r["path"] for r in results)
    counts = {r["code"]: r["children_count"] for r in results}
    assert counts[city.city.code] == 2
    assert counts[city.villages[0].code] == 0


def test_grid_point_filters_and_counts(api, city):
    # given a head and two members (one inactive) at the first point
    point = city.grid_points[0]
    head = city.informant(0, name="李四")
    city.informant(0, is_active=False)
    GridPoint.objects.filter(pk=point.pk).update(head=head)
    with_token(api, city.city_user())
    # then
    first_township = city.townships[0]
    assert codes(api.get(f"/api/v1/grid-points/?region={point.region_id}")) == {point.code}
    assert codes(api.get(f"/api/v1/grid-points/?region_code={point.region.code}")) == {point.code}
    assert codes(api.get(f"/api/v1/grid-points/?within={first_township.pk}")) == {
        p.code for p in city.grid_points if p.region.is_within(first_township)
    }
    assert codes(api.get(f"/api/v1/grid-points/?q={point.code}")) == {point.code}
    body = api.get(f"/api/v1/grid-points/{point.pk}/").json()
    assert body["head"] == {"id": head.pk, "name": "李四"}
    assert body["member_count"] == 1
    assert body["is_active"] is True
    other = api.get(f"/api/v1/grid-points/{city.grid_points[1].pk}/").json()
    assert other["head"] is None
    assert other["member_count"] == 0


def test_unit_filters(api, city):
    with_token(api, city.city_user())
    first = city.counties[0]
    townships = {u.code for u in city.units if u.kind == UnitKind.TOWNSHIP}
    assert codes(api.get("/api/v1/units/?kind=township")) == townships
    assert codes(api.get(f"/api/v1/units/?region={first.pk}")) == {
        u.code for u in city.units if u.region_id == first.pk
    }
    assert codes(api.get(f"/api/v1/units/?within={first.pk}&kind=township")) == {
        u.code for u in city.units if u.kind == UnitKind.TOWNSHIP and u.region.is_within(first)
    }
    assert codes(api.get("/api/v1/units/?q=应急")) == {city.units[-1].code}


def test_empty_filters_mean_no_filter(api, city):
    with_token(api, city.city_user())
    response = api.get("/api/v1/regions/?level=&parent=&parent_code=&q=")
    assert response.json()["count"] == 15
    assert api.get("/api/v1/units/?kind=&within=&q=").json()["count"] == len(city.units)


def test_lists_are_paginated(api, city):
    with_token(api, city.city_user())
    body = api.get("/api/v1/regions/?page_size=4").json()
    assert body["count"] == 15
    assert len(body["results"]) == 4
    assert "page=2" in body["next"]
    assert_json_error(api.get("/api/v1/regions/?page=99"), 404)


# --- Query counts ---------------------------------------------------------------------------


@pytest.fixture
def busy_grid(city, other_city):
    """Both cities, every grid point with a head and a member: N+1 would show."""
    for c in (city, other_city):
        for i, point in enumerate(c.grid_points):
            head = c.informant(i, password=None)  # no hashing: keeps the fixture fast
            GridPoint.objects.filter(pk=point.pk).update(head=head)
    return city


@pytest.mark.parametrize("page_size", [3, 30])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # token + user, count, page
        ("/api/v1/regions/", 3),
        ("/api/v1/grid-points/", 3),
        ("/api/v1/units/", 3),
        # + the path of the "within" region
        ("/api/v1/grid-points/?within=ROOT", 4),
        ("/api/v1/units/?within=ROOT", 4),
    ],
)
def test_list_query_count_does_not_grow_with_the_page(
    api, busy_grid, django_assert_num_queries, url, queries, page_size
):
    root = UserFactory(username="root", role="", region=None, is_superuser=True)
    with_token(api, root)
    url = url.replace("ROOT", str(busy_grid.city.pk))
    separator = "&" if "?" in url else "?"
    with django_assert_num_queries(queries):
        response = api.get(f"{url}{separator}page_size={page_size}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, response.json()["count"])
    assert response.json()["count"] > 3


@pytest.mark.parametrize("page_size", [3, 30])
def test_scoped_list_query_count_does_not_grow_with_the_page(
    api, busy_grid, django_assert_num_queries, page_size
):
    with_token(api, busy_grid.city_user())
    with django_assert_num_queries(3):  # token + user + home node, count, page
        response = api.get(f"/api/v1/regions/?page_size={page_size}")
    assert len(response.json()["results"]) == min(page_size, 15)


# --- Schema ---------------------------------------------------------------------------------


def test_schema_documents_every_endpoint(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/regions/",
        "/api/v1/regions/{id}/",
        "/api/v1/grid-points/",
        "/api/v1/grid-points/{id}/",
        "/api/v1/units/",
        "/api/v1/units/{id}/",
    ]:
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/regions/"]["get"]["parameters"]}
    assert {"level", "parent", "parent_code", "q", "page", "page_size"} <= params
    params = {p["name"] for p in paths["/api/v1/grid-points/"]["get"]["parameters"]}
    assert {"region", "region_code", "within", "q"} <= params
    params = {p["name"] for p in paths["/api/v1/units/"]["get"]["parameters"]}
    assert {"kind", "region", "within", "q"} <= params
    token = paths["/api/v1/auth/token/"]["post"]
    assert {"200", "400", "429"} <= set(token["responses"])
    assert "requestBody" in token
    assert "post" not in paths["/api/v1/regions/"]


def test_swagger_ui_is_served_from_our_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"cdn" not in response.content.lower()
