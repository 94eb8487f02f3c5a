"""Panels on the case page that the apps above reports put there.

reports owns the case page but knows nothing of dispatch, duty or scorecards (apps depend one
way). Each of them shows its own part of a case by registering a *provider* here, in its
``AppConfig.ready()``, as grid's pages take panels from :mod:`grid.panels`::

    # dispatch/apps.py
    from reports import case_panels
    case_panels.register_case_panel(routing_panel, slot=case_panels.MAIN, order=20)
    case_panels.register_case_panel(unit_actions, slot=case_panels.ACTIONS, order=20)
    case_panels.register_action_help("route", route_help)

A case panel provider is ``fn(request, now, page) -> Panel | None``: ``page`` is the
:class:`CasePage` being drawn (the case, read for the person, and what a refused action left
behind). Slots:

- ``MAIN``: below the case's facts, in the main column (e.g. the routing and its clocks);
- ``ACTIONS``: in the column of actions, before the case's own transitions (e.g. the units'
  actions as forms). A panel whose ``context`` says ``"opens_action": True`` offers the step
  the reader most likely takes next, and the page then opens none of its own transitions.

An *action help* provider, ``fn(request, now, page, form) -> Panel | None``, is drawn inside
the form of one of reports' transitions, above its fields (e.g. dispatch: whom to route to).

A panel's template sees only its own context (plus the CSRF token), as a home panel's does.
Keep providers' queries few and fixed; providers of one page may share what they read through
``page.once(key, compute)``.

A *case flag* (``register_case_flag(name, expression)``) is read with the case itself: the
page's one query for the case is annotated with ``expression()`` (an ``Exists`` on the case,
``OuterRef("pk")``), and a provider reads ``page.flag(name)`` to skip a query of its own where
the case has nothing (most cases have no consultation, push or ledger entry).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import HttpRequest, QueryDict

from grid.panels import Panel, Registry

MAIN = "main"
ACTIONS = "actions"
SLOTS = (MAIN, ACTIONS)


@dataclass
class CasePage:
    """The case page being drawn, as providers see it.

    ``bound``: the payload form of an action just refused as invalid (400), with what was
    typed and its errors; draw it in place of a fresh form when its ``prefix`` is yours.
    ``retry``: the action just refused for the case's state or another person's step (409),
    with what was posted (``(prefix, data)``), so that nothing typed is lost.
    """

    report: Any
    bound: Any = None
    retry: tuple[str, QueryDict] | None = None
    _shared: dict = field(default_factory=dict)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per page, shared by every provider that asks for ``key``."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]

    def flag(self, name: str) -> bool:
        """Case flag ``name`` as read with the case (True where it was not read: ask)."""
        return getattr(self.report, name, True)

    def retried(self, prefix: str) -> QueryDict | None:
        """What was posted for the form of ``prefix`` if that action was just refused (409)."""
        if self.retry is not None and self.retry[0] == prefix:
            return self.retry[1]
        return None


_slots = {slot: Registry(f"case-{slot}") for slot in SLOTS}
_action_help: dict[str, Registry] = {}
_flags: dict[str, Callable[[], Any]] = {}


def register_case_flag(name: str, expression: Callable[[], Any]) -> None:
    """Read ``expression()`` (an ``Exists`` on ``OuterRef("pk")``) with the case on its page,
    as ``page.flag(name)``."""
    _flags[name] = expression


def case_flags() -> dict[str, Any]:
    """The annotations of every registered case flag, for the case page's query."""
    return {name: expression() for name, expression in _flags.items()}


def register_case_panel(provider: Callable, *, slot: str, order: int = 100) -> Callable:
    """Show ``provider``'s panel in ``slot`` (MAIN or ACTIONS) of the case page."""
    return _slots[slot].register(provider, order=order)


def register_action_help(name: str, provider: Callable, *, order: int = 100) -> Callable:
    """Draw ``provider``'s panel inside the form of transition ``name``, above its fields."""
    registry = _action_help.setdefault(name, Registry(f"case-help-{name}"))
    return registry.register(provider, order=order)


def unregister(provider: Callable) -> None:
    """Take ``provider`` out of every slot (tests)."""
    for registry in _all():
        registry.unregister(provider)


def case_panels_for(request: HttpRequest, now: datetime, page: CasePage) -> dict[str, list]:
    """The panels of every slot, for the person asking, in order."""
    return {slot: registry.panels_for(request, now, page) for slot, registry in _slots.items()}


def action_help_for(
    request: HttpRequest, now: datetime, page: CasePage, name: str, form
) -> list[Panel]:
    """The panels drawn inside the form of transition ``name``."""
    registry = _action_help.get(name)
    return registry.panels_for(request, now, page, form) if registry is not None else []


def opens_action(panels: list[Panel]) -> bool:
    """Whether one of ``panels`` offers the step the reader most likely takes next."""
    return any(panel.context.get("opens_action") for panel in panels)


@contextmanager
def set_aside():
    """Draw the case page with no other app's panels (the tests of reports alone); every
    provider is back afterwards."""
    saved = [(registry, dict(registry._providers)) for registry in _all()]
    flags = dict(_flags)
    for registry, _providers in saved:
        registry._providers.clear()
    _flags.clear()
    try:
        yield
    finally:
        for registry, providers in saved:
            registry._providers.clear()
            registry._providers.update(providers)
        _flags.clear()
        _flags.update(flags)


def _all() -> list[Registry]:
    return [*_slots.values(), *_action_help.values()]


def keep_typed(form, data: QueryDict | None, *, skip: tuple[str, ...] = ("expected_status",)):
    """``form`` (unbound) showing what was posted for it as its initial values, so that an
    action refused for the state (409) loses nothing typed; ``skip``: fields drawn afresh
    (what the person saw the case as). Returns the form."""
    if data is None:
        return form
    for name, form_field in form.fields.items():
        if name in skip:
            continue
        value = form_field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        if value not in (None, "", []):
            form.initial[name] = value
    return form
