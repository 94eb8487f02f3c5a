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

This module imports nothing of the models, so ``reports.models`` can use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

AfterHook = Callable[[Any], None]


@dataclass(frozen=True)
class Condition:
    """A test on a case (``test(report) -> bool``) and what to tell when it fails."""

    test: Callable[[Any], bool]
    message: str


_after: dict[str | None, list[AfterHook]] = {}
_conditions: dict[str, list[Condition]] = {}
_payloads: dict[str, type] = {}


def register_after(fn: AfterHook, *, names: Iterable[str] | None = None) -> AfterHook:
    """Run ``fn(step)`` after each of ``names`` (every transition if None), in its transaction."""
    for name in names if names is not None else [None]:
        hooks = _after.setdefault(name, [])
        if fn not in hooks:
            hooks.append(fn)
    return fn


def register_condition(name: str, test: Callable[[Any], bool], message: str) -> None:
    """``name`` may only happen to cases for which ``test(report)`` holds."""
    conditions = _conditions.setdefault(name, [])
    if all(c.test is not test for c in conditions):
        conditions.append(Condition(test, message))


def extend_payload(name: str, form_class: type) -> None:
    """Use ``form_class`` for ``name`` from now on: a subclass of its payload form (checked
    when the form is asked for, :func:`reports.workflow.payload_form`)."""
    _payloads[name] = form_class


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
