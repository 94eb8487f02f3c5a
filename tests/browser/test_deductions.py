"""Deductions in a real browser: a duty officer records one by hand; the penalised grid
point's head sees it on a 360 px phone and appeals; the city admin cancels it; the list shows
it cancelled.

Screenshots of each page at 360 and 1440 px go to ``DEDUCTION_SHOTS`` (default
``screenshots/``) as ``deductions-*.png``; each one also fails the test if the page scrolls
sideways.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from demo_people import log_in
from django.utils import timezone
from playwright.sync_api import expect

from duty.deductions.services import deductions_from_events
from duty.models import Deduction, DeductionStatus
from grid.hooks import ScoreEvent

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("DEDUCTION_SHOTS", "screenshots"))
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1440, "height": 900}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.wait_for_timeout(80)
        page.screenshot(path=str(SHOTS / f"deductions-{name}-{size['width']}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {size['width']}px"
    page.set_viewport_size(original)


@pytest.fixture
def seeded_rules(transactional_db):
    import importlib

    from django.apps import apps

    importlib.import_module("duty.migrations.0003_seed_deduction_rules").seed(apps, None)


def test_record_appeal_and_cancel(page, live_server, demo_users, seeded_rules):
    city, users = demo_users.city, demo_users.users
    point = city.grid_points[0]
    # a few the product recorded itself: missed daily reports
    now = timezone.now()
    deductions_from_events(
        [
            ScoreEvent.of("daily_report_missed", source=p, target=p, at=now - timedelta(days=d))
            for d in (1, 2)
            for p in city.grid_points[:3]
        ][:3]
    )
    base = live_server.url

    # the duty officer records a concealed report against the head's grid point
    log_in(page, base, "demo-duty-officer")
    page.goto(f"{base}/duty/deductions/new/")
    page.select_option("select[name=kind]", "report_missed")
    page.select_option("select[name=grade]", "important")
    page.check("input[name=target_type][value=grid_point]")
    page.fill("input[name=target]", point.code)
    page.fill("textarea[name=reason]", "群众在微信群反映的道路塌陷信息，网格点未按要求上报。")
    shoot(page, "new")
    page.get_by_role("button", name="记录").click()
    expect(page.get_by_test_id("points")).to_have_text("-4")
    deduction = Deduction.objects.get(created_by=users["demo-duty-officer"])
    page.goto(f"{base}/duty/deductions/")
    expect(page.get_by_test_id("deduction-row")).to_have_count(4)
    shoot(page, "list")
    page.context.clear_cookies()

    # the grid point's head, on a phone, appeals
    page.set_viewport_size(PHONE)
    log_in(page, base, "demo-head")
    page.goto(f"{base}/duty/deductions/")
    page.get_by_role("link", name="漏报·瞒报").click()
    expect(page.get_by_test_id("appeal-form")).to_be_visible()
    shoot(page, "detail-appeal")
    page.fill("textarea[name=reason]", "该信息已于当日电话报告镇网格点，附通话记录。")
    page.get_by_role("button", name="提交申诉").click()
    expect(page.get_by_test_id("status")).to_have_text("申诉中")
    page.context.clear_cookies()

    # the city admin cancels it
    page.set_viewport_size(DESKTOP)
    log_in(page, base, "demo-admin")
    page.goto(f"{base}/duty/deductions/{deduction.pk}/")
    shoot(page, "detail-decide")
    page.check("input[name=decision][value=cancel]")
    page.fill("textarea[name=note]", "经核实已电话报告，撤销扣分。")
    page.get_by_role("button", name="裁定").click()
    expect(page.get_by_test_id("status")).to_have_text("已撤销")
    shoot(page, "detail-cancelled")
    assert Deduction.objects.get(pk=deduction.pk).status == DeductionStatus.CANCELLED
    page.goto(f"{base}/duty/deductions/?status=cancelled")
    expect(page.get_by_test_id("deduction-row")).to_have_count(1)
