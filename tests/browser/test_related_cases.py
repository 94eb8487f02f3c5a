"""A likely duplicate in another county, as the second county's admin sees it in a browser.

Screenshots of the queue and the case page at phone (360×740) and desktop (1440×900) size are
saved under ``screenshots/`` (or ``$SHOTS_DIR``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from grid.models import Role
from grid.tests.factories import DEMO_PASSWORD, UserFactory, make_city
from reports.tests.factories import submit

pytestmark = pytest.mark.browser

SIZES = [{"width": 360, "height": 740}, {"width": 1440, "height": 900}]
LINK = "https://weibo.com/status/4242"


def shoot(page, name: str) -> None:
    """Save the current page at both sizes; fail if it overflows sideways."""
    shots = Path(os.environ.get("SHOTS_DIR", "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        page.set_viewport_size(size)
        page.wait_for_timeout(100)
        page.screenshot(
            path=str(shots / f"related-{name}-{size['width']}x{size['height']}.png"),
            full_page=True,
        )
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} overflows by {overflow}px at {size['width']}px"


def test_second_county_sees_only_that_the_link_was_reported_elsewhere(
    new_context, live_server, transactional_db
):
    city = make_city()
    original = submit(city.informant(0), title="原帖：某镇化工厂排污", source_urls=[LINK])
    again = submit(
        city.informant(4), title="网传第2区某镇化工厂夜间排污，微信群转发", source_urls=[LINK]
    )
    submit(city.informant(5), title="网传第2区某村道路塌陷")
    UserFactory(
        username="demo-county-admin-2",
        name="赵县管",
        role=Role.COUNTY_ADMIN,
        region=city.counties[1],
    )

    page = new_context(viewport=SIZES[1]).new_page()
    base = live_server.url
    page.goto(f"{base}/accounts/login/?next=/reports/queue/")
    page.fill("input[name=username]", "demo-county-admin-2")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(f"{base}/reports/queue/")))

    row = page.locator("#queue-list tbody tr", has_text=again.case_number)
    assert row.locator(".rp-badge-elsewhere").count() == 1
    assert page.locator(".rp-badge-dup").count() == 0
    assert original.case_number not in page.content()
    shoot(page, "queue-elsewhere")

    page.click(f"text={again.case_number}")
    page.wait_for_url(re.compile(rf"/reports/{again.pk}/$"))
    hint = page.locator("[data-testid=likely-duplicate]")
    assert hint.count() == 1
    assert hint.locator("a").count() == 0
    assert original.case_number not in page.content()
    assert f"/reports/{original.pk}/" not in page.content()
    shoot(page, "case-elsewhere")
