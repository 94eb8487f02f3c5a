"""An authoritative push, in a real browser: from a case's page the demo duty officer pushes a
rumour refutation to 邗江区; the demo informant marks it forwarded on a 360 px phone, with a
screenshot; the officer's coverage by county shows it and the case page shows the push.

Screenshots at 360 and 1440 px go to ``DIRECTIVES_SHOTS`` as ``directives-push-*.png``
(the helper of test_directives_flow, which fails if a page scrolls sideways).
"""

from __future__ import annotations

import re

import pytest
from demo_people import log_in
from playwright.sync_api import expect
from test_directives_flow import DESKTOP, PHONE, SHOTS, shoot

from directives.models import Notice, NoticeForward
from grid.models import Region
from reports.tests.factories import submit
from reports.tests.files import png

pytestmark = pytest.mark.browser


def test_push_a_refutation_from_a_case_and_forward_it_on_a_phone(
    new_context, live_server, demo_users
):
    base = live_server.url
    county = demo_users.city.counties[0]
    Region.objects.filter(pk=county.pk).update(name="邗江区")
    report = submit(demo_users.users["demo-informant"], title="网传某村道路塌陷")

    desk = new_context(viewport=DESKTOP).new_page()
    log_in(desk, base, "demo-duty-officer")
    desk.goto(f"{base}/reports/{report.pk}/")
    expect(desk.get_by_test_id("case-pushes")).to_be_visible()
    desk.get_by_test_id("push-new").click()
    desk.wait_for_url(re.compile(r"/directives/notices/new/\?report="))
    expect(desk.locator("#id_kind")).to_have_value("refutation")
    expect(desk.locator("#id_reports")).to_have_value(report.case_number)
    desk.fill("#id_title", "关于“某村道路塌陷”的辟谣")
    desk.fill("#id_body", "经核实，网传图片系外地旧图，本地道路通行正常。")
    desk.fill("#id_share_text", "【辟谣】网传某村道路塌陷系外地旧图，请勿转发。")
    desk.fill("#id_share_link", "https://example.com/refute/1")
    desk.select_option("#id_regions", label="邗江区（全部网格点）")
    shoot(desk, "push-form")
    desk.get_by_test_id("issue").click()
    desk.wait_for_url(re.compile(r"/directives/notices/\d+/tracking/$"))
    notice = Notice.objects.get()
    expect(desk.get_by_test_id("count-forwarded")).to_have_text("0")
    shoot(desk, "push-tracking-before")

    phone = new_context(viewport=PHONE).new_page()
    log_in(phone, base, "demo-informant")
    phone.goto(f"{base}/directives/notices/{notice.pk}/")
    expect(phone.get_by_test_id("share")).to_contain_text("请勿转发")
    shoot(phone, "push-notice")
    phone.select_option("#id_platform", "wechat_group")
    phone.fill("#id_place", "幸福村村民群")
    shot = SHOTS / "upload.png"
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot.write_bytes(png((40, 30)))
    phone.set_input_files("#id_screenshot", str(shot))
    phone.get_by_test_id("forward").click()
    phone.wait_for_url(re.compile(rf"/directives/notices/{notice.pk}/$"))
    expect(phone.get_by_test_id("forwarded")).to_contain_text("幸福村村民群")
    shoot(phone, "push-forwarded")
    assert NoticeForward.objects.filter(recipient__notice=notice).count() == 1

    # the officer's page refreshes itself and shows the coverage
    expect(desk.get_by_test_id("count-forwarded")).to_have_text("1", timeout=15000)
    expect(desk.get_by_test_id("coverage-row").first).to_contain_text("邗江区")
    shoot(desk, "push-tracking-after")
    desk.get_by_test_id("coverage-row").first.locator("a").click()
    desk.wait_for_url(re.compile(r"county="))
    shoot(desk, "push-coverage-townships")

    desk.goto(f"{base}/reports/{report.pk}/")
    expect(desk.get_by_test_id("case-push")).to_contain_text("辟谣")
    shoot(desk, "push-case")
