"""How figures read on the pages: percentages, hours, dashes for nothing, links to drill."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import number_format

from scorecards.figures import FIGURES, Figure, Kind, measure_of
from scorecards.models import ScoreRow


def figure_text(kind: str, value) -> str:
    if value is None:
        return "—"
    if kind == Kind.RATE:
        return f"{number_format(round(value * 100, 1), 1)}%"
    if kind == Kind.HOURS:
        return f"{number_format(round(value, 1), 1)} h"
    if kind == Kind.POINTS:
        return number_format(round(float(value), 1), 1)
    return number_format(value, 0, force_grouping=True)


@dataclass(frozen=True)
class Cell:
    name: str
    text: str
    url: str | None


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str
    help: str


# Shown first, next to the score they make.
LEADING = ("deductions", "bonuses")


def columns_for(names: list[str]) -> list[Column]:
    """The table's columns: the figures, not their breakdowns (shown on a total's drill); the
    deductions and bonuses first, by the score."""
    shown = [n for n in names if n in FIGURES and not FIGURES[n].part_of]
    shown.sort(key=lambda n: n not in LEADING)  # stable: the rest keep the registry's order
    return [Column(n, str(FIGURES[n].label), FIGURES[n].kind, str(FIGURES[n].help)) for n in shown]


# The totals whose drill-down shows the breakdown by kind (the parts of ``deductions``).
BROKEN_DOWN = {"deductions": "deductions", "bonuses": "deductions"}


def parts_of(row: ScoreRow, figure: Figure, *, month: str) -> list[Cell]:
    """A total's parts in ``row`` that are not zero (deductions by kind), each a link to its
    own rows; nothing for a figure that has no parts."""
    whole = BROKEN_DOWN.get(figure.name) or figure.part_of
    if not whole:
        return []
    return [
        Cell(
            str(part.label),
            figure_text(part.kind, row.figures[part.name]),
            reverse("scorecards-drill", args=[month, row.level, row.node_id, part.name]),
        )
        for part in FIGURES.values()
        if part.part_of == whole and row.figures.get(part.name)
    ]


def cells_of(row: ScoreRow, columns: list[Column], *, month: str) -> list[Cell]:
    """A row's cells; each figure with cases behind it links to them."""
    cells = []
    for column in columns:
        value = row.figures.get(column.name)
        drillable = measure_of(FIGURES[column.name], row.level) is not None and value not in (
            None,
            0,
        )
        url = (
            reverse("scorecards-drill", args=[month, row.level, row.node_id, column.name])
            if drillable
            else None
        )
        cells.append(Cell(column.name, figure_text(column.kind, value), url))
    return cells
