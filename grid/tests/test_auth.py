"""Who is asking: read with their home node on every request, never a stale person (grid.auth)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from grid.importing.formats import ImportSource
from grid.models import ApiToken, Role
from grid.services import grid_import, region_set_parent
from grid.tests.test_api import with_token

pytestmark = pytest.mark.django_db


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


def test_every_request_reads_the_token_with_its_person_and_home_node_in_one_query(
    shared_cache, city
):
    client = token_client(city.county_admin())
    client.get("/api/v1/regions/")
    response, sql = queries(lambda: client.get("/api/v1/regions/"))
    assert response.status_code == 200
    token_reads = [s for s in sql if "grid_apitoken" in s]
    assert len(token_reads) == 1
    assert "grid_user" in token_reads[0]
    assert "grid_region" in token_reads[0]


def test_nothing_about_people_is_kept_in_the_shared_cache(shared_cache, client, city):
    admin = city.county_admin()
    assert token_client(admin).get("/api/v1/regions/").status_code == 200
    client.force_login(admin)
    assert client.get("/").status_code == 200
    assert not any("people" in name for name in shared_cache._cache)  # LocMemCache's own keys


def test_a_deactivated_person_is_refused_at_once(city):
    admin = city.county_admin()
    client = token_client(admin)
    assert client.get("/api/v1/regions/").status_code == 200
    admin.is_active = False
    admin.save()
    response = client.get("/api/v1/regions/")
    assert response.status_code == 401
    assert response.json()["detail"] == "User inactive or deleted."


def test_a_revoked_token_is_refused_at_once(city):
    client = token_client(city.county_admin())
    assert client.get("/api/v1/regions/").status_code == 200
    ApiToken.objects.all().delete()
    assert client.get("/api/v1/regions/").status_code == 401


def test_a_new_home_node_changes_what_the_person_sees_at_once(city):
    admin = city.county_admin(0)
    client = token_client(admin)
    assert city.counties[0].code in region_codes(client)
    admin.region = city.counties[1]
    admin.save()
    seen = region_codes(client)
    assert city.counties[1].code in seen
    assert city.counties[0].code not in seen


def test_a_moved_home_node_is_seen_at_once(city):
    """Moving a region rewrites paths in bulk; the next request reads the new path."""
    head = city.informant(0)  # lives in village 0, in township 0 of county 0
    client = token_client(head)
    assert region_codes(client) == {head.region.code}
    region_set_parent(region=city.townships[0], parent=city.counties[1])
    assert region_codes(client) == {head.region.code}


def test_a_bulk_import_moving_a_person_is_seen_at_once(city):
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


def test_a_new_password_signs_a_signed_in_person_out(client, city):
    admin = city.county_admin()
    client.force_login(admin)
    assert client.get("/").status_code == 200
    admin.set_password("another-long-passphrase")
    admin.save()
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
