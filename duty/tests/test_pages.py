"""Duty's pages: the informant's forms (file, refused with what was typed kept, filed), the home
panel, the overviews with pinned query counts, and the one-click reminder."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from duty.filings import DAILY_REPORT, RISK_POINTS
from duty.models import DailyReport, RiskPointList
from duty.services.expected import expected_create_for, expected_sweep
from duty.services.filings import daily_report_file
from notifications.models import Notification

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 20)
MORNING = datetime(2026, 11, 20, 10, 0, tzinfo=SH)
AFTERNOON = datetime(2026, 11, 20, 16, 0, tzinfo=SH)

pytestmark = pytest.mark.django_db


def entries(prefix: str, rows: list[dict], total: int) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{k}": v for k, v in row.items()})
    return data


@pytest.fixture
def rows(city):
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    expected_create_for(kind=RISK_POINTS, period=date(2026, 11, 1))


@time_machine.travel(MORNING, tick=False)
def test_the_informant_files_a_daily_report_from_the_form(client, city, rows):
    informant = city.informant(0)
    client.force_login(informant)
    page = client.get("/duty/daily-report/")
    assert page.status_code == 200
    assert "Due today at 15:00" in page.content.decode()
    data = entries(
        "entry", [{"title": "网传停水", "platform": "wechat_group", "url": "https://e.cn/a"}], 8
    )
    answer = client.post("/duty/daily-report/", data, follow=True)
    html = answer.content.decode()
    assert "Daily report filed on time." in html
    assert "网传停水" in html
    assert 'data-testid="daily-filed"' in html
    assert DailyReport.objects.get().items.get().platform == "wechat_group"


@time_machine.travel(MORNING, tick=False)
def test_a_refused_form_keeps_what_was_typed(client, city, rows):
    client.force_login(city.informant(0))
    data = entries("entry", [{"title": "只有标题", "url": "https://e.cn/b"}], 8)
    answer = client.post("/duty/daily-report/", data)
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "The daily report was not filed yet." in html
    assert "Item 1: choose the platform." in html
    assert 'value="只有标题"' in html
    assert DailyReport.objects.count() == 0


@time_machine.travel(MORNING, tick=False)
def test_nothing_to_report_and_the_home_panel(client, city, rows):
    informant = city.informant(0)
    client.force_login(informant)
    home = client.get("/").content.decode()
    assert 'data-testid="my-filings"' in home
    assert "Not filed yet" in home
    client.post("/duty/daily-report/", {"nothing_to_report": "on", **entries("entry", [], 8)})
    home = client.get("/").content.decode()
    assert "Filed at 10:00." in home
    assert DailyReport.objects.get().nothing_to_report


@time_machine.travel(AFTERNOON, tick=False)
def test_a_late_filing_says_so(client, city, rows):
    expected_sweep(now=AFTERNOON)
    client.force_login(city.informant(0))
    assert "File it late" in client.get("/").content.decode()
    answer = client.post(
        "/duty/daily-report/", {"nothing_to_report": "on", **entries("entry", [], 8)}, follow=True
    )
    assert "after the deadline: late" in answer.content.decode()


@time_machine.travel(MORNING, tick=False)
def test_the_risk_points_form(client, city, rows):
    client.force_login(city.informant(0))
    assert client.get("/duty/risk-points/").status_code == 200
    risk = {
        "description": "拆迁户聚集上访苗头",
        "area": "城南片区",
        "level": "high",
        "measures": "包保干部逐户走访",
        "responsible": "王芳",
    }
    half = entries("risk", [{"description": "只写了描述"}], 6)
    refused = client.post("/duty/risk-points/", half)
    assert refused.status_code == 400
    assert "Risk point 1: fill in area, measures, responsible." in refused.content.decode()
    answer = client.post("/duty/risk-points/", entries("risk", [risk], 6), follow=True)
    assert "Risk points filed on time." in answer.content.decode()
    assert RiskPointList.objects.get().items.get().responsible == "王芳"


def test_people_who_do_not_file_get_403(client, city):
    client.force_login(city.county_admin(0))
    assert client.get("/duty/daily-report/").status_code == 403
    client.force_login(city.informant(0))
    assert client.get("/duty/overview/").status_code == 403


@time_machine.travel(AFTERNOON, tick=False)
def test_the_county_overview_shows_on_time_late_and_missing(client, city, rows):
    daily_report_file(by=city.informant(0), nothing_to_report=True, now=MORNING)
    expected_sweep(now=AFTERNOON)
    daily_report_file(by=city.informant(1), nothing_to_report=True, now=AFTERNOON)
    client.force_login(city.county_admin(0))
    html = client.get("/duty/overview/").content.decode()
    assert "2 of 4 grid points filed" in html
    first, second, third = (city.grid_points[n].code for n in range(3))
    row = html.split(f'data-testid="point-{first}"')[1].split("</tr>")[0]
    assert "On time" in row
    assert "Late" in html.split(f'data-testid="point-{second}"')[1].split("</tr>")[0]
    assert "Missing" in html.split(f'data-testid="point-{third}"')[1].split("</tr>")[0]
    assert city.grid_points[4].code not in html  # the other county
    only_missing = client.get("/duty/overview/?status=missed").content.decode()
    assert first not in only_missing
    assert third in only_missing


@time_machine.travel(AFTERNOON, tick=False)
def test_the_city_overview_counts_every_county(client, city, rows):
    daily_report_file(by=city.informant(0), nothing_to_report=True, now=MORNING)
    expected_sweep(now=AFTERNOON)
    client.force_login(city.city_user())
    html = client.get("/duty/overview/").content.decode()
    assert "1 of 8 grid points filed" in html
    assert f'data-testid="county-{city.counties[0].pk}"' in html
    assert f'data-testid="county-{city.counties[1].pk}"' in html
    county = client.get(f"/duty/overview/?county={city.counties[1].pk}").content.decode()
    assert "0 of 4 grid points filed" in county


def test_a_bad_day_is_a_400_page(client, city):
    client.force_login(city.county_admin(0))
    assert client.get("/duty/overview/?date=someday").status_code == 400


@time_machine.travel(AFTERNOON, tick=False)
def test_one_click_reminds_the_missing(client, city, rows):
    daily_report_file(by=city.informant(0), nothing_to_report=True, now=MORNING)
    expected_sweep(now=AFTERNOON)
    missing = [city.informant(n) for n in range(1, 4)]
    city.informant(4)  # the other county's: not reminded by this county's admin
    client.force_login(city.county_admin(0))
    answer = client.post(
        "/duty/overview/remind/", {"kind": DAILY_REPORT, "date": "2026-11-20"}, follow=True
    )
    assert "Reminder sent to 3 people at 3 grid points." in answer.content.decode()
    reminded = set(
        Notification.objects.filter(kind="duty_reminder").values_list("recipient_id", flat=True)
    )
    assert reminded == {p.pk for p in missing}


@pytest.mark.parametrize("points", [1, 3])
@time_machine.travel(AFTERNOON, tick=False)
def test_overview_query_counts_are_pinned(client, city, points, django_assert_num_queries):
    for n in range(points):
        daily_report_file(by=city.informant(n), nothing_to_report=True, now=MORNING)
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    client.force_login(city.county_admin(0))
    client.get("/duty/overview/")
    # the session, the person, the totals, the page's count and its rows (the bell's count
    # is cached); none per grid point
    with django_assert_num_queries(5):
        assert client.get("/duty/overview/").status_code == 200
    client.force_login(city.city_user())
    client.get("/duty/overview/")
    # the session, the person, the totals, the counties' rows, dispatch's major-case banner
    with django_assert_num_queries(5):
        assert client.get("/duty/overview/").status_code == 200


@pytest.mark.parametrize("late", [1, 3])
@time_machine.travel(AFTERNOON, tick=False)
def test_the_county_overview_shows_each_missing_or_late_points_deduction(
    client, city, late, django_assert_num_queries
):
    # given point 0 on time, ``late`` points filed after 15:00, the others missed by the sweep
    from duty.models import Deduction, ExpectedSubmission

    expected_create_for(kind=DAILY_REPORT, period=DAY)
    daily_report_file(by=city.informant(0), nothing_to_report=True, now=MORNING)
    expected_sweep(now=datetime(2026, 11, 20, 15, 0, tzinfo=SH))
    for n in range(1, 1 + late):
        daily_report_file(by=city.informant(n), nothing_to_report=True, now=AFTERNOON)
    client.force_login(city.county_admin(0))
    client.get("/duty/overview/")
    # when the county admin opens the overview: one more query than with nothing scored
    with django_assert_num_queries(6):
        page = client.get("/duty/overview/").content.decode()
    # then each late or missing point shows its counting deduction, linked; the on-time none
    rows = ExpectedSubmission.objects.filter(kind=DAILY_REPORT, period=DAY, county=city.counties[0])
    for row in rows.select_related("grid_point"):
        shown = f'data-testid="deduction-{row.grid_point.code}"'
        if row.status == "on_time":
            assert shown not in page
            continue
        deduction = Deduction.objects.get(source_id=row.pk, status="counting")
        # a late filing's deduction replaces the missed one (which is cancelled, not shown)
        assert deduction.kind == f"daily_report_{row.status}"
        assert shown in page
        assert f'href="/duty/deductions/{deduction.pk}/"' in page
