"""The daily report in a real browser: the demo informant files it on a 360 px phone before
15:00; after 15:00 the county admin's overview shows it on time and another grid point missing,
with its deduction (−1, linked to the deduction's page), and one click reminds the missing.
The risk-point form and the city's overview are looked at too.

Screenshots of each page at 360 and 1440 px go to ``DUTY_SHOTS`` (default ``screenshots/``)
as ``duty-*.png``; each one also fails the test if the page scrolls sideways.
"""

from __future__ import annotations

import os
from datetime import datetime, time
from pathlib import Path

import pytest
import time_machine
from demo_people import log_in
from django.utils import timezone
from playwright.sync_api import expect

from duty.filings import DAILY_REPORT, RISK_POINTS
from duty.kinds import month_start
from duty.models import DailyReport, Deduction, ExpectedSubmission, SubmissionStatus
from duty.services.expected import expected_create_for, expected_sweep
from notifications.models import Notification

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("DUTY_SHOTS", "screenshots"))
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1440, "height": 900}


def shoot(page, name: str) -> None:
    """Save the page at phone and desktop size; fail if it scrolls sideways at either."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.wait_for_timeout(80)
        page.screenshot(path=str(SHOTS / f"duty-{name}-{size['width']}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {size['width']}px"
    page.set_viewport_size(original)


def local(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_file_on_a_phone_then_the_county_sees_on_time_and_missing(
    new_context, live_server, demo_users
):
    base = live_server.url
    users = demo_users.users
    city = demo_users.city
    today = timezone.localdate()
    expected_create_for(kind=DAILY_REPORT, period=today)
    expected_create_for(kind=RISK_POINTS, period=month_start(today))
    mine = users["demo-informant"].grid_point
    other = city.grid_points[1]  # same county, nobody files there

    # when: the informant, on a phone at 10:00, files today's report
    with time_machine.travel(local(today, 10), tick=True):
        phone = new_context(viewport=PHONE).new_page()
        log_in(phone, base, "demo-informant")
        panel = phone.get_by_test_id("my-filings")
        expect(panel).to_contain_text("未报送")
        shoot(phone, "home-informant")
        panel.get_by_role("link", name="报送今日网情日报").click()
        expect(phone.get_by_test_id("daily-status")).to_contain_text("15:00")
        entries = phone.get_by_test_id("entry")
        expect(entries.nth(1)).to_be_hidden()  # one row shown; more on demand
        shoot(phone, "daily-form")
        first = entries.nth(0)
        first.get_by_label("标题").fill("业主群转发小区停水通知，居民询问恢复时间")
        first.get_by_label("平台").select_option("wechat_group")
        first.get_by_label("链接").fill("https://example.com/group/1")
        phone.get_by_role("button", name="再添一条").click()
        expect(entries.nth(1)).to_be_visible()
        shoot(phone, "daily-form-filled")
        phone.get_by_role("button", name="报送网情日报").click()
        expect(phone.locator("ul.messages")).to_contain_text("网情日报已按时报送")
        expect(phone.get_by_test_id("daily-filed")).to_contain_text("业主群转发小区停水通知")
        shoot(phone, "daily-filed")
        phone.goto(f"{base}/duty/risk-points/")
        expect(phone.get_by_test_id("risk-status")).to_contain_text("未报送")
        shoot(phone, "risk-form")
        phone.goto(f"{base}/")
        expect(phone.get_by_test_id("my-daily")).to_contain_text("按时")
    report = DailyReport.objects.get(grid_point=mine, day=today)
    assert report.is_late is False
    assert report.items.get().platform == "wechat_group"

    # then: the 15:00 sweep misses the others, at 15:00
    expected_sweep(now=local(today, 15))
    row = ExpectedSubmission.objects.get(kind=DAILY_REPORT, period=today, grid_point=other)
    assert (row.status, row.settled_at) == (SubmissionStatus.MISSED, local(today, 15))
    # with its deduction (the seeded rule: −1), and none for the one filed on time
    deduction = Deduction.objects.get(source_id=row.pk, kind="daily_report_missed")
    assert (deduction.grid_point, deduction.points, deduction.at) == (other, -1, local(today, 15))
    filed = ExpectedSubmission.objects.get(kind=DAILY_REPORT, period=today, grid_point=mine)
    assert not Deduction.objects.filter(source_id=filed.pk, kind__startswith="daily").exists()

    # and the county admin's overview, at 15:30 on a desktop, says so
    with time_machine.travel(local(today, 15, 30), tick=True):
        desk = new_context(viewport=DESKTOP).new_page()
        log_in(desk, base, "demo-county-admin")
        expect(desk.get_by_test_id("filings-panel")).to_contain_text("4 个网格信息点中已报送 1 个")
        shoot(desk, "home-county-admin")
        desk.get_by_test_id("filings-panel").get_by_role("link").click()
        expect(desk.get_by_test_id(f"point-{mine.code}")).to_contain_text("按时")
        expect(desk.get_by_test_id(f"point-{other.code}")).to_contain_text("缺报")
        expect(desk.get_by_test_id(f"deduction-{other.code}")).to_have_text("-1 分")
        expect(desk.get_by_test_id(f"deduction-{mine.code}")).to_have_count(0)
        shoot(desk, "overview-county")
        desk.set_viewport_size(PHONE)
        expect(desk.get_by_test_id(f"deduction-{other.code}")).to_be_visible()
        desk.set_viewport_size(DESKTOP)
        desk.get_by_test_id(f"deduction-{other.code}").click()
        expect(desk.locator("main")).to_contain_text("网情日报未报送")
        expect(desk.locator("main")).to_contain_text(other.name)
        shoot(desk, "overview-county-deduction")
        desk.go_back()
        desk.get_by_test_id("remind-daily_report").click()
        expect(desk.locator("body")).to_contain_text("已向 3 个网格信息点的")
        desk.get_by_role("link", name="缺报").first.click()
        expect(desk.get_by_test_id(f"point-{mine.code}")).to_have_count(0)
        shoot(desk, "overview-county-missing")

        city_page = new_context(viewport=DESKTOP).new_page()
        log_in(city_page, base, "demo-duty-officer")
        city_page.goto(f"{base}/duty/overview/")
        expect(city_page.get_by_test_id("counties")).to_contain_text(city.counties[1].name)
        shoot(city_page, "overview-city")
        city_page.get_by_role("link", name=city.counties[1].name).click()
        expect(city_page.get_by_test_id("grid-points")).to_contain_text("缺报")
        shoot(city_page, "overview-city-county")
    reminded = Notification.objects.filter(kind="duty_reminder")
    assert reminded.count() >= 3
    assert not reminded.filter(recipient=users["demo-informant"]).exists()
