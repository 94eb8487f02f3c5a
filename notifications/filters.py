"""The filter of notification lists, declared once: the page's toggle, the API's validation
and its OpenAPI parameter."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from notifications.models import Notification


class NotificationFilter(filters.FilterSet):
    """``?unread=true``: only the notifications not read yet."""

    # true or false, nothing else: a value it cannot honour is refused (400), not ignored.
    unread = filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        method="filter_unread",
        label=_("Unread only"),
        help_text=_("true: only unread notifications."),
    )

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset.filter(read_at=None) if value else queryset
