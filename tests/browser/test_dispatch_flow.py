"""A routed case from the city's console to the citizen's answer, in a real browser.

The demo duty officer routes an escalated case to the demo unit; the unit claims it and replies
on a 360 px phone; the officer sends the reply back once and approves the revision; the unit
closes the case with the citizen's satisfaction; the informant sees it closed. At each step
every person's bell shows the notifications they were sent and have not read.

Screenshots of each page at 360 and 1440 px go to ``DISPATCH_SHOTS`` (default
``screenshots/``) as ``dispatch-*.png``; each one also fails the test if the page scrolls
sideways.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from demo_people import log_in
from playwright.sync_api import expect

from dispatch.models import Assignment, Handler, ReplyState
from notifications.models import Notification
from reports.models import Report, Status
from reports.services import report_transition
from reports.tests.factories import submit

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("DISPATCH_SHOTS", "screenshots"))
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1440, "height": 900}


def shoot(page, name: str) -> None:
    """Save the page at phone and desktop size; fail if it scrolls sideways at either."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.wait_for_timeout(80)
        page.screenshot(path=str(SHOTS / f"dispatch-{name}-{size['width']}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {size['width']}px"
    page.set_viewport_size(original)


class Bells:
    """What each person's bell must show: the notifications they were sent, less those read."""

    def __init__(self, users: dict):
        self.users = users
        self.expected = dict.fromkeys(users, 0)

    def sent(self, **more: int) -> None:
        for username, n in more.items():
            self.expected[username] += n

    def read_all(self, username: str) -> None:
        self.expected[username] = 0

    def check(self, page, username: str) -> None:
        """The bell on ``page`` (signed in as ``username``, reloaded) and the database agree
        with what the story so far sent them."""
        page.reload()
        count = page.get_by_test_id("bell-count")
        want = self.expected[username]
        if want:
            expect(count).to_have_text(str(want))
        else:
            expect(count).to_have_count(0)
        unread = Notification.objects.filter(recipient=self.users[username], read_at=None)
        assert unread.count() == want, (username, list(unread.values_list("kind", flat=True)))


def submit_form(page, testid: str) -> None:
    page.get_by_test_id(testid).locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_route_claim_reply_send_back_approve_close(new_context, live_server, demo_users):
    base = live_server.url
    users = demo_users.users
    unit = users["demo-unit"].unit
    names = ("demo-informant", "demo-county-admin", "demo-duty-officer", "demo-unit")
    bells = Bells({name: users[name] for name in names})

    # given: a case the county escalated to the city
    report = submit(users["demo-informant"], title="网传某小区电梯停运一周无人维修，业主群情绪激动")
    report_transition(
        report_id=report.pk,
        by=users["demo-county-admin"],
        name="escalate",
        data={"reason": "涉及市级住建部门，需市级协调"},
    )
    bells.sent(**{"demo-county-admin": 1, "demo-duty-officer": 1, "demo-informant": 1})

    # when: the duty officer, on a desktop, finds it in the console and routes it
    desk = new_context(viewport=DESKTOP).new_page()
    log_in(desk, base, "demo-duty-officer")
    bells.check(desk, "demo-duty-officer")
    desk.goto(f"{base}/dispatch/console/")
    row = desk.locator(f"tr[data-case='{report.case_number}']")
    expect(row).to_have_count(1)
    shoot(desk, "console")
    row.locator("a.rp-num").click()
    desk.wait_for_url(re.compile(rf"/reports/{report.pk}/$"))
    route = desk.locator(".rp-action-route")
    if route.get_attribute("open") is None:
        desk.click(".rp-action-route > summary")
    expect(route.get_by_test_id("grade-rules")).to_be_visible()
    desk.select_option("#id_route-grade", "important")
    desk.select_option("#id_route-lead_unit", str(unit.pk))
    desk.fill("#id_route-instruction", "请三个工作日内核实处置并答复")
    shoot(desk, "case-route")
    route.locator("button[type=submit]").click()
    desk.wait_for_selector(".rp-status-routed")
    assignment = Assignment.objects.get(report=report)
    assert assignment.lead_unit == unit
    expect(desk.get_by_test_id("lead-unit")).to_contain_text(unit.name)
    shoot(desk, "case-routed")
    bells.sent(**{"demo-unit": 1})  # the lead unit is told
    bells.check(desk, "demo-duty-officer")

    # when: the unit, on a phone, claims it from its home page and replies
    phone = new_context(viewport=PHONE).new_page()
    log_in(phone, base, "demo-unit")
    bells.check(phone, "demo-unit")
    inbox = phone.get_by_test_id("unit-inbox")
    expect(inbox).to_contain_text(report.case_number)
    expect(inbox).to_contain_text("签收时限")  # the unit's own deadline, not the county's 24 h
    shoot(phone, "home-unit")
    inbox.locator("a.rp-card", has_text=report.case_number).click()
    phone.wait_for_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(phone.locator(".rp-action-claim")).to_have_attribute("open", "")
    shoot(phone, "case-claim")
    submit_form(phone, "action-claim")
    expect(phone.locator(".msg-success")).to_be_visible()
    assert Handler.objects.get(assignment=assignment, unit=unit).claimed_at is not None
    bells.sent(**{"demo-duty-officer": 1})  # the officer who routed it: claimed

    expect(phone.locator(".rp-action-reply")).to_have_attribute("open", "")
    phone.fill("#id_reply-disposal", "已联系物业")
    phone.fill("#id_reply-citizen_text", "   ")  # blank, past the browser's own check
    submit_form(phone, "action-reply")  # the reply to the citizen is missing: said beside it
    expect(phone.locator(".rp-has-error #id_reply-citizen_text")).to_have_count(1)
    assert phone.input_value("#id_reply-disposal") == "已联系物业"  # nothing typed lost
    shoot(phone, "case-reply-error")
    phone.fill("#id_reply-citizen_text", "您好，电梯故障已转物业维修。")
    submit_form(phone, "action-reply")
    expect(phone.get_by_test_id("replies")).to_contain_text("您好，电梯故障已转物业维修。")
    shoot(phone, "case-replied")
    bells.sent(**{"demo-duty-officer": 1})  # a reply awaits review
    bells.check(phone, "demo-unit")

    # when: the officer sends the reply back once
    bells.check(desk, "demo-duty-officer")
    desk.goto(f"{base}/dispatch/console/?tab=review")
    expect(desk.locator(f"tr[data-case='{report.case_number}']")).to_have_count(1)
    shoot(desk, "console-review")
    desk.goto(f"{base}/reports/{report.pk}/")
    expect(desk.get_by_test_id("reply-under-review")).to_contain_text("电梯故障已转物业维修")
    desk.check("input[name='review_reply-decision'][value='send_back']")
    desk.fill("#id_review_reply-comment", "请写明维修完成时间和后续保障措施。")
    shoot(desk, "case-review")
    submit_form(desk, "action-review_reply")
    assert Assignment.objects.get(pk=assignment.pk).reply_state == ReplyState.SENT_BACK
    bells.sent(**{"demo-unit": 1})  # sent back for revision
    bells.check(desk, "demo-duty-officer")

    # then: the unit reads the bell, revises and resubmits on the phone
    bells.check(phone, "demo-unit")
    phone.get_by_test_id("bell").click()
    phone.wait_for_url(f"{base}/notifications/")
    phone.get_by_test_id("mark-all-read").click()
    expect(phone.get_by_test_id("bell-count")).to_have_count(0)
    bells.read_all("demo-unit")
    phone.goto(f"{base}/reports/{report.pk}/")
    expect(phone.get_by_test_id("replies")).to_contain_text("请写明维修完成时间")
    expect(phone.locator(".rp-action-reply")).to_have_attribute("open", "")
    phone.fill("#id_reply-disposal", "已联系物业公司更换电梯主板，12月5日前修复，并安排每日巡检。")
    phone.fill("#id_reply-citizen_text", "您好，电梯将于12月5日前修复，物业已安排每日巡检。")
    shoot(phone, "case-revise")
    submit_form(phone, "action-reply")
    bells.sent(**{"demo-duty-officer": 1})
    bells.check(phone, "demo-unit")

    # when: the officer approves the revision and says where it was published
    desk.goto(f"{base}/reports/{report.pk}/")
    desk.check("input[name='review_reply-decision'][value='approve']")
    desk.select_option("#id_review_reply-published_via", "on_platform")
    desk.fill("#id_review_reply-published_where", "原帖评论区")
    submit_form(desk, "action-review_reply")
    assert Assignment.objects.get(pk=assignment.pk).reply_state == ReplyState.APPROVED
    bells.sent(**{"demo-unit": 1})  # approved and published
    bells.check(desk, "demo-duty-officer")

    # when: the unit closes the case with how the citizen was answered and their satisfaction
    phone.goto(f"{base}/reports/{report.pk}/")
    bells.check(phone, "demo-unit")
    close = phone.locator(".rp-action-close")
    if close.get_attribute("open") is None:
        phone.click(".rp-action-close > summary")
    expect(phone.get_by_test_id("close-help")).to_contain_text("原帖评论区")
    phone.fill("#id_close-resolution", "电梯已修复，物业每日巡检。")
    phone.select_option("#id_close-answered_via", "on_platform")
    phone.fill("#id_close-answered_where", "原帖评论区")
    phone.check("#id_close-return_visit")
    phone.select_option("#id_close-satisfaction", "satisfied")
    shoot(phone, "case-close")
    close.locator("button[type=submit]").click()
    phone.wait_for_selector(".rp-status-closed")
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    assert report.satisfaction == "satisfied"
    shoot(phone, "case-closed")
    bells.sent(**{"demo-informant": 1})  # the reporter is told it was closed
    bells.check(phone, "demo-unit")
    bells.check(desk, "demo-duty-officer")

    # then: the informant sees it closed
    mine = new_context(viewport=PHONE).new_page()
    log_in(mine, base, "demo-informant")
    bells.check(mine, "demo-informant")
    mine.goto(f"{base}/reports/mine/")
    card = mine.locator(".rp-card", has_text=report.case_number)
    expect(card.locator(".rp-status-closed")).to_have_count(1)
    card.click()
    mine.wait_for_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(mine.get_by_test_id("routing")).to_have_count(0)  # plain words, no internals
    shoot(mine, "case-informant")
    assert Report.objects.get(pk=report.pk).status == Status.CLOSED


def test_major_case_banner_is_acknowledged_with_one_click(new_context, live_server, demo_users):
    users = demo_users.users
    report = submit(users["demo-informant"], title="化工园区疑似气体泄漏，周边群众拍摄视频")
    report_transition(
        report_id=report.pk,
        by=users["demo-county-admin"],
        name="escalate",
        data={"reason": "突发重大"},
    )
    report_transition(
        report_id=report.pk,
        by=users["demo-duty-officer"],
        name="route",
        data={"grade": "major", "lead_unit": users["demo-unit"].unit_id},
    )
    page = new_context(viewport=PHONE).new_page()
    log_in(page, live_server.url, "demo-leader")
    banner = page.get_by_test_id("major-banner")
    expect(banner).to_contain_text(report.case_number)
    shoot(page, "banner")
    page.goto(f"{live_server.url}/grid/")
    expect(banner).to_contain_text(report.case_number)  # on every page
    here = page.url
    banner.get_by_role("button").click()
    expect(banner).to_contain_text("已确认知悉")  # swapped in place by htmx
    assert page.url == here
    page.reload()
    expect(page.get_by_test_id("major-banner")).to_have_count(0)
