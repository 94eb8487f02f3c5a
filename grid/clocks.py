"""Which rule a clock follows, and the deadline it gives: one lookup for every clock on a case.

The rules are rows (:class:`grid.models.ClockRule`, edited in the admin, seeded from domain.md
by a data migration); a rule for the case's own grade wins over the rule for every grade. The
lookup is one indexed query (the unique ``(clock, grade)`` index), however many grades are
asked; no cache, so an edited rule applies to the next clock started.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext

from grid.grades import is_grade
from grid.models import Clock, ClockRule
from grid.workdays import Deadline

# A clock is amber once this share of its time is used (domain.md: amber at 80 %).
AMBER_AT = 0.8


def clock_state(
    *, start: datetime, due: datetime, now: datetime, done: bool = False, amber_at: float = AMBER_AT
) -> str:
    """How a clock from ``start`` to ``due`` stands at ``now``: ``done`` (met), ``red``
    (overdue), ``amber`` (``amber_at`` of its time used) or ``ok`` — the one rule every page
    and API answer colours a clock by."""
    if done:
        return "done"
    if now >= due:
        return "red"
    if now >= start + (due - start) * amber_at:
        return "amber"
    return "ok"


class ClockRuleMissing(LookupError):
    """No rule for a clock (and grade): the rule table lost a row the product counts on.

    The admin refuses to delete a clock's rule for every grade, so this means a database
    without its data migrations, or rows deleted by hand.
    """


def _rules(clock: str) -> dict[str, ClockRule]:
    """Every rule of ``clock`` by its grade ("": every grade), in one query."""
    return {rule.grade: rule for rule in ClockRule.objects.filter(clock=Clock(clock))}


def _rule_of(rules: dict[str, ClockRule], clock: str, grade: str) -> ClockRule:
    """The rule of ``grade`` among a clock's ``rules``: its own, else the one for every grade."""
    rule = rules.get(grade) or rules.get("")
    if rule is None:
        raise ClockRuleMissing(
            gettext(
                "There is no deadline rule for “%(clock)s”: add one for every grade in the admin."
            )
            % {"clock": Clock(clock).label}
        )
    return rule


def clock_rule_for(*, clock: str, grade: str = "") -> ClockRule:
    """The rule ``clock`` follows for a case of ``grade`` ("" for no grade yet): that grade's
    own rule if there is one, else the clock's rule for every grade (one query)."""
    clock = Clock(clock)
    if grade and not is_grade(grade):
        raise ValueError(f"Unknown grade {grade!r}.")
    return _rule_of(_rules(clock), clock, grade)


def clock_rules_by_grade(*, clock: str, grades) -> dict[str, ClockRule]:
    """:func:`clock_rule_for` for each of ``grades`` at once (one query)."""
    rules = _rules(clock)
    return {grade: _rule_of(rules, clock, grade) for grade in grades}


def deadline_for(*, clock: str, start: datetime, grade: str = "") -> Deadline:
    """When ``clock``, started at ``start`` on a case of ``grade``, runs out, by its rule."""
    return clock_rule_for(clock=clock, grade=grade).deadline_from(start)
