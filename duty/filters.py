"""The filters of duty's lists, declared once: the API's validation (400 naming the parameter)
and its OpenAPI parameters; the overview pages read the same ones."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from duty.kinds import submission_kinds
from duty.models import DailyReport, ExpectedSubmission, RiskPointList, SubmissionStatus
from grid.api.serializers import MAX_ID
from reports.filters import DayFilter


def _kind_choices():
    return [(kind.name, kind.label) for kind in submission_kinds()]


class ExpectedSubmissionFilter(django_filters.FilterSet):
    """``?kind=&date=&status=``: a kind's rows, the period a day falls in, a status."""

    kind = django_filters.ChoiceFilter(
        choices=_kind_choices, label=_("Kind"), help_text=_("daily_report, risk_points, …")
    )
    date = DayFilter(
        method="filter_date",
        label=_("Day"),
        help_text=_("The rows of the period this day falls in (its day, or its month)."),
    )
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices, label=_("Status"))
    grid_point = django_filters.NumberFilter(
        field_name="grid_point_id", label=_("Grid point"), min_value=1, max_value=MAX_ID
    )

    class Meta:
        model = ExpectedSubmission
        fields = ["kind", "date", "status", "grid_point"]

    def filter_date(self, queryset: QuerySet, name: str, value: date | None) -> QuerySet:
        if value is None:
            return queryset
        periods = Q()
        for kind in submission_kinds():
            periods |= Q(kind=kind.name, period=kind.period_of(value))
        return queryset.filter(periods)


class DailyReportFilter(django_filters.FilterSet):
    """``?date=&grid_point=&late=``."""

    date = DayFilter(field_name="day", label=_("Day"))
    grid_point = django_filters.NumberFilter(
        field_name="grid_point_id", label=_("Grid point"), min_value=1, max_value=MAX_ID
    )
    late = django_filters.BooleanFilter(field_name="is_late", label=_("Late"))

    class Meta:
        model = DailyReport
        fields = ["date", "grid_point", "late"]


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (cleaned to its first day)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise ValidationError(_("Give the month as YYYY-MM, e.g. 2026-11."), code="invalid")
        return month


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class RiskPointListFilter(django_filters.FilterSet):
    """``?month=YYYY-MM&grid_point=&late=``."""

    month = MonthFilter(field_name="month", label=_("Month"), help_text=_("YYYY-MM"))
    grid_point = django_filters.NumberFilter(
        field_name="grid_point_id", label=_("Grid point"), min_value=1, max_value=MAX_ID
    )
    late = django_filters.BooleanFilter(field_name="is_late", label=_("Late"))

    class Meta:
        model = RiskPointList
        fields = ["month", "grid_point", "late"]


def parse_month(value: str) -> date | None:
    """``"2026-11"`` → 2026-11-01; None if it is not a month."""
    try:
        year, month = (int(p) for p in value.split("-"))
        if len(value) != 7 or not 1900 <= year <= 2999:
            return None
        return date(year, month, 1)
    except (TypeError, ValueError):
        return None
