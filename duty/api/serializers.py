"""Shapes of duty's API: one output per resource, one input per filing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from duty.filters import parse_month
from duty.models import (
    DailyReport,
    DailyReportItem,
    ExpectedSubmission,
    RiskLevel,
    RiskPoint,
    RiskPointList,
    SubmissionStatus,
)
from duty.services.filings import MAX_ITEMS
from grid.api.serializers import MAX_ID, GridPointRefSerializer
from reports.models import SourcePlatform


class DailyReportItemSerializer(serializers.ModelSerializer):
    report_number = serializers.SerializerMethodField(
        help_text=_("The linked report's case number.")
    )

    class Meta:
        model = DailyReportItem
        fields = ["report", "report_number", "title", "platform", "url"]

    def get_report_number(self, item: DailyReportItem) -> str | None:
        return item.report.case_number if item.report_id else None


class DailyReportSerializer(serializers.ModelSerializer):
    grid_point = GridPointRefSerializer()
    filed_by = serializers.CharField(source="filed_by.name")
    items = DailyReportItemSerializer(many=True)

    class Meta:
        model = DailyReport
        fields = [
            "id",
            "grid_point",
            "day",
            "nothing_to_report",
            "items",
            "note",
            "filed_by",
            "filed_at",
            "is_late",
        ]


class DailyItemInputSerializer(serializers.Serializer):
    report = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("A report your grid point filed that day; or give title, platform, url."),
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    platform = serializers.ChoiceField(
        choices=SourcePlatform.choices, required=False, allow_blank=True
    )
    url = serializers.URLField(required=False, allow_blank=True, max_length=500)


class DailyReportCreateSerializer(serializers.Serializer):
    day = serializers.DateField(
        required=False, help_text=_("The day reported on; today by default.")
    )
    nothing_to_report = serializers.BooleanField(
        default=False, help_text=_("Nothing to report (零报告): then give no items.")
    )
    items = DailyItemInputSerializer(many=True, required=False, max_length=MAX_ITEMS)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RiskPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskPoint
        fields = ["description", "area", "level", "measures", "responsible"]


class RiskPointListSerializer(serializers.ModelSerializer):
    grid_point = GridPointRefSerializer()
    filed_by = serializers.CharField(source="filed_by.name")
    month = serializers.SerializerMethodField(help_text="YYYY-MM")
    items = RiskPointSerializer(many=True)

    class Meta:
        model = RiskPointList
        fields = [
            "id",
            "grid_point",
            "month",
            "nothing_found",
            "items",
            "note",
            "filed_by",
            "filed_at",
            "is_late",
        ]

    def get_month(self, obj: RiskPointList) -> str:
        return f"{obj.month:%Y-%m}"


class RiskItemInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    area = serializers.CharField(max_length=120)
    level = serializers.ChoiceField(choices=RiskLevel.choices)
    measures = serializers.CharField(max_length=2000)
    responsible = serializers.CharField(max_length=60)


class MonthInputField(serializers.CharField):
    """``YYYY-MM``, as the first day of that month."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        month = parse_month(value)
        if month is None:
            raise serializers.ValidationError(_("Give the month as YYYY-MM, e.g. 2026-11."))
        return month


class RiskPointListCreateSerializer(serializers.Serializer):
    month = MonthInputField(
        required=False, max_length=7, help_text=_("YYYY-MM; this month by default.")
    )
    nothing_found = serializers.BooleanField(
        default=False, help_text=_("No risk points found this month: then give no items.")
    )
    items = RiskItemInputSerializer(many=True, required=False, max_length=MAX_ITEMS)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ExpectedSubmissionSerializer(serializers.ModelSerializer):
    grid_point = GridPointRefSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=SubmissionStatus.choices)

    class Meta:
        model = ExpectedSubmission
        fields = [
            "id",
            "kind",
            "period",
            "grid_point",
            "unit",
            "subject_id",
            "county",
            "status",
            "due_at",
            "settled_at",
            "filing_id",
        ]
