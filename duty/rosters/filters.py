"""The filters of duty's lists: one FilterSet each, giving the API's validation and the
OpenAPI parameters."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from duty.models import DutyDay, Handover, LogEntry, Swap, SwapState


class DayFilter(django_filters.FilterSet):
    """Roster days: by desk, by date range, the caller's own."""

    grid_point = django_filters.NumberFilter(
        field_name="grid_point_id", label=_("Grid point"), min_value=1, max_value=2**31 - 1
    )
    unit = django_filters.NumberFilter(
        field_name="unit_id", label=_("Platform"), min_value=1, max_value=2**31 - 1
    )
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Only days I am on or lead"))

    class Meta:
        model = DutyDay
        fields = ["grid_point", "unit", "date_from", "date_to", "mine"]

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        user = self.request.user
        return queryset.filter(
            pk__in=DutyDay.objects.filter(shifts__person=user).values("pk")
        ) | queryset.filter(leader=user)


class SwapFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=SwapState.choices, label=_("State"))
    date_from = django_filters.DateFilter(
        field_name="day__date", lookup_expr="gte", label=_("From")
    )
    date_to = django_filters.DateFilter(field_name="day__date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Swap
        fields = ["state", "date_from", "date_to"]


class LogFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter(method="filter_kind", label=_("Kind"))

    class Meta:
        model = LogEntry
        fields = ["kind"]

    def filter_kind(self, queryset, name, value):
        return queryset.filter(kind=value) if value else queryset


class HandoverFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        field_name="incoming__date", lookup_expr="gte", label=_("From")
    )
    date_to = django_filters.DateFilter(
        field_name="incoming__date", lookup_expr="lte", label=_("To")
    )

    class Meta:
        model = Handover
        fields = ["date_from", "date_to"]
