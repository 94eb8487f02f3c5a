"""Scorecard API: a closed month's rows of one level, scoped, ranked, paginated."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from grid.api.pagination import StandardPagination
from grid.api.serializers import ErrorSerializer
from scorecards.api.serializers import ScoreRowSerializer, columns_of
from scorecards.figures import Kind
from scorecards.forms import ScorecardQueryForm
from scorecards.models import ScoreRow, SnapshotState
from scorecards.rules import may_view
from scorecards.selectors import latest_snapshot, scorecard_rows_for, snapshot_of

TAGS = ["scorecards"]


class ScorecardPagination(StandardPagination):
    """Pages of rows, with the month they belong to and the level's columns."""

    def get_paginated_response(self, data) -> Response:
        response = super().get_paginated_response(data)
        response.data = {**self.about, **response.data}
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        response = super().get_paginated_response_schema(schema)
        about = {
            "month": {"type": "string", "example": "2026-11"},
            "level": {"type": "string", "enum": ["county", "township", "grid_point", "unit"]},
            "state": {
                "type": "string",
                "enum": list(SnapshotState.values),
                "description": "`draft`: closed, may still be recomputed by a city admin; "
                "`published`: final.",
            },
            "ranked_by": {
                "type": "string",
                "description": "`score` (100 − deductions + bonuses) where deductions and "
                "bonuses are measured; otherwise the figure the level is ranked by (e.g. "
                "`completion_rate`).",
            },
            "columns": {
                "type": "array",
                "description": "The level's figures in order: name, label, kind.",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "label": {"type": "string"},
                        "kind": {"type": "string", "enum": list(Kind.values)},
                    },
                    "required": ["name", "label", "kind"],
                },
            },
        }
        response["properties"] = {**about, **response["properties"]}
        response["required"] = [*about, *response.get("required", ["count", "results"])]
        return response


@extend_schema(
    tags=TAGS,
    summary="Scorecards of a closed month",
    description="Every county, township, grid point or unit (`level`) of the caller's "
    "jurisdiction with its figures, score (100 − deductions + bonuses) and rank, in rank "
    "order (unranked last), as frozen when the month was closed. `month` defaults to the "
    "latest closed month. For leaders, city duty officers, county and system admins.",
    parameters=[
        OpenApiParameter(
            "month", OpenApiTypes.STR, description="YYYY-MM", pattern=r"^\d{4}-\d{2}$"
        ),
        OpenApiParameter(
            "level", OpenApiTypes.STR, enum=["county", "township", "grid_point", "unit"]
        ),
    ],
    responses={
        200: ScoreRowSerializer(many=True),
        400: OpenApiResponse(ErrorSerializer, description="A bad month or level."),
        403: OpenApiResponse(ErrorSerializer, description="Scorecards are not for you."),
        404: OpenApiResponse(
            ErrorSerializer, description="That month is not closed (or no page of that number)."
        ),
    },
)
class ScorecardListView(generics.ListAPIView):
    queryset = ScoreRow.objects.none()
    pagination_class = ScorecardPagination
    serializer_class = ScoreRowSerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        if not may_view(request.user):
            raise PermissionDenied(_("Scorecards are for leaders and the platform's staff."))
        form = ScorecardQueryForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({k: list(v) for k, v in form.errors.items()})
        month, level = form.cleaned_data["month"], form.cleaned_data["level"]
        snapshot = snapshot_of(month) if month else latest_snapshot()
        if snapshot is None:
            raise NotFound(
                _("That month is not closed yet.") if month else _("No month is closed yet.")
            )
        self.paginator.about = {
            "month": f"{snapshot.month:%Y-%m}",
            "level": level,
            "state": snapshot.state,
            "ranked_by": snapshot.ranked_by.get(level, ""),
            "columns": columns_of(snapshot.columns.get(level, [])),
        }
        rows = scorecard_rows_for(user=request.user, snapshot=snapshot, level=level)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ScoreRowSerializer(page, many=True).data)
