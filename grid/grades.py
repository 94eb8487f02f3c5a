"""The case grades (研判分级) the deadline rules may name, registered by the app that owns them.

Grades are declared once, as ``reports.models.Grade``; grid is below reports and must not
import it, yet a deadline rule (:class:`grid.models.ClockRule`) may apply to one grade only.
So reports hands its choices to grid at start-up (``ReportsConfig.ready()`` calls
:func:`register_grades`), and the rule's ``grade`` field offers and validates exactly those:
its ``choices`` is the callable :func:`grade_choices`, which Django reads when a form or a
validation needs it (and which migrations store as a reference, not as a list of values).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

# code -> label, in the owner's order (lowest grade first)
_GRADES: dict[str, object] = {}

EVERY_GRADE_LABEL = _("Every grade")


def register_grades(choices: Iterable[tuple[str, object]]) -> None:
    """Make ``choices`` (``(code, label)`` pairs) the grades rules may name."""
    _GRADES.clear()
    _GRADES.update((str(code), label) for code, label in choices)


def grade_choices() -> list[tuple[str, object]]:
    """The choices of a rule's grade: "every grade" (the empty code), then each grade."""
    return [("", EVERY_GRADE_LABEL), *_GRADES.items()]


def is_grade(code: str) -> bool:
    """True for a registered grade's code."""
    return code in _GRADES
