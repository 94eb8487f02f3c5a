"""A notice down the grid, in a real browser: the demo duty officer issues a notice to 邗江区
needing acknowledgement; the demo informant acknowledges it on a 360 px phone; the officer's
tracking page shows the count change.

Screenshots of each page at 360 and 1440 px go to ``DIRECTIVES_SHOTS`` (default
``screenshots/``) as ``directives-*.png``; each fails the test if the page scrolls sideways.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from demo_people import log_in
from django.utils import timezone
from playwright.sync_api import expect

from directives.models import Notice, NoticeRecipient
from grid.models import Region

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("DIRECTIVES_SHOTS", "screenshots"))
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1440, "height": 900}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.wait_for_timeout(80)
        page.screenshot(path=str(SHOTS / f"directives-{name}-{size['width']}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {size['width']}px"
    page.set_viewport_size(original)


def test_issue_to_a_county_acknowledge_on_a_phone_and_see_the_count(
    new_context, live_server, demo_users
):
    base = live_server.url
    county = demo_users.city.counties[0]
    Region.objects.filter(pk=county.pk).update(name="邗江区")

    # the duty officer issues a notice to 邗江区, acknowledgement within four hours
    desk = new_context(viewport=DESKTOP).new_page()
    log_in(desk, base, "demo-duty-officer")
    desk.goto(f"{base}/directives/notices/")
    shoot(desk, "list-empty")
    desk.get_by_test_id("new-notice").click()
    desk.fill("#id_title", "关于做好近期网络谣言监测处置工作的通知")
    desk.fill("#id_body", "请各网格点密切关注本地群组动态，发现涉及本地的不实信息及时报送。")
    desk.select_option("#id_regions", label="邗江区（全部网格点）")
    due = timezone.localtime() + timedelta(hours=4)
    desk.fill("#id_ack_due_at", due.strftime("%Y-%m-%dT%H:%M"))
    shoot(desk, "issue-form")
    desk.get_by_test_id("issue").click()
    desk.wait_for_url(re.compile(r"/directives/notices/\d+/tracking/$"))
    notice = Notice.objects.get()
    assert NoticeRecipient.objects.filter(notice=notice).count() == 4
    expect(desk.get_by_test_id("count-ack")).to_have_text("0")
    expect(desk.get_by_test_id("count-total")).to_have_text("4")
    shoot(desk, "tracking-before")

    # the informant finds it on the phone and acknowledges it
    phone = new_context(viewport=PHONE).new_page()
    log_in(phone, base, "demo-informant")
    phone.goto(f"{base}/directives/notices/")
    expect(phone.get_by_test_id("notice-row")).to_have_count(1)
    shoot(phone, "inbox")
    phone.get_by_test_id("notice-row").locator("a.rp-card-title").click()
    phone.wait_for_url(re.compile(rf"/directives/notices/{notice.pk}/$"))
    shoot(phone, "notice")
    phone.get_by_test_id("acknowledge").click()
    phone.wait_for_url(re.compile(rf"/directives/notices/{notice.pk}/$"))
    expect(phone.get_by_test_id("ack-step")).to_contain_text("王小明")
    shoot(phone, "acknowledged")

    # the officer's page refreshes itself (htmx polling) and shows one acknowledged
    expect(desk.get_by_test_id("count-ack")).to_have_text("1", timeout=15000)
    shoot(desk, "tracking-after")
