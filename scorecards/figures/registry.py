"""The one registry of figures: what each figure is, and how each level measures it.

A **source** is the set of rows one month contributes (cases filed in the month, routings
made in it, …) and, for each level it serves, the SQL expression naming the node a row
belongs to. A **figure** is a name, a label and a kind (a count, a rate, a median in hours,
points). A **measure** says how one figure is taken at some levels: from which source, over
which of its rows (``where``) and, for a median, of which value. A rate is the ratio of two
counts measured at the same level. The assessment (:mod:`scorecards.assess`) turns every
measure of a level into conditional aggregates of one ``GROUP BY`` per source; the drill-down
of a figure is the same source, node and ``where`` as a queryset of the cases behind it.

Figures from other apps (duty's daily reports, risk points, handovers; deductions) are
declared here the same way, as sources and measures more: the snapshot stores every figure of
a level, whatever its origin, and the score appears once ``deductions`` and ``bonuses`` are
measured at a level (:mod:`scorecards.figures.duty`).

A figure of kind ``points`` is the sum of ``value`` over its rows; a source whose drill-down
lists its own rows (deductions, expected submissions) rather than the cases they concern says
so with a :class:`Listing`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Expression, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from scorecards.months import Month


class AssessLevel(models.TextChoices):
    """Who is assessed: places (county, township), grid points and handling units."""

    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    GRID_POINT = "grid_point", _("Grid point")
    UNIT = "unit", _("Unit")


class Kind(models.TextChoices):
    COUNT = "count", _("Count")
    RATE = "rate", _("Rate")
    HOURS = "hours", _("Median, hours")
    POINTS = "points", _("Points")


Rows = Callable[[Month, datetime], QuerySet]
Where = Q | Callable[[Month, datetime], Q]


@dataclass(frozen=True)
class Listing:
    """What the drill-down of a source's figures lists, when not the cases its rows concern.

    ``rows(user, matching)`` turns the source's matching rows into what ``user`` may see of
    them, ordered and ready to render with ``template`` (a partial of one table).
    """

    name: str
    template: str
    rows: Callable[[Any, QuerySet], QuerySet]


@dataclass(frozen=True)
class Source:
    """Rows a month contributes (``rows(month, as_of)``), grouped per level by ``keys``.

    ``case`` is the lookup of the case each row concerns (``"pk"`` on reports, ``"report_id"``
    on routings and events): what a drill-down lists. ``counts``: what a count counts,
    distinct (the case, unless given: a routing source counts routings). ``listing``: what a
    drill-down lists, if not the cases (see :class:`Listing`).
    """

    name: str
    rows: Rows
    keys: Mapping[str, Expression]
    case: str = "report_id"
    counts: str | None = None
    listing: Listing | None = None

    @property
    def counted(self) -> str:
        return self.counts or self.case


@dataclass(frozen=True)
class Figure:
    """One column of the assessment."""

    name: str
    label: Any
    kind: str = Kind.COUNT
    help: Any = ""
    ratio: tuple[str, str] | None = None  # rates: (numerator, denominator)
    # A breakdown of another figure (deductions by kind): kept in the snapshot, the API and
    # the spreadsheet; the table shows it on its total's drill-down, not as a column.
    part_of: str = ""


@dataclass(frozen=True)
class Measure:
    """How ``figure`` is taken at ``level``: counting the distinct cases of ``source``'s rows
    that match ``where``, or (hours) the median of ``value`` over them, or (points) its sum."""

    figure: str
    level: str
    source: Source
    where: Where = field(default_factory=Q)
    value: Expression | None = None

    def condition(self, month: Month, as_of: datetime) -> Q:
        return self.where(month, as_of) if callable(self.where) else self.where


FIGURES: dict[str, Figure] = {}
MEASURES: dict[tuple[str, str], Measure] = {}


def register_figure(figure: Figure) -> Figure:
    """Declare a figure (again: replaced, so ``ready()`` may run twice). Order is column order."""
    FIGURES[figure.name] = figure
    return figure


def register_measure(
    figure: str,
    *,
    source: Source,
    levels: list[str],
    where: Where | None = None,
    value: Expression | None = None,
) -> None:
    """Say how ``figure`` is measured at ``levels`` (one source per figure and level)."""
    if figure not in FIGURES:
        raise KeyError(f"Declare the figure {figure!r} first.")
    if FIGURES[figure].kind in (Kind.HOURS, Kind.POINTS) and value is None:
        raise ValueError(f"A median or a sum ({figure!r}) needs a value.")
    for level in levels:
        if level not in source.keys:
            raise KeyError(f"Source {source.name!r} does not group by {level!r}.")
        MEASURES[figure, level] = Measure(figure, level, source, where or Q(), value)


def figures_at(level: str) -> list[Figure]:
    """The figures a level has, in column order: the measured ones and the rates of them."""
    shown = []
    for figure in FIGURES.values():
        if figure.ratio:
            if all((part, level) in MEASURES for part in figure.ratio):
                shown.append(figure)
        elif (figure.name, level) in MEASURES:
            shown.append(figure)
    return shown


def measure_of(figure: Figure, level: str) -> Measure | None:
    """What a drill-down of ``figure`` lists: its own measure, or a rate's denominator's."""
    name = figure.ratio[1] if figure.ratio else figure.name
    return MEASURES.get((name, level))


def has_score(level: str) -> bool:
    """The score (100 − deductions + bonuses) exists once both are measured at ``level``."""
    return ("deductions", level) in MEASURES and ("bonuses", level) in MEASURES
