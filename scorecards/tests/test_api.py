"""GET /api/v1/scorecards/: a closed month's rows, scoped, ranked, paginated; 400 on bad input."""

from __future__ import annotations

import pytest

from dispatch.tests.factories import api
from grid.models import Role
from grid.tests.factories import UserFactory
from scorecards.services import month_close
from scorecards.tests.scenario import CLOSE_AT, COUNTY_0, MONTH, build_november
from scorecards.tests.scenario_duty import COUNTY_0_DUTY

pytestmark = pytest.mark.django_db
URL = "/api/v1/scorecards/"


@pytest.fixture
def closed(city):
    november = build_november(city)
    month_close(month=MONTH, now=CLOSE_AT)
    return november


def test_the_counties_of_a_month_with_figures_and_rank(city, closed, django_assert_num_queries):
    client = api(city.city_user(Role.LEADER))
    client.get(URL)  # the token's first use is written once
    # auth (token + person), the month, the rows' count, the page
    with django_assert_num_queries(4):
        response = client.get(URL, {"month": "2026-11", "level": "county"})
    assert response.status_code == 200
    body = response.json()
    assert (body["month"], body["level"], body["state"], body["ranked_by"]) == (
        "2026-11",
        "county",
        "draft",
        "score",
    )
    assert body["count"] == 2
    first = body["results"][0]
    assert (first["rank"], first["name"], first["score"]) == (1, "第1区", 89.5)
    assert first["figures"] == COUNTY_0 | COUNTY_0_DUTY
    assert [c["name"] for c in body["columns"]][:3] == ["filed", "valid", "handled"]
    assert body["columns"][0]["label"] == "Reports filed"


def test_default_month_is_the_latest_closed(city, closed):
    body = api(city.city_user(Role.LEADER)).get(URL, {"level": "unit"}).json()
    assert body["month"] == "2026-11"
    # By score, then name: the units at 100 first (市住房城乡建设局 sorts first of them).
    first = body["results"][0]
    assert (first["rank"], first["score"]) == (1, 100.0)
    assert body["results"][-1]["name"] == "市委网信办"  # the platform: a handover missed


def test_pages(city, closed):
    client = api(city.city_user(Role.LEADER))
    body = client.get(URL, {"level": "grid_point", "page_size": 3}).json()
    assert body["count"] == 8
    assert [r["rank"] for r in body["results"]] == [1, 1, 3]  # G0 and G2 99; then G4 98
    assert body["next"]
    assert client.get(URL, {"level": "grid_point", "page": 99}).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "November"}, "month"),
        ({"month": "2026-1"}, "month"),
        ({"level": "village"}, "level"),
    ],
)
def test_bad_month_or_level_is_a_400_naming_it(city, closed, query, field):
    response = api(city.city_user(Role.LEADER)).get(URL, query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_month_not_closed_is_a_404(city, closed):
    response = api(city.city_user(Role.LEADER)).get(URL, {"month": "2026-12"})
    assert response.status_code == 404
    assert response.json()["detail"]


def test_scoped_to_the_callers_county(city, closed):
    county_leader = UserFactory(role=Role.LEADER, region=city.counties[1])
    body = api(county_leader).get(URL, {"level": "county"}).json()
    assert [r["name"] for r in body["results"]] == ["第2区"]
    townships = api(county_leader).get(URL, {"level": "township"}).json()
    assert {r["name"] for r in townships["results"]} == {"第2区1镇", "第2区2镇"}


def test_not_for_informants_or_units(city, closed):
    assert api(city.informant(0)).get(URL).status_code == 403
    assert api(closed.cast.liaison).get(URL).status_code == 403
    assert api(None).get(URL).status_code in (401, 403)
