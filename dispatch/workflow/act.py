"""One dispatch action being taken (:class:`Act`) and the declaration of one (:class:`Action`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise

from dispatch import forms as payloads
from dispatch.models import (
    Assignment,
    Handler,
    HandlerRole,
)
from dispatch.rules import handler_of
from grid.models import Unit, User
from reports.models import Report


@dataclass
class Act:
    """One action being taken, as the checks and ``apply`` see it.

    ``assignment``: the case's active routing (locked), None if it has none; ``handlers``: its
    units. ``apply`` fills what the history records: ``event`` (the step's name on the
    timeline, the action's by default), ``comment``, ``data``, ``unit``; and ``result``.
    """

    report: Report
    by: User
    now: datetime
    assignment: Assignment | None
    handlers: list[Handler]
    cleaned: dict = field(default_factory=dict)
    event: str = ""
    comment: str = ""
    data: dict = field(default_factory=dict)
    unit: Unit | None = None
    result: object = None
    _cache: dict = field(default_factory=dict)

    @property
    def handler(self) -> Handler | None:
        """The asking liaison's unit among the routing's handlers."""
        return handler_of(self.handlers, self.by)

    @property
    def lead(self) -> Handler | None:
        return next((h for h in self.handlers if h.role == HandlerRole.LEAD), None)

    def once(self, key: str, compute: Callable[[], object]):
        """``compute()`` once per action (a row the checks and ``apply`` both need)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


@dataclass(frozen=True)
class Action:
    """Everything about one dispatch action."""

    name: str
    payload: type[payloads.ActionForm]
    state: Callable[[Act], str | None]  # why the case's state refuses it now (409), or None
    may: Callable[[Act], bool]  # whether this person may (else 403)
    apply: Callable[[Act], None]
    label: Promise  # the action, as its heading on the case page and in the API
    button: Promise
    own_state: Callable[[Act], str | None] | None = None  # 409 once who asks is known
