"""Duty in the admin: read only (rosters are kept on their pages, the log is append-only)."""

from django.contrib import admin

from duty.models import Absence, DutyDay, DutyShift, Handover, LogEntry, Swap


class ReadOnly(admin.ModelAdmin):
    """Shown, never written here: every write goes through duty.services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DutyDay)
class DutyDayAdmin(ReadOnly):
    list_display = ("date", "grid_point", "unit", "leader", "starts_at")
    list_filter = ("date",)
    raw_id_fields = ("grid_point", "unit", "region", "leader", "updated_by")
    list_select_related = ("grid_point", "unit", "leader")
    date_hierarchy = "date"


@admin.register(DutyShift)
class DutyShiftAdmin(ReadOnly):
    list_display = ("date", "day", "person", "clocked_in_at")
    raw_id_fields = ("day", "person", "swap")
    list_select_related = ("day", "person")


@admin.register(Swap)
class SwapAdmin(ReadOnly):
    list_display = ("day", "requester", "colleague", "state", "requested_at", "decided_by")
    list_filter = ("state",)
    raw_id_fields = ("day", "requester", "colleague", "decided_by")


@admin.register(Absence)
class AbsenceAdmin(ReadOnly):
    list_display = ("shift", "reason", "whereabouts", "started_at", "ended_at")
    raw_id_fields = ("shift",)


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnly):
    list_display = ("occurred_at", "day", "kind", "author", "corrects")
    list_filter = ("kind",)
    raw_id_fields = ("day", "author", "corrects")
    list_select_related = ("day", "author")


@admin.register(Handover)
class HandoverAdmin(ReadOnly):
    list_display = ("due_at", "outgoing", "submitted_by", "submitted_at", "acknowledged_at")
    raw_id_fields = ("outgoing", "incoming", "submitted_by", "acknowledged_by", "cases")
