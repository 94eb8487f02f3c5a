"""How other apps extend the reports workflow without ``reports`` importing them.

Higher apps (dispatch, duty, scorecards) register in their ``AppConfig.ready()``:

- :func:`register_after` — a function run in the transition's transaction, after its event is
  written (``fn(step)``, see :class:`reports.workflow.Step`), for one transition, several, or
  every one. Raising aborts the whole transition.
- :func:`register_condition` — an extra condition a transition needs (e.g. dispatch: "a routed
  case closes only with an approved reply"). It is checked with the state (django-fsm's
  ``conditions``), so a case that fails it is not offered the action on pages or in the API,
  and asking anyway answers 409 with the condition's message.
- :func:`extend_payload` — a subclass of a transition's payload form with more fields (e.g.
  dispatch: co-handling units and the reply deadline on ``route``); the page and the API both
  use the extended form, and after-hooks read its ``cleaned_data`` from ``step.cleaned``.
- :func:`register_visibility` — more cases a person may see besides those their role gives
  (e.g. dispatch: the cases a unit co-handles; consultations: the cases a unit is invited to),
  as a ``Q`` on reports built for the person; always within their jurisdiction.
- :func:`register_step` — the words of a step another app writes on a case's history that is
  no transition (e.g. dispatch: claimed, reply approved, urged), for staff and in plain words.
- :func:`register_after_submit` — a function run in the transaction that files a new report,
  after its event is written (``fn(report)``; e.g. directives: a new report of a source a
  key matter follows is linked to it). Raising aborts the submission.
- :func:`register_queue_page` — a higher app's page that stands in for the case queue for
  people of one role (e.g. dispatch: the duty console for city duty officers): the menu shows
  that page only, the queue's address redirects there and "back" from a case leads there.

This module imports nothing of the models, so ``reports.models`` can use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

AfterHook = Callable[[Any], None]


@dataclass(frozen=True)
class Condition:
    """A test on a case (``test(report) -> bool``) and what to tell when it fails."""

    test: Callable[[Any], bool]
    message: str


@dataclass(frozen=True)
class StepWords:
    """What the history calls a step that is no transition: for staff, and in plain words
    for people of grid points (None: the staff words)."""

    done: Any
    plain: Any = None


VisibilityHook = Callable[[Any], Any]  # fn(user) -> Q on reports, or None

_after: dict[str | None, list[AfterHook]] = {}
_conditions: dict[str, list[Condition]] = {}
_payloads: dict[str, type] = {}
_visibility: list[VisibilityHook] = []
_steps: dict[str, StepWords] = {}
_after_submit: list[Callable[[Any], None]] = []


@dataclass(frozen=True)
class QueuePage:
    """The page that is a role's queue instead of reports' own: its URL name and its name."""

    url_name: str
    title: Any


_queue_pages: dict[str, QueuePage] = {}


def register_after(fn: AfterHook, *, names: Iterable[str] | None = None) -> AfterHook:
    """Run ``fn(step)`` after each of ``names`` (every transition if None), in its transaction."""
    for name in names if names is not None else [None]:
        hooks = _after.setdefault(name, [])
        if fn not in hooks:
            hooks.append(fn)
    return fn


def register_after_submit(fn: Callable[[Any], None]) -> Callable[[Any], None]:
    """Run ``fn(report)`` when a report is filed, in its transaction (once, however often)."""
    if fn not in _after_submit:
        _after_submit.append(fn)
    return fn


def after_submit_hooks() -> list[Callable[[Any], None]]:
    return list(_after_submit)


def register_condition(name: str, test: Callable[[Any], bool], message: str) -> None:
    """``name`` may only happen to cases for which ``test(report)`` holds."""
    conditions = _conditions.setdefault(name, [])
    if all(c.test is not test for c in conditions):
        conditions.append(Condition(test, message))


def extend_payload(name: str, form_class: type) -> None:
    """Use ``form_class`` for ``name`` from now on: a subclass of its payload form (checked
    when the form is asked for, :func:`reports.workflow.payload_form`)."""
    _payloads[name] = form_class


def register_visibility(fn: VisibilityHook) -> VisibilityHook:
    """Let a person see the cases ``fn(user)`` selects (a ``Q`` on reports, or None for none),
    besides those their role gives, within their jurisdiction (once, however often)."""
    if fn not in _visibility:
        _visibility.append(fn)
    return fn


def register_step(name: str, *, done, plain=None) -> None:
    """Name a step that is no transition, as the history shows it (``done``) and in plain
    words for people of grid points (``plain``)."""
    _steps[name] = StepWords(done, plain)


def register_queue_page(role: str, *, url_name: str, title) -> None:
    """People of ``role`` work from the page ``url_name`` (called ``title``), not the queue."""
    _queue_pages[role] = QueuePage(url_name, title)


def queue_page_of(role: str) -> QueuePage | None:
    return _queue_pages.get(role)


def visibility_grants(user) -> list:
    """The ``Q`` objects registered hooks build for ``user`` (none that answer None)."""
    return [q for q in (fn(user) for fn in _visibility) if q is not None]


def step_words_of(name: str) -> StepWords | None:
    return _steps.get(name)


def after_hooks(name: str) -> list[AfterHook]:
    """The functions registered for ``name``, then those for every transition."""
    return [*_after.get(name, []), *_after.get(None, [])]


def extended_payload(name: str) -> type | None:
    return _payloads.get(name)


def failed_condition(name: str, report) -> Condition | None:
    """The first registered condition of ``name`` that ``report`` does not meet."""
    return next((c for c in _conditions.get(name, []) if not c.test(report)), None)


def conditions_of(name: str) -> Callable[[Any], bool]:
    """A django-fsm condition: every condition registered for ``name`` holds."""

    def registered_conditions_hold(report) -> bool:
        return failed_condition(name, report) is None

    registered_conditions_hold.__name__ = f"{name}_registered_conditions"
    return registered_conditions_hold


def unregister(fn_or_test: Callable) -> None:
    """Remove a hook or condition everywhere it was registered (tests)."""
    for hooks in _after.values():
        while fn_or_test in hooks:
            hooks.remove(fn_or_test)
    for name, conditions in _conditions.items():
        _conditions[name] = [c for c in conditions if c.test is not fn_or_test]
    for name, form in list(_payloads.items()):
        if form is fn_or_test:
            del _payloads[name]
    while fn_or_test in _visibility:
        _visibility.remove(fn_or_test)
    while fn_or_test in _after_submit:
        _after_submit.remove(fn_or_test)


@contextmanager
def set_aside():
    """Run with no hook, condition, payload or visibility of other apps registered (the
    tests of reports alone); everything registered is back afterwards."""
    saved = (
        {k: list(v) for k, v in _after.items()},
        {k: list(v) for k, v in _conditions.items()},
        dict(_payloads),
        list(_visibility),
        dict(_queue_pages),
        list(_after_submit),
    )
    _after.clear()
    _conditions.clear()
    _payloads.clear()
    _visibility.clear()
    _queue_pages.clear()
    _after_submit.clear()
    try:
        yield
    finally:
        _after.clear()
        _after.update(saved[0])
        _conditions.clear()
        _conditions.update(saved[1])
        _payloads.clear()
        _payloads.update(saved[2])
        _visibility[:] = saved[3]
        _queue_pages.clear()
        _queue_pages.update(saved[4])
        _after_submit[:] = saved[5]
