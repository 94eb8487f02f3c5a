"""The sign-in pages a person meets: the throttled log-in page and their list of API tokens.

Screenshots at phone (360×740) and desktop (1440×900) size, written to ``SIGNIN_SHOTS``
(default ``screenshots/``); each shot also fails the test if the page scrolls sideways.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from demo_people import log_in
from django.utils import timezone

from grid.models import ApiToken
from grid.services import api_token_create

pytestmark = pytest.mark.browser

SIZES = [{"width": 360, "height": 740}, {"width": 1440, "height": 900}]
SHOTS = Path(os.environ.get("SIGNIN_SHOTS", "screenshots"))


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
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


def test_the_log_in_page_refuses_too_many_attempts_from_one_address(
    page, live_server, demo_users, settings
):
    settings.GRID_SIGNIN_RATE = "2/min"
    page.goto(live_server.url + "/accounts/login/")
    for _ in range(3):
        page.fill("input[name=username]", "demo-informant")
        page.fill("input[name=password]", "wrong")
        page.click("form.login-form button[type=submit]")
        page.wait_for_load_state()
    notice = page.locator("[data-testid=throttled]")
    assert notice.is_visible()
    assert "尝试" in notice.inner_text() or "attempts" in notice.inner_text()
    shoot(page, "login-throttled")


def test_the_tokens_page_lists_and_revokes(page, live_server, demo_users):
    person = demo_users.users["demo-county-admin"]
    now = timezone.now()
    api_token_create(user=person, label="每晚导出脚本 nightly-export", now=now - timedelta(days=3))
    used, _key = api_token_create(
        user=person,
        label="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36",
    )
    ApiToken.objects.filter(pk=used.pk).update(last_used_at=now)
    log_in(page, live_server.url, "demo-county-admin")
    page.goto(live_server.url + "/accounts/tokens/")
    assert page.locator("[data-testid=token]").count() == 2
    shoot(page, "tokens")
    page.locator("[data-testid=token] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=token]").count() == 1
    shoot(page, "tokens-revoked")
