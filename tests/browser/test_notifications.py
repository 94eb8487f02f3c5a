"""The bell, the notification list (mark one / all read with htmx) and the preferences, in a
real browser at phone and desktop size, under the Content-Security-Policy.

Screenshots go to ``NOTIFY_SHOTS`` (default ``screenshots/``) as ``notifications-*.png``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from demo_people import log_in
from playwright.sync_api import expect

from reports.tests.factories import submit

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("NOTIFY_SHOTS", "screenshots"))
SIZES = [{"width": 360, "height": 740}, {"width": 1440, "height": 900}]


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        page.set_viewport_size(size)
        page.wait_for_timeout(80)
        page.screenshot(
            path=str(SHOTS / f"notifications-{name}-{size['width']}.png"), full_page=True
        )
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways at {size['width']} px"


def test_the_bell_the_list_and_the_preferences(page, live_server, demo_users):
    informant = demo_users.users["demo-informant"]
    for n in range(4):
        submit(informant, title=f"网传某村自来水停供第{n + 1}天，村民微信群反映无人回应")
    log_in(page, live_server.url, "demo-county-admin")
    bell = page.get_by_test_id("bell")
    assert page.get_by_test_id("bell-count").inner_text() == "4"
    _shoot(page, "home")

    bell.click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    rows = page.get_by_test_id("notification")
    assert rows.count() == 4
    _shoot(page, "list")

    # Mark one read: the row and the bell change in place (htmx, out-of-band swap).
    page.set_viewport_size(SIZES[0])
    rows.first.get_by_test_id("mark-read").click()
    expect(page.get_by_test_id("bell-count")).to_have_text("3")
    expect(page.locator("[data-unread=true]")).to_have_count(3)
    assert page.url == f"{live_server.url}/notifications/"

    page.get_by_test_id("mark-all-read").click()
    expect(page.get_by_test_id("bell-count")).to_have_count(0)
    expect(page.locator("[data-unread=true]")).to_have_count(0)
    _shoot(page, "list-read")

    page.goto(f"{live_server.url}/notifications/preferences/")
    page.check("input[name=dingtalk_on]")
    page.fill("input[name=dingtalk_url]", "https://evil.example/robot")
    page.click("form.nt-form button[type=submit]")
    assert page.locator(".nt-error").count() == 1
    _shoot(page, "preferences-error")
    page.fill("input[name=dingtalk_url]", "https://oapi.dingtalk.com/robot/send?access_token=x")
    page.check("input[name=digest]")
    page.click("form.nt-form button[type=submit]")
    page.wait_for_selector(".msg-success")
    _shoot(page, "preferences")
