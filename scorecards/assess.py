"""The assessment of one month at one level, computed by the database.

For each source a level reads, one query groups the month's rows by node and takes every
figure measured on that source as a conditional aggregate (``COUNT(DISTINCT …) FILTER``, the
points of deductions and bonuses as ``SUM(…) FILTER``), and
on PostgreSQL every median too (``percentile_cont``); on SQLite each median is one more query
with window functions (:func:`scorecards.figures.sql.medians`). Rates are the ratio of two
counts of the same node. Nothing here loops over cases: Python sees one row per node.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from grid.models import GridPoint, Level, Region, Unit
from scorecards.figures import (
    FIGURES,
    MEASURES,
    AssessLevel,
    Kind,
    Measure,
    figures_at,
    has_score,
)
from scorecards.figures.sql import Median, aggregates_median, medians
from scorecards.months import Month

# What a level is ranked by while it has no score (no deductions measured yet).
RANK_FALLBACK = {
    AssessLevel.COUNTY: "completion_rate",
    AssessLevel.TOWNSHIP: "completion_rate",
    AssessLevel.GRID_POINT: "valid",
    AssessLevel.UNIT: "completion_rate",
}
BASE_SCORE = Decimal(100)


@dataclass
class Assessed:
    """One node's month: who it is, where it sits, its figures, score and rank."""

    node_id: int
    name: str
    parent_name: str
    path: str
    figures: dict[str, Any] = field(default_factory=dict)
    score: Decimal | None = None
    rank: int | None = None


def nodes_of(level: str) -> list[Assessed]:
    """Everyone assessed at ``level`` (one query), figures still empty."""
    if level in (AssessLevel.COUNTY, AssessLevel.TOWNSHIP):
        rows = Region.objects.filter(level=Level(level)).values_list(
            "id", "name", "parent__name", "path"
        )
    elif level == AssessLevel.GRID_POINT:
        rows = GridPoint.objects.filter(is_active=True).values_list(
            "id", "name", "region__parent__name", "region__path"
        )
    else:
        rows = Unit.objects.filter(is_active=True).values_list(
            "id", "name", "region__name", "region__path"
        )
    return [Assessed(pk, name, parent or "", path) for pk, name, parent, path in rows]


def _is_median(measure: Measure) -> bool:
    return FIGURES[measure.figure].kind == Kind.HOURS


def _aggregate(measure: Measure, month: Month, as_of: datetime):
    where = measure.condition(month, as_of)
    if FIGURES[measure.figure].kind == Kind.POINTS:
        return Sum(measure.value, filter=where or None)
    if measure.value is None:
        counted = measure.source.counted
        # One row per case or routing needs no DISTINCT (which would sort every group again).
        return Count(counted, filter=where or None, distinct=counted != "pk")
    return Median(measure.value, filter=where or None)


def measured(*, month: Month, level: str, as_of: datetime) -> dict[int, dict[str, Any]]:
    """``{node_id: {figure: value}}`` of every measured (not derived) figure of ``level``."""
    by_source: dict[str, list[Measure]] = defaultdict(list)
    for (_name, at), measure in MEASURES.items():
        if at == level:
            by_source[measure.source.name].append(measure)
    values: dict[int, dict[str, Any]] = defaultdict(dict)
    for measures in by_source.values():
        source = measures[0].source
        key = source.keys[level]
        in_group = [m for m in measures if not _is_median(m) or aggregates_median()]
        rows = (
            source.rows(month, as_of)
            .order_by()
            .annotate(_node=key)
            .values("_node")
            .annotate(**{m.figure: _aggregate(m, month, as_of) for m in in_group})
        )
        for row in rows:
            node = row.pop("_node")
            if node is not None:
                values[node].update(row)
        for m in measures:
            if m not in in_group:  # medians without an ordered-set aggregate (SQLite)
                rows = source.rows(month, as_of).filter(m.condition(month, as_of) or Q())
                for node, median in medians(rows, key=key, value=m.value).items():
                    values[node][m.figure] = median
    return values


def _shape(kind: str, value):
    if value is None:
        return None
    if kind == Kind.HOURS:
        return round(float(value), 2)
    if kind == Kind.POINTS:
        return round(float(value), 2)
    return int(value)


def assess(*, month: Month, level: str, as_of: datetime) -> tuple[list[Assessed], str]:
    """Every node of ``level`` with all its figures for ``month``, scored and ranked.

    Returns the rows (in rank order, unranked last) and the figure they are ranked by.
    """
    columns = figures_at(level)
    values = measured(month=month, level=level, as_of=as_of)
    nodes = nodes_of(level)
    for node in nodes:
        got = values.get(node.node_id, {})
        for figure in columns:
            if figure.ratio:
                continue
            value = got.get(figure.name)
            if value is None and figure.kind in (Kind.COUNT, Kind.POINTS):
                value = 0  # nothing to count or sum: none
            node.figures[figure.name] = _shape(figure.kind, value)
        for figure in columns:
            if figure.ratio:
                top, bottom = (node.figures.get(part) for part in figure.ratio)
                node.figures[figure.name] = round(top / bottom, 4) if bottom else None
        if has_score(level):
            deductions = Decimal(str(node.figures.get("deductions") or 0))
            bonuses = Decimal(str(node.figures.get("bonuses") or 0))
            node.score = BASE_SCORE - deductions + bonuses
    ranked_by = "score" if has_score(level) else RANK_FALLBACK[AssessLevel(level)]
    rank(nodes, by=ranked_by)
    return nodes, ranked_by


def rank_value(node: Assessed, by: str):
    return node.score if by == "score" else node.figures.get(by)


def rank(nodes: list[Assessed], *, by: str) -> None:
    """Competition ranking, highest first (1, 2, 2, 4); nodes without a value are unranked.

    Ties are listed by name.
    """
    nodes.sort(key=lambda n: n.name)
    nodes.sort(key=lambda n: (rank_value(n, by) is None, -(rank_value(n, by) or 0)))
    previous, place = object(), 0
    for index, node in enumerate(nodes, start=1):
        value = rank_value(node, by)
        if value is None:
            node.rank = None
            continue
        if value != previous:
            place, previous = index, value
        node.rank = place


def column_names(level: str) -> list[str]:
    return [f.name for f in figures_at(level)]


def figure_label(name: str):
    return "score" if name == "score" else FIGURES[name].label
