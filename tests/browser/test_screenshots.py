"""Screenshots of the grid pages at phone (360×740) and desktop (1440×900) size.

Written to ``screenshots/pages-*.png`` for people to look at; each shot also fails the test
if the page scrolls sideways.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from demo_people import log_in

pytestmark = pytest.mark.browser

SIZES = [{"width": 360, "height": 740}, {"width": 1440, "height": 900}]
SHOTS = Path("screenshots")
HOMES = [
    "demo-informant",
    "demo-county-admin",
    "demo-unit",
    "demo-duty-officer",
    "demo-leader",
    "demo-county-leader",
    "demo-admin",
]


def shoot(page, name: str) -> None:
    """Save the current page at both sizes; fail if it overflows sideways."""
    SHOTS.mkdir(exist_ok=True)
    for size in SIZES:
        page.set_viewport_size(size)
        page.wait_for_timeout(80)
        page.screenshot(
            path=str(SHOTS / f"pages-{name}-{size['width']}x{size['height']}.png"), full_page=True
        )
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} overflows by {overflow}px at {size['width']}px"


def test_login_and_lockout_pages(page, live_server, demo_users, settings):
    page.goto(live_server.url + "/accounts/login/")
    shoot(page, "login")
    page.fill("input[name=username]", "demo-informant")
    page.fill("input[name=password]", "wrong")
    page.click("form.login-form button[type=submit]")
    page.wait_for_selector(".errors")
    shoot(page, "login-error")
    # One failure so far; the last allowed one already answers with the lock-out page.
    for _i in range(settings.AXES_FAILURE_LIMIT - 1):
        page.fill("input[name=password]", "wrong")
        page.click("form.login-form button[type=submit]")
        page.wait_for_load_state()
    assert page.locator("[data-testid=lockout]").is_visible()
    shoot(page, "lockout")


@pytest.mark.parametrize("username", HOMES)
def test_home_pages(page, live_server, demo_users, username):
    log_in(page, live_server.url, username)
    shoot(page, f"home-{username.removeprefix('demo-')}")


def test_grid_browser_pages(page, live_server, demo_users):
    city = demo_users.city
    base = live_server.url
    log_in(page, base, "demo-county-admin")
    page.goto(f"{base}/grid/regions/{city.counties[0].code}/")
    shoot(page, "grid-county")
    page.click(f"li[data-code='{city.townships[0].code}'] > details > summary .tree-toggle")
    page.locator(f"li[data-code='{city.townships[0].code}'] .tree-sub li").first.wait_for()
    shoot(page, "grid-county-expanded")
    page.goto(f"{base}/grid/regions/{city.villages[0].code}/")
    shoot(page, "grid-village")
    page.goto(f"{base}/grid/points/{city.grid_points[0].code}/")
    shoot(page, "grid-point")
    page.goto(f"{base}/grid/regions/{city.counties[1].code}/")
    shoot(page, "not-found")


def test_grid_browser_pages_as_an_informant(page, live_server, demo_users):
    """People who report are protected: an informant sees their person in charge, not others."""
    city = demo_users.city
    base = live_server.url
    log_in(page, base, "demo-informant")
    page.goto(f"{base}/grid/regions/{city.villages[0].code}/")
    assert page.locator("[data-testid=people-withheld]").is_visible()
    assert page.get_by_text("张组长").first.is_visible()
    assert page.get_by_text("赵志愿").count() == 0
    shoot(page, "grid-village-informant")
    page.goto(f"{base}/grid/points/{city.grid_points[0].code}/")
    assert page.get_by_text("demo-head").count() == 0
    shoot(page, "grid-point-informant")


def test_the_phone_menu_shows_where_the_reader_is(page, live_server, demo_users):
    """At 360 px the menu is one sideways-scrolling row; its last entry's page opens with that
    entry in view, and the page itself does not scroll sideways."""
    page.set_viewport_size(SIZES[0])
    log_in(page, live_server.url, "demo-county-admin")
    page.goto(live_server.url + "/accounts/tokens/")
    here = page.locator('.nav-inner [aria-current="page"]')
    box = here.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= SIZES[0]["width"]
    assert page.evaluate("window.scrollX") == 0
