"""Django admin of notifications, for system admins: deliveries (filter the failed ones, see
each attempt's error) and people's preferences. Scoped like the grid's admin: a city's system
admin sees the deliveries and preferences of their city's people only."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grid.admin import ScopedAdmin, is_grid_admin
from notifications.delivery import deliveries_retry
from notifications.models import Delivery, DeliveryAttempt, Preference


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("at", "ok", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdmin):
    """Every message sent or being sent beyond the bell; failed ones are given up for good."""

    list_display = (
        "created_at",
        "recipient",
        "channel",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    list_select_related = ("recipient",)
    list_filter = ("status", "channel", ("created_at", admin.DateFieldListFilter))
    search_fields = ("recipient__username", "recipient__name", "subject")
    ordering = ("-created_at", "-id")
    show_full_result_count = False
    list_per_page = 100
    fields = (
        "recipient",
        "notification",
        "channel",
        "subject",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "last_error",
    )
    readonly_fields = fields
    inlines = [DeliveryAttemptInline]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions if is_grid_admin(request.user) else {}

    @admin.action(description=_("Try the selected failed deliveries again"))
    def retry(self, request, queryset):
        count = deliveries_retry(deliveries=queryset, now=timezone.now())
        self.message_user(request, _("%(n)d deliveries will be tried again.") % {"n": count})


@admin.register(Preference)
class PreferenceAdmin(ScopedAdmin):
    """People's channels (to help someone whose messages do not arrive)."""

    list_display = (
        "user",
        "digest",
        "email_on",
        "wecom_on",
        "dingtalk_on",
        "feishu_on",
        "updated_at",
    )
    list_select_related = ("user",)
    list_filter = ("digest", "email_on", "wecom_on", "dingtalk_on", "feishu_on")
    search_fields = ("user__username", "user__name")
    # Signing secrets stay with their owner; the webhook addresses help find a wrong one.
    fields = (
        "user",
        "language",
        "digest",
        "email_on",
        "email",
        "wecom_on",
        "wecom_url",
        "dingtalk_on",
        "dingtalk_url",
        "feishu_on",
        "feishu_url",
        "updated_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
