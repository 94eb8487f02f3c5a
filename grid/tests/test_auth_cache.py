"""Who is asking, kept in the shared cache: fewer queries, never a stale person (grid.auth)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from grid.importing.formats import ImportSource
from grid.models import Role
from grid.services import grid_import, region_set_parent
from grid.tests.test_api import with_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings, shared_cache):
    """The shared cache on, as it is with Redis."""
    settings.GRID_AUTH_CACHE_SECONDS = 300


def token_client(user) -> APIClient:
    return with_token(APIClient(), user)


def region_codes(client: APIClient) -> set[str]:
    response = client.get("/api/v1/regions/?page_size=100")
    assert response.status_code == 200, response.content
    return {item["code"] for item in response.json()["results"]}


def queries(call) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, [q["sql"] for q in captured.captured_queries]


def test_a_token_is_looked_up_once_then_kept(kept, city):
    client = token_client(city.county_admin())
    first, first_sql = queries(lambda: client.get("/api/v1/regions/"))
    again, again_sql = queries(lambda: client.get("/api/v1/regions/"))
    assert first.status_code == again.status_code == 200
    assert any("authtoken_token" in sql for sql in first_sql)
    assert not any("authtoken_token" in sql for sql in again_sql)
    assert len(again_sql) == len(first_sql) - 1
    assert again.json() == first.json()


def test_without_a_shared_cache_every_request_looks_the_token_up(settings, city):
    settings.GRID_AUTH_CACHE_SECONDS = 0
    client = token_client(city.county_admin())
    client.get("/api/v1/regions/")
    _, sql = queries(lambda: client.get("/api/v1/regions/"))
    assert any("authtoken_token" in s for s in sql)


def test_a_deactivated_person_is_refused_at_once(kept, city):
    admin = city.county_admin()
    client = token_client(admin)
    assert client.get("/api/v1/regions/").status_code == 200
    admin.is_active = False
    admin.save()
    response = client.get("/api/v1/regions/")
    assert response.status_code == 401
    assert response.json()["detail"] == "User inactive or deleted."


def test_a_revoked_token_is_refused_at_once(kept, city):
    client = token_client(city.county_admin())
    assert client.get("/api/v1/regions/").status_code == 200
    Token.objects.all().delete()
    assert client.get("/api/v1/regions/").status_code == 401


def test_a_new_home_node_changes_what_the_person_sees_at_once(kept, city):
    admin = city.county_admin(0)
    client = token_client(admin)
    assert city.counties[0].code in region_codes(client)
    admin.region = city.counties[1]
    admin.save()
    seen = region_codes(client)
    assert city.counties[1].code in seen
    assert city.counties[0].code not in seen


def test_a_moved_home_node_is_seen_at_once(kept, city):
    """Moving a region rewrites paths in bulk (no model signals); kept people go all the same."""
    head = city.informant(0)  # lives in village 0, in township 0 of county 0
    client = token_client(head)
    assert region_codes(client) == {head.region.code}  # kept, with the village's old path
    region_set_parent(region=city.townships[0], parent=city.counties[1])
    assert region_codes(client) == {head.region.code}


def test_a_bulk_import_moving_a_person_is_seen_at_once(kept, city):
    """Imports write people in bulk (no model signals); the next request sees the change."""
    admin = city.county_admin(0)
    client = token_client(admin)
    assert city.counties[0].code in region_codes(client)
    people = (
        "username,name,role,region_code,grid_point_code,unit_code,phone\n"
        f"{admin.username},{admin.name},{Role.COUNTY_ADMIN},{city.counties[1].code},,,\n"
    )
    result = grid_import(sources=[ImportSource(name="people.csv", data=people.encode())])
    assert not result.errors, result.errors
    seen = region_codes(client)
    assert city.counties[1].code in seen
    assert city.counties[0].code not in seen


def test_a_signed_in_person_is_kept_and_a_new_password_signs_them_out(kept, client, city):
    admin = city.county_admin()
    client.force_login(admin)
    first, first_sql = queries(lambda: client.get("/"))
    again, again_sql = queries(lambda: client.get("/"))
    assert first.status_code == again.status_code == 200
    assert len(again_sql) < len(first_sql)
    admin.set_password("another-long-passphrase")
    admin.save()
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_cache_is_told_the_token_digest_not_the_token(kept, city):
    key = Token.objects.create(user=city.county_admin()).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/regions/").status_code == 200
    stored = cache._cache.keys()  # LocMemCache's own keys
    assert stored
    assert not any(key in name for name in stored)
