"""Duty's API: the daily reports, the risk-point lists and the expected submissions, scoped
like every other list (``visible_to``), paginated, filtered by one FilterSet each. What a
service's refusal means (400, 403, 409) is declared once in :mod:`grid.errors`."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from duty.api.serializers import (
    DailyReportCreateSerializer,
    DailyReportSerializer,
    ExpectedSubmissionSerializer,
    RiskPointListCreateSerializer,
    RiskPointListSerializer,
)
from duty.filters import DailyReportFilter, ExpectedSubmissionFilter, RiskPointListFilter
from duty.models import DailyReport, ExpectedSubmission, RiskPointList
from duty.selectors import daily_report_list_for, expected_list_for, risk_point_list_for
from duty.services.filings import DailyItem, RiskItem, daily_report_file, risk_points_file
from grid.api.pagination import CappedPagination
from grid.api.serializers import PAGE_NOT_FOUND, ErrorSerializer

TAGS = ["duty"]
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `errors` names each field."),
    403: OpenApiResponse(ErrorSerializer, description="Only people of a grid point file this."),
    409: OpenApiResponse(
        ErrorSerializer, description="Your grid point has already filed for this period."
    ),
}


class _ScopedList(generics.ListAPIView):
    """A scoped, filtered, paginated list (the FilterSet validates: a bad value is a 400)."""

    filter_backends = [DjangoFilterBackend]
    pagination_class = CappedPagination

    def scoped(self) -> QuerySet:
        raise NotImplementedError

    def list(self, request: Request, *args, **kwargs) -> Response:
        filters = self.filterset_class(
            request.query_params, queryset=self.scoped(), request=request
        )
        if not filters.is_valid():
            raise translate_validation(filters.errors)
        page = self.paginate_queryset(filters.qs)
        serializer = self.get_serializer_class()
        return self.get_paginated_response(serializer(page, many=True).data)


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="Daily reports you may see",
        responses={200: DailyReportSerializer(many=True), 400: ERRORS[400], 404: PAGE_NOT_FOUND},
    ),
    post=extend_schema(
        tags=TAGS,
        summary="File your grid point's daily report (网情日报)",
        description="Items (reports your grid point filed that day, or a title, platform and "
        "link each), or `nothing_to_report: true` (零报告). Due at 15:00 Asia/Shanghai "
        "(`DUTY_DAILY_REPORT_DUE`); a filing after it is accepted and marked late "
        "(`is_late`). One per grid point and day: a second answers 409 and changes nothing.",
        request=DailyReportCreateSerializer,
        responses={
            201: DailyReportSerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            409: ERRORS[409],
        },
    ),
)
class DailyReportListCreateView(_ScopedList, generics.CreateAPIView):
    queryset = DailyReport.objects.none()  # for the schema; the selector scopes every request
    filterset_class = DailyReportFilter

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return DailyReportCreateSerializer
        return DailyReportSerializer

    def scoped(self) -> QuerySet:
        return daily_report_list_for(user=self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = DailyReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        items = [
            DailyItem(
                report_id=item.get("report"),
                title=item.get("title", ""),
                platform=item.get("platform", ""),
                url=item.get("url", ""),
            )
            for item in data.get("items", [])
        ]
        report = daily_report_file(
            by=request.user,
            items=items,
            nothing_to_report=data["nothing_to_report"],
            note=data.get("note", ""),
            day=data.get("day"),
        )
        report = daily_report_list_for(user=request.user).get(pk=report.pk)
        return Response(DailyReportSerializer(report).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="Risk-point lists you may see",
        responses={
            200: RiskPointListSerializer(many=True),
            400: ERRORS[400],
            404: PAGE_NOT_FOUND,
        },
    ),
    post=extend_schema(
        tags=TAGS,
        summary="File your grid point's monthly risk-point list (风险点排查)",
        description="Risk points (description, area, level, measures, person responsible), or "
        "`nothing_found: true`. Due at the end of the month's last day "
        "(`DUTY_RISK_POINTS_DUE`); later is accepted and marked late. This month's or last "
        "month's; one per grid point and month: a second answers 409.",
        request=RiskPointListCreateSerializer,
        responses={
            201: RiskPointListSerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            409: ERRORS[409],
        },
    ),
)
class RiskPointListCreateView(_ScopedList, generics.CreateAPIView):
    queryset = RiskPointList.objects.none()
    filterset_class = RiskPointListFilter

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return RiskPointListCreateSerializer
        return RiskPointListSerializer

    def scoped(self) -> QuerySet:
        return risk_point_list_for(user=self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = RiskPointListCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        risk_list = risk_points_file(
            by=request.user,
            items=[RiskItem(**item) for item in data.get("items", [])],
            nothing_found=data["nothing_found"],
            note=data.get("note", ""),
            month=data.get("month"),
        )
        risk_list = risk_point_list_for(user=request.user).get(pk=risk_list.pk)
        return Response(RiskPointListSerializer(risk_list).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="Expected submissions you may see",
        description="Every recurring obligation as a row: who owes which kind for which "
        "period, by when, and whether it was filed on time, late, or missed (settled at the "
        "due time). `date` selects the period a day falls in (the day for daily reports, its "
        "month for risk points).",
        responses={
            200: ExpectedSubmissionSerializer(many=True),
            400: ERRORS[400],
            404: PAGE_NOT_FOUND,
        },
    ),
)
class ExpectedSubmissionListView(_ScopedList):
    queryset = ExpectedSubmission.objects.none()
    filterset_class = ExpectedSubmissionFilter

    def get_serializer_class(self):
        return ExpectedSubmissionSerializer

    def scoped(self) -> QuerySet:
        return expected_list_for(user=self.request.user)
