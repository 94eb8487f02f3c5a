"""The scorecard API's one output: a closed month's rows of one level."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scorecards.figures import FIGURES
from scorecards.models import ScoreRow

FIGURES_HELP = (
    "Every figure of the level, by name: counts (integers), rates (0–1, null without a "
    "denominator), medians in hours (null without cases) and points (`deductions` and "
    "`bonuses`, both positive; `points_<kind>` by kind of deduction or bonus, signed). The "
    "level's `columns` list them in order with their labels."
)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "number", "nullable": True},
        "description": FIGURES_HELP,
        "example": {
            "filed": 5,
            "completion_rate": 0.6667,
            "close_hours": 61.5,
            "daily_missed": 4,
            "deductions": 6.5,
            "bonuses": 2.0,
            "points_daily_report_missed": -4.0,
        },
    }
)
class FiguresField(serializers.JSONField):
    pass


class ScoreRowSerializer(serializers.ModelSerializer):
    """One node's month: its rank, score (100 − deductions + bonuses) and figures."""

    figures = FiguresField(read_only=True)
    score = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True, read_only=True
    )
    rank = serializers.IntegerField(
        allow_null=True, read_only=True, help_text="Null: nothing to rank the node by."
    )

    class Meta:
        model = ScoreRow
        fields = ["rank", "node_id", "name", "parent_name", "score", "figures"]


def columns_of(names: list[str]) -> list[dict]:
    return [
        {"name": n, "label": str(FIGURES[n].label), "kind": FIGURES[n].kind}
        for n in names
        if n in FIGURES
    ]
