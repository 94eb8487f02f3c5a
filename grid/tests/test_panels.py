"""Panels and menu links that other apps register with grid (grid.panels)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from grid import panels
from grid.models import Role
from grid.panels import Panel, Registry

pytestmark = pytest.mark.django_db

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


@pytest.fixture
def test_app_templates(settings, tmp_path):
    """A template folder of a pretend app registering its own panels."""
    (tmp_path / "testapp").mkdir()
    (tmp_path / "testapp" / "_panel.html").write_text(
        '<section data-testid="testapp-panel" data-heading="{{ show_heading }}">'
        "{{ greeting }} {{ who }}</section>"
    )
    (tmp_path / "testapp" / "_nav.html").write_text(
        '<a href="/testapp/" data-testid="testapp-link">{{ label }}</a>'
    )
    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    settings.TEMPLATES = [engine]
    return tmp_path


def roster_panel(request, now):
    if request.user.role != Role.COUNTY_ADMIN:
        return None
    return Panel(
        "testapp/_panel.html",
        {"greeting": "Duty roster due", "who": request.user.name, "at": now},
    )


def roster_nav(request, now):
    return Panel("testapp/_nav.html", {"label": "Roster"})


@pytest.fixture
def roster_registered(test_app_templates):
    panels.register_home_panel(roster_panel, order=50)
    panels.register_nav(roster_nav, order=50)
    yield
    panels.home_panels.unregister(roster_panel)
    panels.nav_links.unregister(roster_nav)


def test_a_registered_panel_appears_on_the_home_page_after_the_work_list(
    client, city, roster_registered
):
    admin = city.county_admin(0)
    client.force_login(admin)
    html = client.get("/").content.decode()
    assert f'data-testid="testapp-panel" data-heading="False">Duty roster due {admin.name}<' in html
    # reports registered its work list first (order 10): it stays first.
    assert html.index('data-testid="worklist"') < html.index('data-testid="testapp-panel"')


def test_a_panel_that_does_not_apply_shows_nothing(client, city, roster_registered):
    client.force_login(city.informant(0))
    html = client.get("/").content.decode()
    assert 'data-testid="worklist"' in html
    assert "testapp-panel" not in html


def test_the_grid_maintenance_page_shows_no_panels(client, city, roster_registered):
    client.force_login(city.city_user(Role.SYS_ADMIN))
    html = client.get("/").content.decode()
    assert 'data-testid="home-sys_admin"' in html
    assert "testapp-panel" not in html
    assert 'data-testid="worklist"' not in html


def test_a_registered_menu_link_appears_after_the_report_links(client, city, roster_registered):
    client.force_login(city.county_admin(0))
    html = client.get("/grid/", follow=True).content.decode()
    nav = html[html.index('<nav class="nav"') : html.index("</nav>")]
    assert '<a href="/testapp/" data-testid="testapp-link">Roster</a>' in nav
    assert nav.index('href="/reports/queue/"') < nav.index('href="/testapp/"')
    assert nav.index('href="/testapp/"') < nav.index('href="/grid/"')


def test_providers_run_in_order_then_as_registered_and_register_again_replaces():
    registry = Registry("test")
    calls = []

    def make(name):
        def provider(request, now):
            calls.append(name)
            return Panel(f"{name}.html") if name != "skipped" else None

        provider.__qualname__ = name
        return provider

    late, first, second, skipped = make("late"), make("first"), make("second"), make("skipped")
    registry.register(late, order=190)
    registry.register(first)
    registry.register(skipped, order=5)
    registry.register(second)
    registry.register(first, order=20)  # again: replaced, not added twice
    shown = registry.panels_for(request=None, now=None)
    assert [panel.template for panel in shown] == ["first.html", "second.html", "late.html"]
    assert calls == ["skipped", "first", "second", "late"]


def test_grid_templates_do_not_load_the_reports_tags():
    templates = [*sorted((TEMPLATES / "grid").rglob("*.html")), TEMPLATES / "base.html"]
    assert len(templates) > 5
    for path in templates:
        text = path.read_text()
        assert "reports_tags" not in text, path
        assert not re.search(r"{%\s*(worklist|report_nav)\b", text), path


def test_grid_code_does_not_import_reports():
    grid = Path(django_settings.BASE_DIR) / "grid"
    for path in grid.rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"^\s*(from|import) reports\b", text, re.MULTILINE), path


def test_a_panel_supersedes_a_later_one_which_is_then_not_called_and_an_earlier_one_dropped():
    registry = Registry("test")
    calls = []

    def make(name, supersedes=tuple):
        def provider(request, now):
            calls.append(name)
            return Panel(f"{name}.html", supersedes=supersedes())

        provider.__qualname__ = name
        return provider

    early = make("early")
    late = make("late")
    middle = make("middle", supersedes=lambda: (early, late))
    registry.register(early, order=1)
    registry.register(middle, order=2)
    registry.register(late, order=3)
    shown = registry.panels_for(None, None)
    assert [panel.template for panel in shown] == ["middle.html"]
    assert calls == ["early", "middle"]  # the superseded one after it never ran


def banner_for_leaders(request, now):
    if request.user.role != Role.LEADER:
        return None
    return Panel("testapp/_banner.html", {"text": "Major case: acknowledge"})


@pytest.fixture
def banner_registered(test_app_templates):
    (test_app_templates / "testapp" / "_banner.html").write_text(
        '<div data-testid="testapp-banner">{{ text }}</div>'
    )
    panels.register_banner(banner_for_leaders)
    yield
    panels.banners.unregister(banner_for_leaders)


def test_a_banner_shows_on_every_page_of_the_people_it_concerns(client, city, banner_registered):
    client.force_login(city.city_user(Role.LEADER))
    for url in ("/", "/grid/", "/accounts/tokens/"):
        html = client.get(url, follow=True).content.decode()
        main = html[html.index('<main class="page"') :]
        assert '<div data-testid="testapp-banner">Major case: acknowledge</div>' in main, url
    client.force_login(city.county_admin(0))
    assert "testapp-banner" not in client.get("/").content.decode()
    client.logout()
    assert "testapp-banner" not in client.get("/accounts/login/").content.decode()
