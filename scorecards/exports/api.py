"""The case exports' API: start one (POST), list one's own and poll one (GET)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from grid import audit
from grid.api.pagination import StandardPagination
from grid.api.serializers import PAGE_NOT_FOUND, ErrorSerializer
from grid.models import AccessKind
from scorecards.exports.models import CaseExport, ExportState, PeriodKind
from scorecards.exports.periods import MAX_DAYS, period_of
from scorecards.exports.services import TooManyExports, export_start, exports_of
from scorecards.rules import may_view

TAGS = ["scorecards"]


class Busy(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "exports_busy"


class ExportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PeriodKind.choices)
    quarter = serializers.CharField(required=False, default="", help_text="YYYY-Qn (quarter)")
    month = serializers.CharField(required=False, default="", help_text="YYYY-MM (month)")
    first = serializers.DateField(required=False, default=None, help_text="First day (range)")
    last = serializers.DateField(
        required=False, default=None, help_text=f"Last day (range; at most {MAX_DAYS} days)"
    )

    def validate(self, data: dict) -> dict:
        try:
            data["period"] = period_of(**data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return data


class CaseExportSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = CaseExport
        fields = [
            "id",
            "period_kind",
            "label",
            "first_day",
            "last_day",
            "region_name",
            "state",
            "total",
            "written",
            "percent",
            "size",
            "created_at",
            "started_at",
            "finished_at",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, export: CaseExport) -> str | None:
        """Where the spreadsheet is, once ready (a session or token download)."""
        if export.state != ExportState.DONE:
            return None
        return reverse("scorecards-export-download", args=[export.pk])


def _viewer(request: Request) -> None:
    if not may_view(request.user):
        raise PermissionDenied(_("Scorecards are for leaders and the platform's staff."))


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="My case exports",
        description="The caller's case exports, newest first.",
        responses={200: CaseExportSerializer(many=True), 404: PAGE_NOT_FOUND},
    ),
    post=extend_schema(
        tags=TAGS,
        summary="Start a case export",
        description="All cases filed in a quarter, a month or a range of days (at most "
        f"{MAX_DAYS}) within the caller's jurisdiction, written to a spreadsheet by a worker. "
        "Poll the export until `state` is `done`, then fetch `download`. Logged.",
        request=ExportRequestSerializer,
        responses={
            202: CaseExportSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="A bad period: malformed, too long, in the future."
            ),
            403: OpenApiResponse(ErrorSerializer, description="Exports are not for you."),
            409: OpenApiResponse(
                ErrorSerializer, description="Two exports of yours are still being written."
            ),
        },
    ),
)
class CaseExportListView(generics.ListCreateAPIView):
    serializer_class = CaseExportSerializer
    pagination_class = StandardPagination

    def get_queryset(self):
        _viewer(self.request)
        return exports_of(self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        _viewer(request)
        asked = ExportRequestSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        try:
            export = export_start(user=request.user, period=asked.validated_data["period"])
        except TooManyExports:
            raise Busy(_("Wait for your exports being written to finish.")) from None
        audit.record(request, kind=AccessKind.EXPORT, query={"export": export.pk})
        return Response(CaseExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(
    tags=TAGS,
    summary="A case export's progress",
    responses={
        200: CaseExportSerializer,
        404: OpenApiResponse(ErrorSerializer, description="No such export of yours."),
    },
)
class CaseExportDetailView(generics.RetrieveAPIView):
    serializer_class = CaseExportSerializer

    def get_object(self) -> CaseExport:
        _viewer(self.request)
        export = exports_of(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if export is None:
            raise NotFound(_("No such export of yours."))
        return export
