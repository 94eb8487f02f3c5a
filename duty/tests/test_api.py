"""Duty's API: scoped, paginated, filtered lists; filings answer 201, 400 with the field named,
403 for people who do not file, 409 for a second filing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from duty.filings import DAILY_REPORT, RISK_POINTS
from duty.models import DailyReport, RiskPointList
from duty.services.expected import expected_create_for, expected_sweep
from duty.services.filings import daily_report_file
from reports.tests.factories import submit

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 20)
MORNING = datetime(2026, 11, 20, 10, 0, tzinfo=SH)

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@time_machine.travel(MORNING, tick=False)
def test_an_informant_files_the_daily_report(city):
    informant = city.informant(0)
    case = submit(informant)
    answer = api(informant).post(
        "/api/v1/daily-reports/",
        {
            "items": [
                {"report": case.pk},
                {
                    "title": "抖音视频称学校食堂问题",
                    "platform": "short_video",
                    "url": "https://v.cn/x",
                },
            ],
            "note": "已核实",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["day"] == "2026-11-20"
    assert body["is_late"] is False
    assert body["items"][0]["report_number"] == case.case_number
    assert body["items"][1]["platform"] == "short_video"
    assert body["grid_point"]["id"] == informant.grid_point_id


@time_machine.travel(MORNING, tick=False)
def test_a_second_filing_is_409_and_changes_nothing(city):
    informant = city.informant(0)
    client = api(informant)
    assert (
        client.post(
            "/api/v1/daily-reports/", {"nothing_to_report": True}, format="json"
        ).status_code
        == 201
    )
    again = client.post(
        "/api/v1/daily-reports/",
        {"items": [{"title": "a", "platform": "weibo"}]},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_filed"
    assert DailyReport.objects.get().nothing_to_report is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "items"),
        ({"nothing_to_report": "maybe"}, "nothing_to_report"),
        ({"day": "2026-13-01", "nothing_to_report": True}, "day"),
        ({"day": "2026-11-21", "nothing_to_report": True}, "day"),
        ({"items": [{"title": "x", "platform": "carrier pigeon"}]}, "items"),
        ({"items": "many"}, "items"),
        ({"items": [{"report": 0}]}, "items"),
    ],
)
@time_machine.travel(MORNING, tick=False)
def test_bad_daily_reports_answer_400_naming_the_field(city, payload, field):
    answer = api(city.informant(0)).post("/api/v1/daily-reports/", payload, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["errors"]
    assert DailyReport.objects.count() == 0


def test_only_grid_point_people_file(city):
    answer = api(city.county_admin(0)).post(
        "/api/v1/daily-reports/", {"nothing_to_report": True}, format="json"
    )
    assert answer.status_code == 403


@time_machine.travel(MORNING, tick=False)
def test_risk_points_through_the_api(city):
    client = api(city.informant(0))
    item = {
        "description": "征地补偿款发放争议",
        "area": "二组",
        "level": "medium",
        "measures": "村委会每周公示进度",
        "responsible": "李强",
    }
    answer = client.post("/api/v1/risk-points/", {"items": [item]}, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["month"] == "2026-11"
    assert answer.json()["items"] == [item]
    assert (
        client.post("/api/v1/risk-points/", {"nothing_found": True}, format="json").status_code
        == 409
    )
    bad = client.post(
        "/api/v1/risk-points/", {"month": "11/2026", "nothing_found": True}, format="json"
    )
    assert bad.status_code == 400
    assert "month" in bad.json()["errors"]
    assert RiskPointList.objects.count() == 1
    listed = client.get("/api/v1/risk-points/?month=2026-11").json()
    assert listed["count"] == 1
    assert client.get("/api/v1/risk-points/?month=nope").status_code == 400


def test_lists_are_scoped(city):
    for n in range(4):  # two in each county
        daily_report_file(by=city.informant(n * 2), nothing_to_report=True, now=MORNING)
    admin = city.county_admin(0)
    listed = api(admin).get("/api/v1/daily-reports/").json()
    assert listed["count"] == 2
    assert {r["grid_point"]["id"] for r in listed["results"]} <= {
        p.pk for p in city.grid_points[:4]
    }
    assert api(city.city_user()).get("/api/v1/daily-reports/").json()["count"] == 4
    assert api(city.informant(0)).get("/api/v1/daily-reports/").json()["count"] == 1


def test_expected_submissions_filtered_by_kind_date_and_status(city):
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    expected_create_for(kind=RISK_POINTS, period=date(2026, 11, 1))
    daily_report_file(by=city.informant(0), nothing_to_report=True, now=MORNING)
    expected_sweep(now=datetime(2026, 11, 20, 15, 0, tzinfo=SH))
    client = api(city.county_admin(0))
    url = "/api/v1/expected-submissions/"
    assert client.get(url, {"date": "2026-11-20"}).json()["count"] == 8  # 4 daily + 4 risk
    daily = client.get(url, {"date": "2026-11-20", "kind": DAILY_REPORT}).json()
    assert daily["count"] == 4
    missed = client.get(url, {"date": "2026-11-20", "status": "missed"}).json()
    assert missed["count"] == 3
    assert all(r["settled_at"] == r["due_at"] for r in missed["results"])
    on_time = client.get(url, {"kind": DAILY_REPORT, "status": "on_time"}).json()["results"]
    assert [r["grid_point"]["id"] for r in on_time] == [city.grid_points[0].pk]
    risk = client.get(url, {"date": "2026-11-07", "kind": RISK_POINTS}).json()
    assert risk["count"] == 4
    assert {r["status"] for r in risk["results"]} == {"pending"}


@pytest.mark.parametrize(
    "query", [{"kind": "nope"}, {"status": "lost"}, {"date": "yesterday"}, {"page": "0"}]
)
def test_bad_filters_answer_400_or_404_in_json(city, query):
    answer = api(city.county_admin(0)).get("/api/v1/expected-submissions/", query)
    assert answer.status_code in (400, 404)
    assert "detail" in answer.json()


@pytest.mark.parametrize("rows", [1, 6])
def test_list_query_counts_do_not_grow(city, rows, django_assert_num_queries):
    for n in range(rows):
        daily_report_file(by=city.informant(n), nothing_to_report=True, now=MORNING)
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    client = api(city.city_user())
    # the count, the page, its items (prefetched); the home node is the person's, loaded
    with django_assert_num_queries(3):
        assert client.get("/api/v1/daily-reports/").status_code == 200
    with django_assert_num_queries(2):
        assert client.get("/api/v1/expected-submissions/").status_code == 200
