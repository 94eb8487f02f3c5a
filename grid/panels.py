"""Panels on the home page and links in the main menu that the apps above grid put there.

grid owns the home page and the main menu but knows nothing of reports, dispatch or duty
(apps depend one way: grid <- notifications <- reports <- dispatch, duty). Each of those apps
shows its own work on grid's pages by registering a *provider* here, in its
``AppConfig.ready()``::

    # dispatch/apps.py
    class DispatchConfig(AppConfig):
        def ready(self) -> None:
            from grid import panels
            from dispatch.panels import replies_due, dispatch_links

            panels.register_home_panel(replies_due, order=20)
            panels.register_nav(dispatch_links, order=20)

A provider is a function ``fn(request, now) -> Panel | None`` called once per page that shows
it: ``request.user`` is the signed-in person, ``now`` the page's one reading of the clock. It
answers ``None`` when it has nothing for this person (decide with your app's own rules, e.g.
``reports.rules.has_queue``), or a ``Panel``: the name of a template of your app (a partial,
``templates/<app>/_something.html``) and the context it is rendered with. The template sees
only that context (like an inclusion tag's), plus what grid's page adds: on the home page
``show_heading`` (False where the page's own title already names the first panel).

Providers run in ascending ``order``, then in the order they were registered; registering the
same function again replaces it (``ready()`` may run more than once in tests). Keep providers
cheap and their query count fixed (the home pages' query counts are pinned in tests): fetch
what the panel shows in a bounded number of queries, whatever the number of rows.

Home panels are shown on the work-list home pages (people of grid points, county admins,
units, the city platform, leaders), not on the operators' grid-maintenance page. Header items
(``register_header``, e.g. notifications' bell) are shown to every signed-in person in the
top bar, before their name. Menu links are shown to every signed-in person, after "Home"
and before "Grid browser"; a menu template renders ``<a>`` elements, marking the current
page with ``aria-current="page"`` (``request.resolver_match.url_name`` tells which page it
is; it may be missing on error pages).

Banners (``register_banner``, e.g. dispatch's open major cases) are shown to every signed-in
person at the top of every page built on the base layout, above the page's messages, until
the provider answers None. A banner runs on every page: keep it to one indexed query, and
none at all for the people it never concerns (decide by role first).

A panel may stand in for another provider's (``Panel.supersedes``: the providers it replaces
for this person), e.g. dispatch's inbox for unit liaisons replaces reports' work list, whose
clock is not theirs. A provider superseded by an earlier panel is not called at all; one
that ran before is dropped, so register the one that supersedes with the lower ``order``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    """What a provider shows: a template of its app and the context to render it with, and
    the providers of the same slot it stands in for (``supersedes``)."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    supersedes: Sequence[Callable] = ()


Provider = Callable[[HttpRequest, datetime], Panel | None]


def _key(provider: Callable) -> str:
    return f"{provider.__module__}.{provider.__qualname__}"


class Registry:
    """Ordered providers of one slot of grid's pages (filled at start-up, read per request)."""

    def __init__(self, slot: str) -> None:
        self.slot = slot
        self._providers: dict[str, tuple[int, int, Provider]] = {}
        self._added = 0

    def register(self, provider: Provider, *, order: int = 100) -> Provider:
        """Add ``provider`` to this slot (again: replace it, keeping its first place)."""
        key = _key(provider)
        previous = self._providers.get(key)
        if previous is None:
            self._added += 1
            sequence = self._added
        else:
            sequence = previous[1]
        self._providers[key] = (order, sequence, provider)
        return provider

    def unregister(self, provider: Provider) -> None:
        """Take ``provider`` out again (for tests)."""
        self._providers.pop(_key(provider), None)

    def providers(self) -> list[tuple[str, Callable]]:
        """The registered providers with their keys, in the order they run."""
        entries = sorted(self._providers.items(), key=lambda item: item[1][:2])
        return [(key, entry[2]) for key, entry in entries]

    def panels_for(self, request: HttpRequest, now: datetime, *args: Any) -> list[Panel]:
        """The panels that apply to the person asking, in order (``args``: what a slot's
        providers take besides the request and the time, e.g. the case of a case page)."""
        shown: list[tuple[str, Panel]] = []
        superseded: set[str] = set()
        for key, provider in self.providers():
            if key in superseded:
                continue
            panel = provider(request, now, *args)
            if panel is None:
                continue
            superseded.update(_key(other) for other in panel.supersedes)
            shown.append((key, panel))
        return [panel for key, panel in shown if key not in superseded]


home_panels = Registry("home")
nav_links = Registry("nav")
header_items = Registry("header")
banners = Registry("banner")


def register_home_panel(provider: Provider, *, order: int = 100) -> Provider:
    """Show ``provider``'s panel on the home pages (see the module's docstring)."""
    return home_panels.register(provider, order=order)


def register_nav(provider: Provider, *, order: int = 100) -> Provider:
    """Show ``provider``'s links in the main menu (see the module's docstring)."""
    return nav_links.register(provider, order=order)


def register_header(provider: Provider, *, order: int = 100) -> Provider:
    """Show ``provider``'s item in the page header, before the signed-in person's name (e.g.
    notifications' bell). Same contract as menu links; it runs on every full page."""
    return header_items.register(provider, order=order)


def register_banner(provider: Provider, *, order: int = 100) -> Provider:
    """Show ``provider``'s banner at the top of every page (see the module's docstring)."""
    return banners.register(provider, order=order)
