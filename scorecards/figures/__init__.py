"""Scorecards' figures: the registry (:mod:`.registry`) and the figures declared in it."""

from scorecards.figures.registry import (
    FIGURES,
    MEASURES,
    AssessLevel,
    Figure,
    Kind,
    Listing,
    Measure,
    Source,
    figures_at,
    has_score,
    measure_of,
    register_figure,
    register_measure,
)

__all__ = [
    "FIGURES",
    "MEASURES",
    "AssessLevel",
    "Figure",
    "Kind",
    "Listing",
    "Measure",
    "Source",
    "figures_at",
    "has_score",
    "measure_of",
    "register_figure",
    "register_measure",
]
