"""The queue's bulk bar on a phone, and English pages at 360 px, in a real browser.

Screenshots go to ``screenshots/bulk-*.png``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from demo_people import log_in

from reports.models import Report, Status
from reports.services import report_transition
from reports.tests.factories import submit

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
SHOTS = Path("screenshots")


def overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def count_text(page) -> str:
    return page.locator("[data-bulk-count]").inner_text()


def expected_count(page, n: int) -> str:
    words = page.get_attribute("[data-bulk-count]", "data-one" if n == 1 else "data-other")
    return words.replace("{n}", str(n))


@pytest.fixture
def cases(demo_users):
    informant = demo_users.users["demo-informant"]
    admin = demo_users.users["demo-county-admin"]
    reports = [submit(informant) for _ in range(8)]
    report_transition(
        report_id=reports[0].pk, by=admin, name="return_for_info", data={"reason": "请补充原帖链接"}
    )
    return reports


def test_bulk_bar_counts_stays_in_view_and_keeps_a_refused_selection(
    new_context, live_server, demo_users, cases
):
    SHOTS.mkdir(exist_ok=True)
    page = new_context(viewport=PHONE).new_page()
    log_in(page, live_server.url, "demo-county-admin")
    page.goto(live_server.url + "/reports/queue/")

    # nothing ticked: the bar sits below the list, off a phone's screen, and says no count
    assert not in_view(page, "[data-bulk-bar]")
    assert page.locator("[data-bulk-count]").is_hidden()

    # ticking two: the bar comes into view at the bottom and says how many
    boxes = page.locator("#queue-list input[name=ids]")
    boxes.nth(1).check()
    boxes.nth(2).check()
    assert count_text(page) == expected_count(page, 2)
    assert "2" in count_text(page)
    assert in_view(page, "[data-bulk-bar]")
    page.screenshot(path=str(SHOTS / "bulk-ticked-360.png"))
    boxes.nth(2).uncheck()
    assert count_text(page) == expected_count(page, 1)
    boxes.nth(2).check()

    # escalating without a reason: the same rows come back ticked, the error in the bar
    page.click("button[value=escalate]")
    page.wait_for_selector("#id_bulk_reason_error")
    checked = page.locator("#queue-list input[name=ids]:checked")
    assert checked.count() == 2
    assert count_text(page) == expected_count(page, 2)
    assert in_view(page, "#id_bulk_reason_error")
    page.screenshot(path=str(SHOTS / "bulk-refused-360.png"))

    # with a reason the two go to the city
    page.fill("#id_bulk_reason", "涉及市级部门")
    page.click("button[value=escalate]")
    page.wait_for_selector(".msg-success")
    assert Report.objects.filter(status=Status.ESCALATED).count() == 2

    # "select all" (in the table's head, shown from tablet width) ticks the page and counts it
    page.set_viewport_size({"width": 1440, "height": 900})
    page.check("[data-select-all]")
    assert count_text(page) == expected_count(page, boxes.count())


def choose(page, language: str) -> None:
    """Switch the language with the footer's buttons, as a person would."""
    page.click(f"footer button[name=language][value={language}]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == language


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_report_page_scrolls_sideways_at_360(
    new_context, live_server, demo_users, cases, language
):
    returned = cases[0]
    base = live_server.url
    admin = new_context(viewport=PHONE).new_page()
    log_in(admin, base, "demo-county-admin")
    choose(admin, language)
    for path in ("/", "/reports/queue/", f"/reports/{returned.pk}/"):
        admin.goto(base + path)
        assert overflow(admin) <= 0, f"{path} overflows by {overflow(admin)}px ({language})"
    informant = new_context(viewport=PHONE).new_page()
    log_in(informant, base, "demo-informant")
    choose(informant, language)
    for path in ("/", "/reports/mine/", f"/reports/{returned.pk}/", "/reports/new/"):
        informant.goto(base + path)
        assert overflow(informant) <= 0, f"{path} overflows by {overflow(informant)}px"
    if language == "en":
        informant.goto(base + "/reports/mine/")
        assert re.search("Returned for more information", informant.content())
