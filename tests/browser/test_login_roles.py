"""Every role logs in through the real form, lands on its own home page and logs out."""

from __future__ import annotations

import re

import pytest
from demo_people import DEMO_HOMES, log_in

from grid.tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("username", "testid"), sorted(DEMO_HOMES.items()))
def test_role_logs_in_lands_on_its_home_and_logs_out(
    page, live_server, demo_users, username, testid
):
    base = live_server.url
    # when
    log_in(page, base, username)
    # then: the role's own home page, with the person's name in the top bar
    assert page.locator(f"[data-testid={testid}]").is_visible()
    assert page.locator("h1").count() == 1
    assert demo_users.users[username].name in page.inner_text("[data-testid=who]")
    # when: they log out (a POST)
    page.click(".btn-logout")
    # then: back on the log-in page, and home asks for a log-in again
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert page.locator("[data-testid=login]").is_visible()
    page.goto(base + "/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/"))


def test_wrong_password_stays_on_the_login_page(page, live_server, demo_users):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "demo-informant")
    page.fill("input[name=password]", DEMO_PASSWORD + "x")
    page.click("form.login-form button[type=submit]")
    page.wait_for_selector(".errors")
    assert "/accounts/login/" in page.url


def test_tree_expands_in_place_and_people_search(page, live_server, demo_users):
    city = demo_users.city
    log_in(page, live_server.url, "demo-county-admin")
    page.goto(f"{live_server.url}/grid/")
    page.wait_for_url(re.compile(rf"/grid/regions/{city.counties[0].code}/$"))
    township = city.townships[0]
    # when: the first township is expanded
    page.click(f"li[data-code='{township.code}'] > details > summary .tree-toggle")
    # then: its villages are fetched by htmx and shown below it
    nested = page.locator(f"li[data-code='{township.code}'] .tree-sub li.tree-item")
    nested.first.wait_for()
    assert nested.count() == 2
    # when: people are searched by name
    page.fill("#people-q", "王小明")
    page.press("#people-q", "Enter")
    page.wait_for_url(re.compile(r"q="))
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=people] li').length === 1"
    )
    assert "王小明" in page.inner_text("#people-results")
