"""The demo leader's scorecards in a real browser: the dashboard, the big screen refreshing
itself, the drill-down from the city to a case, and the monthly bulletin's spreadsheet.

Screenshots go to ``SCORECARD_SHOTS`` (default ``screenshots/``): the dashboard at 360 and
1440 px, the big screen at 1920×1080 (which must not scroll).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from demo_people import log_in
from openpyxl import load_workbook
from playwright.sync_api import expect

from scorecards.services import month_close
from scorecards.tests.scenario import CLOSE_AT, MONTH, build_november

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("SCORECARD_SHOTS", "screenshots"))


@pytest.fixture
def closed_month(demo_users):
    november = build_november(demo_users.city)
    month_close(month=MONTH, now=CLOSE_AT)
    return november


def test_leader_dashboard_screen_drill_and_bulletin(
    page, live_server, demo_users, closed_month, settings, tmp_path
):
    settings.SCORECARDS_SCREEN_REFRESH = 1  # the screen's minute, shortened for the test
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, base, "demo-leader")

    # The dashboard, from the menu.
    page.get_by_role("link", name="监督评价").first.click()
    expect(page.get_by_test_id("dashboard")).to_be_visible()
    expect(page.locator("#chart-trend canvas")).to_have_count(1)
    expect(page.get_by_test_id("ranking")).to_contain_text("第1区")
    expect(page.get_by_test_id("ranking")).to_contain_text("89.5")  # 100 − 12.5 + 2
    expect(page.get_by_test_id("ranking")).to_contain_text("网情日报未报送")
    page.screenshot(path=str(SHOTS / "scorecards-dashboard-1440.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_timeout(100)
    page.screenshot(path=str(SHOTS / "scorecards-dashboard-360.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.set_viewport_size({"width": 1440, "height": 900})

    # The big screen: dark, 1920×1080 without scrolling, refreshing without reloading.
    screen = page.context.new_page()
    screen.set_viewport_size({"width": 1920, "height": 1080})
    screen.goto(f"{base}/scorecards/screen/")
    expect(screen.get_by_test_id("big-screen")).to_be_visible()
    screen.evaluate("window.__sameDocument = true")
    screen.wait_for_selector("[data-refreshed]", timeout=10_000)
    assert screen.evaluate("window.__sameDocument") is True  # refreshed, not reloaded
    size = screen.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert size == [1920, 1080]
    screen.screenshot(path=str(SHOTS / "scorecards-screen-1920.png"))
    screen.close()

    # The deductions behind a ranked score, from the dashboard.
    page.goto(f"{base}/scorecards/dashboard/")
    page.get_by_test_id("ranking").get_by_role("link", name="−12.5").click()
    deductions = page.get_by_test_id("drill-deductions")
    expect(deductions.locator("tbody tr")).to_have_count(10)
    expect(page.get_by_test_id("drill-parts")).to_contain_text("未按时交接班")
    page.screenshot(path=str(SHOTS / "scorecards-deductions-1440.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_timeout(100)
    page.screenshot(path=str(SHOTS / "scorecards-deductions-360.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{base}/scorecards/?month=2026-11&level=grid_point")
    expect(page.get_by_test_id("scorecard-table")).to_contain_text("96.5")  # G1
    page.screenshot(path=str(SHOTS / "scorecards-table-1440.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_timeout(100)
    page.screenshot(path=str(SHOTS / "scorecards-table-360.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{base}/scorecards/dashboard/")

    # Drill down: the county → its townships → a township's grid points → the cases.
    page.get_by_test_id("ranking").get_by_role("link", name="第1区").click()
    expect(page.get_by_test_id("scorecard-table")).to_contain_text("第1区1镇")
    page.get_by_test_id("scorecard-table").get_by_role("link", name="第1区1镇").click()
    table = page.get_by_test_id("scorecard-table")
    expect(table).to_contain_text("网格信息点")
    first_point = table.locator("tbody tr").first
    first_point.locator("td.num a[href$='/filed/']").click()  # the grid point's reports filed
    cases = page.get_by_test_id("drill-cases")
    case = closed_month.cases["A"]
    expect(cases).to_contain_text(case.case_number)
    page.goto(f"{base}/scorecards/2026-11/bulletin/")
    page.screenshot(path=str(SHOTS / "scorecards-bulletin-1440.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_timeout(100)
    page.screenshot(path=str(SHOTS / "scorecards-bulletin-360.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.go_back()
    cases.get_by_role("link", name=case.case_number).click()
    expect(page.locator("body")).to_contain_text(case.title)

    # The monthly bulletin, and its spreadsheet.
    page.goto(f"{base}/scorecards/")
    page.get_by_test_id("bulletin-link").first.click()
    expect(page.get_by_test_id("bulletin")).to_contain_text("第1区")
    with page.expect_download() as download:
        page.get_by_test_id("bulletin-xlsx").click()
    path = tmp_path / "bulletin.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames[0] == "县"
    sheet = book[book.sheetnames[0]]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["排名", "考核对象", "所属", "得分", "上报数"]
    rows = [[c.value for c in row][:5] for row in sheet.iter_rows(min_row=2)]
    assert rows == [[1, "第1区", "测试市", 89.5, 5], [2, "第2区", "测试市", 87, 2]]
    assert "扣分" in header  # the deductions
    assert "网情日报未报送" in header  # and by kind
