"""The report flow in a real browser: a phone files a report, the county escalates it.

Screenshots of every report page at phone (360×740) and desktop (1440×900) size are saved
under ``screenshots/``.
"""

from __future__ import annotations

import re
import struct
import zlib
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from grid.models import Role
from grid.tests.factories import DEMO_PASSWORD, UserFactory, make_city
from reports.models import Report, Status
from reports.services import report_transition
from reports.tests.factories import submit

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1440, "height": 900}
SHOTS = Path("screenshots")


def small_png(width: int = 160, height: int = 100) -> bytes:
    """A real PNG (a striped 'screenshot'), made without an imaging library."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type: none
        for x in range(width):
            if y < 18:
                row += bytes((29, 95, 209))  # a title bar
            elif (y // 12) % 2:
                row += bytes((235, 238, 242)) if x < width - 30 else bytes((255, 255, 255))
            else:
                row += bytes((255, 255, 255))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    """The demo city with a demo informant and a demo county admin (password demo12345)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    city = make_city()
    point = city.grid_points[0]
    informant = UserFactory(
        username="demo-informant",
        name="王小明",
        role=Role.INFORMANT,
        region=point.region,
        grid_point=point,
    )
    admin = UserFactory(
        username="demo-county-admin", name="李县管", role=Role.COUNTY_ADMIN, region=city.counties[0]
    )
    return SimpleNamespace(city=city, informant=informant, admin=admin)


def log_in(page, base_url: str, username: str, next_url: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base_url + next_url)))


def shoot(page, name: str) -> None:
    """Save the current page at phone and desktop size; fail if it overflows sideways."""
    SHOTS.mkdir(exist_ok=True)
    original = page.viewport_size
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.wait_for_timeout(100)
        page.screenshot(
            path=str(SHOTS / f"reports-{name}-{size['width']}x{size['height']}.png"),
            full_page=True,
        )
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} overflows by {overflow}px at {size['width']}px"
    page.set_viewport_size(original)


def test_informant_files_county_escalates_informant_sees_it(new_context, live_server, demo):
    base = live_server.url

    # given: the informant on a phone
    phone = new_context(viewport=PHONE).new_page()
    log_in(phone, base, "demo-informant", "/reports/mine/")
    shoot(phone, "mine-empty")
    phone.click("a[href='/reports/new/']")
    phone.wait_for_url(re.compile(r"/reports/new/$"))
    shoot(phone, "new")

    # when: they file a report with a screenshot
    phone.fill("#id_title", "网传某村自来水停供三天无人处理")
    phone.fill("#id_body", "村民微信群反映停水三天，多人表示要集体去镇政府反映，情绪激动。")
    phone.select_option("#id_category", "appeal")
    phone.select_option("#id_source_platform", "wechat_group")
    phone.fill("#id_source_urls", "mp.weixin.qq.com/s/abc123")  # no https://: refused
    screenshot = {"name": "screenshot.png", "mimeType": "image/png", "buffer": small_png()}
    phone.set_input_files("#id_attachments", files=[screenshot])
    phone.click("#intake-form button[type=submit]")
    phone.wait_for_selector(".rp-alert-error")
    # Nothing typed is lost; only the file must be chosen again.
    assert phone.input_value("#id_title") == "网传某村自来水停供三天无人处理"
    assert phone.input_value("#id_source_urls") == "mp.weixin.qq.com/s/abc123"
    assert phone.locator(".rp-has-error #id_source_urls").count() == 1
    shoot(phone, "new-error")
    assert Report.objects.count() == 0
    phone.fill("#id_source_urls", "https://mp.weixin.qq.com/s/abc123")
    phone.set_input_files("#id_attachments", files=[screenshot])
    phone.click("#intake-form button[type=submit]")
    phone.wait_for_url(re.compile(r"/reports/\d+/$"))

    # then: the case page shows the case number and the screenshot
    report = Report.objects.get()
    assert phone.inner_text(".rp-num-big") == report.case_number
    assert report.case_number in phone.inner_text(".messages, .rp")
    assert report.attachments.count() == 1
    phone.wait_for_function(
        "() => { const i = document.querySelector('.rp-attachments img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    shoot(phone, "case-informant")
    phone.goto(f"{base}/reports/mine/")
    shoot(phone, "mine")

    # when: the county admin, on a desktop, finds it in the queue and escalates it
    desk = new_context(viewport=DESKTOP).new_page()
    log_in(desk, base, "demo-county-admin", "/reports/queue/")
    shoot(desk, "queue")
    desk.click(".rp-more > summary")
    shoot(desk, "queue-filters")
    desk.fill("input[name=q]", report.case_number)
    desk.press("input[name=q]", "Enter")
    desk.wait_for_url(re.compile(r"q=YZ-"))  # htmx pushed the filtered URL
    desk.wait_for_function("() => document.querySelectorAll('#queue-list tbody tr').length === 1")
    desk.click(f"#queue-list a.rp-num:text('{report.case_number}')")
    desk.wait_for_url(re.compile(rf"/reports/{report.pk}/$"))
    shoot(desk, "case-admin")
    desk.evaluate("document.querySelectorAll('.rp-action').forEach(d => { d.open = true; })")
    shoot(desk, "case-admin-actions")
    desk.evaluate("document.querySelectorAll('.rp-action').forEach(d => { d.open = false; })")
    desk.click(".rp-action-escalate > summary")
    desk.fill("#id_escalate-reason", "涉及市水务集团，需市级协调")
    desk.click(".rp-action-escalate button[type=submit]")
    desk.wait_for_selector(".rp-status-escalated")
    report.refresh_from_db()
    assert report.status == Status.ESCALATED
    shoot(desk, "case-escalated")

    # then: the informant sees the new status in My reports
    phone2 = new_context(viewport=PHONE).new_page()
    log_in(phone2, base, "demo-informant", "/reports/mine/")
    card = phone2.locator(".rp-card", has_text=report.case_number)
    assert card.locator(".rp-status-escalated").count() == 1


def test_busy_queue_pages_with_htmx_and_shows_clocks(new_context, live_server, demo):
    """30 cases of all ages: the clock colours, the duplicate badge and htmx paging."""
    now = timezone.now()
    unit = next(u for u in demo.city.units if u.kind == "township")
    for i in range(30):
        report = submit(
            demo.informant,
            title=f"网传{i + 1}号小区物业停电停水引发业主聚集，多个微信群转发",
            discovered_at=now - timedelta(hours=i * 1.5),
            source_urls=["https://weibo.com/status/1"] if i in (28, 29) else [],
        )
        if i % 7 == 3:
            report_transition(
                report_id=report.pk, by=demo.admin, name="accept_local", data={"unit": unit.pk}
            )

    page = new_context(viewport=DESKTOP).new_page()
    log_in(page, live_server.url, "demo-county-admin", "/reports/queue/")
    assert page.locator("#queue-list tbody tr").count() == 25
    assert page.locator(".rp-clock-red").count() > 0
    assert page.locator(".rp-clock-amber").count() > 0
    assert page.locator(".rp-badge-dup").count() == 1
    shoot(page, "queue-busy")
    page.click(".rp-pager a[rel=next]")
    page.wait_for_url(re.compile(r"page=2"))
    page.wait_for_function("() => document.querySelectorAll('#queue-list tbody tr').length === 5")
    shoot(page, "queue-busy-page2")
    # A refused filter (only reachable by editing the URL) still explains itself under htmx.
    page.evaluate("htmx.ajax('GET', '/reports/queue/?sort=sideways', '#queue-list')")
    page.wait_for_selector("#queue-list .rp-alert-error")
