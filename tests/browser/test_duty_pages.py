"""Duty on a phone: the informant on duty clocks in and writes the log (htmx, no reload); the
leader on duty sees the late clock-in on the watch page; every duty page fits 360 and 1440 px."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from demo_people import log_in
from django.utils import timezone

from duty.services import roster_set_day
from duty.times import duty_date_at
from grid.models import UnitKind
from grid.tests.factories import UnitFactory

pytestmark = pytest.mark.browser

SIZES = [{"width": 360, "height": 740}, {"width": 1440, "height": 900}]
SHOTS = Path("screenshots")


def fits(page, name: str) -> None:
    """Both sizes: a screenshot for people to look at, and no sideways scrolling."""
    SHOTS.mkdir(exist_ok=True)
    for size in SIZES:
        page.set_viewport_size(size)
        page.wait_for_timeout(80)
        page.screenshot(path=str(SHOTS / f"duty-{name}-{size['width']}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} overflows by {overflow}px at {size['width']}px"


@pytest.fixture
def rostered(demo_users):
    users, city = demo_users.users, demo_users.city
    point = city.grid_points[0]
    head = point.head
    today = duty_date_at(timezone.now())
    written = timezone.now() - timedelta(days=2)
    informant = users["demo-informant"]
    day = roster_set_day(
        by=head, desk=point, day=today, people=[informant.pk], leader_id=head.pk, now=written
    )
    roster_set_day(
        by=head,
        desk=point,
        day=today + timedelta(days=1),
        people=[head.pk],
        leader_id=head.pk,
        now=written,
    )
    platform = UnitFactory(code="WX", name="市委网信办", kind=UnitKind.PLATFORM, region=city.city)
    roster_set_day(
        by=users["demo-admin"],
        desk=platform,
        day=today,
        people=[users["demo-duty-officer"].pk],
        leader_id=users["demo-leader"].pk,
        now=written,
    )
    return day, platform


def test_clock_in_log_and_the_leaders_watch(page, live_server, demo_users, rostered):
    day, platform = rostered
    page.set_viewport_size(SIZES[0])
    log_in(page, live_server.url, "demo-informant")
    assert page.locator("[data-testid=next-duties]").is_visible()
    page.click(f"[data-testid=next-duties] a[href$='/duty/days/{day.pk}/']")
    page.click("[data-testid=clock-in]")
    page.wait_for_selector("text=已于")
    assert page.locator("[data-testid=my-shift] .st-late").is_visible()  # after 09:00
    page.fill("#log-text", "巡查三个微信群，未发现异常")
    page.click("[data-testid=log-form] button[type=submit]")
    page.wait_for_selector("#log .dt-text:has-text('巡查三个微信群')")
    fits(page, "day")
    page.goto(live_server.url + "/duty/")
    fits(page, "mine")
    page.goto(live_server.url + f"/duty/roster/point/{day.grid_point_id}/")
    fits(page, "roster")
    page.context.clear_cookies()
    log_in(page, live_server.url, "demo-head")
    page.goto(live_server.url + "/duty/watch/")
    assert page.locator("[data-testid=clock-late]").first.is_visible()
    fits(page, "watch")
    page.goto(live_server.url + f"/duty/roster/point/{day.grid_point_id}/")
    assert page.locator("[data-testid=rotation]").is_visible()
    fits(page, "roster-keeper")
    page.context.clear_cookies()
    log_in(page, live_server.url, "demo-leader")
    page.goto(live_server.url + "/duty/watch/?mine=1")
    assert page.locator("[data-testid=clock-missing]").is_visible()  # the officer did not
    fits(page, "watch-leader")
    page.goto(live_server.url + f"/duty/roster/platform/{platform.pk}/")
    fits(page, "roster-platform")
