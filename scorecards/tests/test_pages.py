"""The scorecard pages: the month's table, the cases behind a figure, recompute and publish,
the dashboard, the big screen and its JSON; scoped, with pinned query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from duty.filings import DAILY_REPORT
from duty.services.expected import expected_create_for
from duty.services.filings import daily_report_file
from grid.models import Role
from grid.tests.factories import UserFactory
from scorecards.models import MonthSnapshot, SnapshotState
from scorecards.services import month_close
from scorecards.tests.scenario import CLOSE_AT, MONTH, build_november

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(city):
    november = build_november(city)
    month_close(month=MONTH, now=CLOSE_AT)
    return november


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_table_ranks_and_links_each_figure(client, city, closed, django_assert_num_queries):
    signed_in(client, city.city_user(Role.LEADER))
    # session, person, the month, the months listed, the count, the page
    with django_assert_num_queries(7):
        response = client.get(reverse("scorecards-table"), {"month": "2026-11"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "第1区" in html
    assert "66.7%" in html
    drill = reverse("scorecards-drill", args=["2026-11", "county", city.counties[0].pk, "filed"])
    assert drill in html
    below = f"level=township&amp;within={city.counties[0].pk}"
    assert below in html


def test_drill_down_city_to_cases_in_three_clicks(client, city, closed):
    signed_in(client, city.city_user(Role.LEADER))
    # 1: a county's townships; 2: a township's grid points; 3: a grid point's cases.
    townships = client.get(
        reverse("scorecards-table"),
        {"month": "2026-11", "level": "township", "within": city.counties[0].pk},
    ).content.decode()
    assert "第1区1镇" in townships
    assert "第2区1镇" not in townships
    points = client.get(
        reverse("scorecards-table"),
        {"month": "2026-11", "level": "grid_point", "within": city.townships[0].pk},
    ).content.decode()
    drill = reverse(
        "scorecards-drill", args=["2026-11", "grid_point", city.grid_points[0].pk, "filed"]
    )
    assert drill in points
    cases = client.get(drill).content.decode()
    for key in ("A", "B", "C"):
        assert closed.cases[key].case_number in cases
    assert closed.cases["D"].case_number not in cases


def test_a_county_leader_cannot_open_another_countys_figures(client, city, closed):
    signed_in(client, UserFactory(role=Role.LEADER, region=city.counties[1]))
    drill = reverse("scorecards-drill", args=["2026-11", "county", city.counties[0].pk, "filed"])
    assert client.get(drill).status_code == 404
    page = client.get(reverse("scorecards-table")).content.decode()
    assert "第1区" not in page.replace("第1区1镇", "")  # only its own county's row
    assert (
        client.get(
            reverse("scorecards-table"), {"level": "township", "within": city.counties[0].pk}
        ).status_code
        == 404
    )


def test_bad_month_or_level_on_the_page(client, city, closed):
    signed_in(client, city.city_user(Role.LEADER))
    assert client.get(reverse("scorecards-table"), {"month": "2026-13"}).status_code == 400
    assert client.get(reverse("scorecards-table"), {"level": "x"}).status_code == 400
    assert client.get(reverse("scorecards-table"), {"month": "2027-01"}).status_code == 404


def test_informants_are_refused(client, city, closed):
    signed_in(client, city.informant(0))
    assert client.get(reverse("scorecards-table")).status_code == 403
    assert client.get(reverse("scorecards-dashboard")).status_code == 403


def test_city_admin_recomputes_then_publishes(client, city, closed):
    admin = city.city_user(Role.SYS_ADMIN)
    signed_in(client, admin)
    page = client.get(reverse("scorecards-table")).content.decode()
    assert reverse("scorecards-publish", args=["2026-11"]) in page
    response = client.post(reverse("scorecards-recompute", args=["2026-11"]), {"reason": "核对"})
    assert response.status_code == 302
    assert MonthSnapshot.objects.get().revision == 2
    client.post(reverse("scorecards-publish", args=["2026-11"]))
    assert MonthSnapshot.objects.get().state == SnapshotState.PUBLISHED
    client.post(reverse("scorecards-recompute", args=["2026-11"]), {"reason": "再算"})
    assert MonthSnapshot.objects.get().revision == 2  # published: unchanged
    # A leader may not.
    signed_in(client, city.city_user(Role.LEADER))
    assert client.post(reverse("scorecards-publish", args=["2026-11"])).status_code == 403


def test_dashboard_and_screen(client, city, closed, django_assert_num_queries):
    signed_in(client, city.city_user(Role.LEADER))
    client.get(reverse("scorecards-dashboard"))
    # session, person, banner, the figures (8), the access record
    with django_assert_num_queries(12):
        response = client.get(reverse("scorecards-dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="chart-trend"' in html
    assert "vendor/echarts/echarts.min.js" in html
    assert 'data-testid="daily-reports"' in html
    # session, person, the figures (8), the access record
    with django_assert_num_queries(11):
        data = client.get(reverse("scorecards-screen-data")).json()
    assert data["ranking"]["level"] == "county"
    assert [r["name"] for r in data["ranking"]["rows"]] == ["第1区", "第2区"]
    # With the deductions behind each score: 89.5 = 100 − 12.5 + 2; the heaviest kinds first.
    first = data["ranking"]["rows"][0]
    assert (first["score"], first["deductions"], first["bonuses"]) == (89.5, 12.5, 2.0)
    assert [b["points"] for b in first["behind"]] == [-6.0, -4.0, -1.0]
    assert first["behind"][0]["label"] == "Risk-point list missing"
    assert first["deductions_url"] == reverse(
        "scorecards-drill", args=["2026-11", "county", city.counties[0].pk, "deductions"]
    )
    assert (
        reverse("scorecards-drill", args=["2026-11", "county", city.counties[0].pk, "deductions"])
        in html
    )
    assert data["open"]["total"] == 5  # D routed, F local; E, G and H submitted
    assert client.get(reverse("scorecards-screen")).status_code == 200


def test_daily_reports_today_on_the_dashboard(client, city, closed):
    today = timezone.localdate()
    expected_create_for(kind=DAILY_REPORT, period=today)
    daily_report_file(by=closed.duty.heads[4], nothing_to_report=True, day=today)
    signed_in(client, UserFactory(role=Role.LEADER, region=city.counties[1]))
    data = client.get(reverse("scorecards-screen-data")).json()["daily_reports"]
    # County 1's four grid points; G4 filed (on time before 15:00, late after).
    assert data["owed"] == 4
    assert data["on_time"] + data["late"] == 1
    assert data["missed"] == 0
    assert data["pending"] == 3
    page = client.get(reverse("scorecards-dashboard")).content.decode()
    assert 'data-k="daily_reports.owed">4<' in page


def test_county_leader_dashboard_ranks_townships_of_their_county(client, city, closed):
    signed_in(client, UserFactory(role=Role.LEADER, region=city.counties[1]))
    data = client.get(reverse("scorecards-screen-data")).json()
    assert data["ranking"]["level"] == "township"
    assert {r["name"] for r in data["ranking"]["rows"]} == {"第2区1镇", "第2区2镇"}


def test_bulletin_page_and_spreadsheet(client, city, closed):
    from io import BytesIO

    from openpyxl import load_workbook

    signed_in(client, city.city_user(Role.LEADER))
    page = client.get(reverse("scorecards-bulletin", args=["2026-11"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "第1区" in html
    deductions = html[html.index('data-testid="bulletin-deductions"') :]
    assert "12.5 points deducted" in deductions  # county 0, with the heaviest kinds
    assert "Risk-point list missing -6" in deductions
    assert "Daily report missing -4" in deductions
    response = client.get(reverse("scorecards-bulletin-xlsx", args=["2026-11"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["County", "Township", "Grid point", "Unit"]
    sheet = book["County"]
    assert sheet.freeze_panes == "C2"
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Rank", "Assessed", "Within", "Score", "Reports filed"]
    first = [c.value for c in sheet[2]]
    assert first[:5] == [1, "第1区", "测试市", 89.5, 5]
    rate = sheet.cell(row=2, column=header.index("Completion rate") + 1)
    assert rate.value == 0.6667
    assert rate.number_format == "0.0%"
    deducted = sheet.cell(row=2, column=header.index("Deductions") + 1)
    assert (deducted.value, deducted.number_format) == (12.5, "0.0")
    assert "Daily reports missed" in header
    assert "Handover missed" in header  # the deductions by kind, as columns of their own
    assert sheet.column_dimensions["B"].width >= 8
    # A county leader's spreadsheet holds their county only.
    signed_in(client, UserFactory(role=Role.LEADER, region=city.counties[1]))
    book = load_workbook(
        BytesIO(client.get(reverse("scorecards-bulletin-xlsx", args=["2026-11"])).content)
    )
    assert [r[1].value for r in book["County"].iter_rows(min_row=2)] == ["第2区"]
